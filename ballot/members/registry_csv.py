"""Reading a registry CSV file: encoding, delimiter, header names in German or English, rows with their line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import IO

from ballot.exceptions import BallotError
from ballot.i18n import gettext as _
from ballot.members.records import REQUIRED, lookup_key

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
HEADER_ALIASES: dict[str, str] = {
    lookup_key(alias): name for name, aliases in _HEADER_ALIASES.items() for alias in aliases
}


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
class Row:
    """A data line of the file: its first physical line, the values by field name, what is wrong with its shape."""

    line: int
    values: dict[str, str]
    errors: list[str]


def read_rows(text: str, errors: list[RowError]) -> tuple[dict[str, str], list[Row]] | None:
    """Header mapping (field -> header as written) and rows; None when the header is unusable.
    Problems of the file's shape go to ``errors``."""
    delimiter = sniff_delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportFileError(_("The header line cannot be read: %(error)s", error=str(exc))) from exc
    columns: list[str | None] = []
    labels: dict[str, str] = {}
    for title in header:
        name = HEADER_ALIASES.get(lookup_key(title))
        if name is None:
            if title.strip():
                errors.append(RowError(1, _("Unknown column “%(column)s”.", column=title.strip())))
            columns.append(None)
        elif name in labels:
            errors.append(RowError(1, _("Column “%(column)s” appears twice.", column=title.strip())))
            columns.append(None)
        else:
            labels[name] = title.strip()
            columns.append(name)
    missing = [name for name in REQUIRED if name not in labels]
    if missing:
        errors.append(RowError(1, _("Required columns are missing: %(columns)s.", columns=", ".join(missing))))
        return None
    rows: list[Row] = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(line, _("The line cannot be read: %(error)s", error=str(exc))))
            break
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        row = Row(start, {}, [])
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
