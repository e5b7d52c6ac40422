"""Numbers per consultation or motion (A1, A2, Ä1 ...): the next free number, retried when a concurrent request
took it (the unique constraint decides; the losing insert is rolled back to a savepoint and tried again)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.db import Base
from ballot.exceptions import Conflict
from ballot.i18n import gettext as _

Row = TypeVar("Row", bound=Base)
ATTEMPTS = 5


async def insert_numbered(session: AsyncSession, next_number: Callable[[], Awaitable[int]],
                          make: Callable[[int], Row]) -> Row:
    """Insert ``make(number)`` with the next free number; Conflict after repeated collisions."""
    for _attempt in range(ATTEMPTS):
        row = make(await next_number())
        try:
            async with session.begin_nested():
                session.add(row)
        except IntegrityError:  # someone else took this number meanwhile
            continue
        return row
    raise Conflict(_("Many people are submitting at the same moment: please try again."))
