"""Reading the motion forms: trimmed text (line breaks normalised, control characters removed), whole numbers and
local date-times (Europe/Berlin, ballot.web.dates). Anything unreadable becomes an error beside its field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request

from ballot.discussions.forms import clean_text
from ballot.i18n import gettext as _
from ballot.web.dates import parse_local

#: Fields whose text keeps its inner line breaks and leading spaces.
LONG_FIELDS = frozenset({"body", "reason", "note", "comment"})


async def read(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The submitted fields as strings (the last value wins; the CSRF field removed)."""
    data = await request.form()
    values: dict[str, str] = {}
    for key, value in data.multi_items():
        if key == "_csrf_token" or not isinstance(value, str):
            continue
        text = clean_text(value)
        values[key] = text.rstrip() if key in LONG_FIELDS else text.strip()
    return values


def whole(raw: str | None) -> int | None:
    """A whole number of at most nine digits, or None."""
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def local_datetime(values: dict[str, str], name: str, errors: dict[str, str]) -> datetime | None:
    """``YYYY-MM-DDTHH:MM`` in Berlin time as UTC (empty: None); an error beside ``name`` when unreadable."""
    raw = values.get(name, "")
    if not raw:
        return None
    parsed = parse_local(raw)
    if parsed is None:
        errors[name] = _("Please enter a date and time, e.g. 2027-03-01 18:00.")
    return parsed
