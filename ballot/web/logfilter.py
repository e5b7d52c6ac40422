"""Keep casting out of the access log: a line with time, client address and path per cast would date the public,
ordered bulletin board positions and could link them to logins (docs/decisions/0002-binding-ballot-architecture.md)."""

from __future__ import annotations

import logging
import re

#: Paths whose requests leave no access-log line: casting (JSON and form) and the booth's review step.
QUIET_PATHS = re.compile(r"/ballots/[^/\s]+/(cast|vote)(\?\S*)?(\s|$)")


class QuietCastingFilter(logging.Filter):
    """Drop uvicorn access-log records for the casting endpoints."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not QUIET_PATHS.search(record.getMessage())


def install() -> None:
    """Attach the filter to uvicorn's access logger (idempotent)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, QuietCastingFilter) for existing in access.filters):
        access.addFilter(QuietCastingFilter())
