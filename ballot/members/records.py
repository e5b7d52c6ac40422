"""One registry record: the fields, their rules and aliases, and how a record is checked and applied.

The same field rules (:func:`parse_record`) serve the CSV import and the JSON API, so a registry entry is valid or
invalid the same way wherever it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from ballot.i18n import gettext as _
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

def lookup_key(text: str) -> str:
    """Header or value normalised for lookup: lower case, ß as ss, only letters and digits."""
    return re.sub(r"[^0-9a-zäöü]", "", text.strip().lower().replace("ß", "ss"))


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
    name: {lookup_key(alias): value for value, aliases in table.items() for alias in aliases}
    for name, table in _VALUE_ALIASES.items()
}
_ENUMS: dict[str, type[Gender] | type[DuesStatus] | type[MemberClass]] = {
    "gender": Gender,
    "dues_status": DuesStatus,
    "member_class": MemberClass,
}
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]{2,}$")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


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
            value = VALUE_ALIASES[name].get(lookup_key(text))
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
