"""Date-times in forms: the value of a ``datetime-local`` input, read and written in the organisation's time zone
(Europe/Berlin) and stored in UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ballot.i18n import LOCAL_ZONE

_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")


def parse_local(raw: str) -> datetime | None:
    """A ``datetime-local`` value read as Europe/Berlin time, in UTC; None when unreadable."""
    text = raw.strip()
    if not _LOCAL.match(text):
        return None
    try:
        naive = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return None
    if not 2000 <= naive.year <= 2999:
        return None
    return naive.replace(tzinfo=LOCAL_ZONE).astimezone(UTC)


def local_input(moment: datetime | None) -> str:
    """The value of a ``datetime-local`` input for ``moment`` (Europe/Berlin)."""
    return "" if moment is None else moment.astimezone(LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M")
