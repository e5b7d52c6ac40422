"""Import the member registry from CSV: validate every row first, then upsert by member number, all or nothing.

The same field rules (:func:`parse_record`) serve the JSON API, so a registry entry is valid or invalid the same
way wherever it comes from.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.exceptions import BallotError
from ballot.i18n import gettext as _
from ballot.i18n import ngettext
from ballot.members.models import DuesStatus, Gender, Member, MemberClass
from ballot.units.models import Unit

#: Columns in export order; ``unit`` is the home unit's slug.
FIELDS = (
    "number",
    "given_name",
    "family_name",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "gender",
    "unit",
    "joined_on",
    "left_on",
    "dues_status",
    "member_class",
)
REQUIRED = ("number", "given_name", "family_name", "unit", "joined_on", "dues_status")
MAX_LENGTH = {
    "number": 32,
    "given_name": 100,
    "family_name": 100,
    "email": 254,
    "phone": 40,
    "street": 200,
    "postal_code": 10,
    "city": 100,
}
#: Model attribute for each field (only ``unit`` differs).
ATTRIBUTE = {name: name for name in FIELDS} | {"unit": "home_unit_id"}


def _key(text: str) -> str:
    """Header or value normalised for lookup: lower case, ß as ss, only letters and digits."""
    return re.sub(r"[^0-9a-zäöü]", "", text.strip().lower().replace("ß", "ss"))


_HEADER_ALIASES = {
    "number": ("number", "member number", "Mitgliedsnummer", "Mitglieds-Nr.", "Mitgliedsnr", "Nummer", "Nr"),
    "given_name": ("given_name", "first name", "Vorname", "Vornamen"),
    "family_name": ("family_name", "last name", "surname", "Nachname", "Familienname", "Name"),
    "email": ("email", "E-Mail", "E-Mail-Adresse", "Mail"),
    "phone": ("phone", "telephone", "Telefon", "Telefonnummer", "Tel", "Mobil"),
    "street": ("street", "address", "Straße", "Strasse", "Anschrift", "Adresse"),
    "postal_code": ("postal_code", "postcode", "zip", "PLZ", "Postleitzahl"),
    "city": ("city", "town", "Ort", "Wohnort", "Stadt"),
    "gender": ("gender", "Geschlecht"),
    "unit": ("unit", "home unit", "Gliederung", "Verband", "Einheit"),
    "joined_on": ("joined_on", "joined", "Eintritt", "Eintrittsdatum", "Beitritt", "Mitglied seit"),
    "left_on": ("left_on", "left", "Austritt", "Austrittsdatum"),
    "dues_status": ("dues_status", "dues", "Beitragsstatus", "Beitrag"),
    "member_class": ("member_class", "class", "Mitgliedsart", "Mitgliedschaft", "Art"),
}
HEADER_ALIASES: dict[str, str] = {_key(alias): name for name, aliases in _HEADER_ALIASES.items() for alias in aliases}

_VALUE_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "gender": {
        Gender.FEMALE: ("female", "f", "w", "weiblich", "frau"),
        Gender.MALE: ("male", "m", "männlich", "maennlich", "mann"),
        Gender.DIVERSE: ("diverse", "d", "divers", "x"),
        Gender.UNSPECIFIED: ("unspecified", "", "keine angabe", "k.a.", "ohne angabe", "u"),
    },
    "dues_status": {
        DuesStatus.PAID: ("paid", "bezahlt", "gezahlt", "ok"),
        DuesStatus.DUE: ("due", "fällig", "faellig", "offen"),
        DuesStatus.OVERDUE: ("overdue", "überfällig", "ueberfaellig", "rückstand", "rueckstand", "im rückstand"),
        DuesStatus.EXEMPT: ("exempt", "befreit", "beitragsfrei"),
    },
    "member_class": {
        MemberClass.FULL: ("full", "", "ordentlich", "ordentliches mitglied", "mitglied", "voll"),
        MemberClass.SUPPORTING: ("supporting", "fördermitglied", "foerdermitglied", "fördernd", "förderer"),
        MemberClass.GUEST: ("guest", "gast", "gastmitglied"),
    },
}
VALUE_ALIASES: dict[str, dict[str, str]] = {
    name: {_key(alias): value for value, aliases in table.items() for alias in aliases}
    for name, table in _VALUE_ALIASES.items()
}
_ENUMS: dict[str, type[Gender] | type[DuesStatus] | type[MemberClass]] = {
    "gender": Gender,
    "dues_status": DuesStatus,
    "member_class": MemberClass,
}
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]{2,}$")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


class ImportFileError(BallotError):
    """The file as a whole cannot be read (encoding, empty, not CSV)."""

    status_code = 400


@dataclass(frozen=True)
class RowError:
    """Why row ``line`` (1-based physical line; the header is line 1) cannot be imported."""

    line: int
    reason: str

    def __str__(self) -> str:
        return _("line %(line)s: %(reason)s", line=self.line, reason=self.reason)


@dataclass
class ImportReport:
    """What an import did (or, on a dry run or with errors, would do)."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        """True when the database was changed."""
        return self.ok and not self.dry_run and (self.created + self.updated) > 0

    def summary(self) -> str:
        if not self.ok:
            return ngettext(
                "Nothing was imported: %(num)s row has errors.",
                "Nothing was imported: %(num)s rows have errors.",
                len({error.line for error in self.errors}),
            )
        text = ngettext(
            "%(num)s row: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            "%(num)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            self.rows,
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
        )
        if self.dry_run:
            text += " " + _("Dry run: nothing was written.")
        return text


def _parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_record(values: Mapping[str, str | None], units: Mapping[str, Unit]) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the fields present in ``values`` (text as read from a file or a form).

    Returns the typed values (``unit`` becomes the home unit's id) and a map of field name to error message.
    Absent fields are left out of the result; present but empty optional fields become None (or the default).
    ``units`` maps lower-case slugs to units.
    """
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in FIELDS:
        if name not in values:
            if name in REQUIRED:
                errors[name] = _("This field is required.")
            continue
        text = (values[name] or "").strip()
        if not text and name in REQUIRED:
            errors[name] = _("This field is required.")
            continue
        if name in MAX_LENGTH and len(text) > MAX_LENGTH[name]:
            errors[name] = _("At most %(max)s characters.", max=MAX_LENGTH[name])
            continue
        if name in _ENUMS:
            value = VALUE_ALIASES[name].get(_key(text))
            if value is None:
                allowed = ", ".join(member.value for member in _ENUMS[name])
                errors[name] = _("Unknown value “%(value)s” (allowed: %(allowed)s).", value=text, allowed=allowed)
            else:
                parsed[name] = _ENUMS[name](value)
        elif name in ("joined_on", "left_on"):
            if not text:
                parsed[name] = None
            elif (day := _parse_date(text)) is None:
                errors[name] = _("Not a date: “%(value)s” (use YYYY-MM-DD or DD.MM.YYYY).", value=text)
            else:
                parsed[name] = day
        elif name == "unit":
            unit = units.get(text.lower())
            if unit is None:
                errors[name] = _("Unknown unit “%(slug)s”.", slug=text)
            elif not unit.is_territorial:
                errors[name] = _("“%(slug)s” is a body or group, not a home unit.", slug=text)
            else:
                parsed[name] = unit.id
        elif name == "email":
            if text and not _EMAIL.match(text):
                errors[name] = _("Not an email address: “%(value)s”.", value=text)
            else:
                parsed[name] = text or None
        else:
            parsed[name] = text or None
    joined, left = parsed.get("joined_on"), parsed.get("left_on")
    if joined is not None and left is not None and left < joined:
        errors["left_on"] = _("The leaving date lies before the joining date.")
    return parsed, errors


def changes_for(member: Member, parsed: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes of ``member`` that ``parsed`` would change."""
    changes: dict[str, Any] = {}
    for name, value in parsed.items():
        if name == "number":
            continue
        attribute = ATTRIBUTE[name]
        if getattr(member, attribute) != value:
            changes[attribute] = value
    return changes


def new_member(parsed: Mapping[str, Any]) -> Member:
    """A registry entry from validated values (missing optional fields take their defaults)."""
    values = {ATTRIBUTE[name]: value for name, value in parsed.items()}
    values.setdefault("gender", Gender.UNSPECIFIED)
    values.setdefault("member_class", MemberClass.FULL)
    return Member(**values)


async def units_by_slug(session: AsyncSession) -> dict[str, Unit]:
    """Every unit, keyed by lower-case slug."""
    return {unit.slug.lower(): unit for unit in (await session.scalars(select(Unit))).all()}


async def members_by_number(session: AsyncSession, numbers: Iterable[str]) -> dict[str, Member]:
    """Existing registry entries for ``numbers`` (home unit loaded)."""
    wanted = list(dict.fromkeys(numbers))
    found: dict[str, Member] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = await session.scalars(
            select(Member).options(joinedload(Member.home_unit)).where(Member.number.in_(chunk))
        )
        found.update({member.number: member for member in rows.all()})
    return found


def read_text(stream: IO[str] | IO[bytes]) -> str:
    """The whole stream as text; bytes are decoded as UTF-8 (with or without BOM)."""
    try:
        data = stream.read()
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 encoded (byte %(pos)s). Save it as CSV UTF-8.", pos=exc.start)
        ) from exc
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("The file is not UTF-8 encoded (byte %(pos)s). Save it as CSV UTF-8.", pos=exc.start)
            ) from exc
    data = data.removeprefix("\ufeff")
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if "\x00" in data:
        raise ImportFileError(_("The file is not a CSV text file."))
    return data


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of the header line: the most frequent of semicolon, comma and tab (comma on a tie)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: (counts[delimiter], delimiter == ","))
    return best if counts[best] else ","


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    errors: list[str]


def _read_rows(text: str, report: ImportReport) -> tuple[dict[str, str], list[_Row]] | None:
    """Header mapping (field -> header as written) and rows; None when the header is unusable."""
    delimiter = sniff_delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportFileError(_("The header line cannot be read: %(error)s", error=str(exc))) from exc
    columns: list[str | None] = []
    labels: dict[str, str] = {}
    for title in header:
        name = HEADER_ALIASES.get(_key(title))
        if name is None:
            if title.strip():
                report.errors.append(RowError(1, _("Unknown column “%(column)s”.", column=title.strip())))
            columns.append(None)
        elif name in labels:
            report.errors.append(RowError(1, _("Column “%(column)s” appears twice.", column=title.strip())))
            columns.append(None)
        else:
            labels[name] = title.strip()
            columns.append(name)
    missing = [name for name in REQUIRED if name not in labels]
    if missing:
        report.errors.append(RowError(1, _("Required columns are missing: %(columns)s.", columns=", ".join(missing))))
        return None
    rows: list[_Row] = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.errors.append(RowError(line, _("The line cannot be read: %(error)s", error=str(exc))))
            break
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        row = _Row(start, {}, [])
        if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
            row.errors.append(
                _("%(found)s fields, but the header has %(expected)s.", found=len(cells), expected=len(columns))
            )
        for name, cell in zip(columns, cells, strict=False):
            if name is not None:
                row.values[name] = cell
        for name in labels:
            row.values.setdefault(name, "")
        rows.append(row)
    return labels, rows


async def import_members(
    session: AsyncSession,
    stream: IO[str] | IO[bytes],
    *,
    dry_run: bool,
    principal: Principal | None = None,
) -> ImportReport:
    """Validate every row of the CSV in ``stream``; if all are valid (and not ``dry_run``), upsert them.

    A file with any bad row changes nothing; the report lists every bad row with its line and reason. Columns
    absent from the file keep their stored values on update. Without ``principal`` this is the operator's
    command-line import; with one, the principal must be allowed to import into every unit touched.
    Raises :class:`ImportFileError` when the file cannot be read at all.
    """
    report = ImportReport(dry_run=dry_run)
    read = _read_rows(read_text(stream), report)
    if read is None:
        return report
    labels, rows = read
    units = await units_by_slug(session)
    existing = await members_by_number(session, (row.values["number"].strip() for row in rows))
    first_line: dict[str, int] = {}
    plan: list[tuple[Member | None, dict[str, Any]]] = []
    for row in rows:
        parsed, errors = parse_record(row.values, units)
        reasons = list(row.errors)
        reasons += [f"{labels.get(name, name)}: {message}" for name, message in errors.items()]
        number = parsed.get("number")
        if number is not None:
            if number in first_line:
                reasons.append(
                    _(
                        "Member number %(number)s already appears on line %(line)s.",
                        number=number,
                        line=first_line[number],
                    )
                )
            else:
                first_line[number] = row.line
        report.errors += [RowError(row.line, reason) for reason in reasons]
        if not reasons and number is not None:  # a row without errors always has its number
            plan.append((existing.get(number), parsed))
    report.rows = len(rows)
    if report.errors:
        return report

    units_by_id = {unit.id: unit for unit in units.values()}
    for member, parsed in plan:
        if principal is not None:
            authorize(principal, Action.MEMBERS_IMPORT, units_by_id[parsed["unit"]])
            if member is not None:
                authorize(principal, Action.MEMBERS_IMPORT, member.home_unit)
        if member is None:
            report.created += 1
            if not dry_run:
                session.add(new_member(parsed))
        elif changes := changes_for(member, parsed):
            report.updated += 1
            if not dry_run:
                for attribute, value in changes.items():
                    setattr(member, attribute, value)
        else:
            report.unchanged += 1
    if not dry_run:
        await session.flush()
        if report.written:
            record_event(
                session,
                "members:registry:import",
                account_id=principal.account_id if principal else None,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
            )
            await session.flush()
    return report
