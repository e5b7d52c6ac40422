"""The register of who has voted, kept without casting order (decision 0002, Storage).

At the freeze every member of the electorate gets an unmarked row (``channel`` None), inserted in random order;
a vote marks that row in place (on PostgreSQL a HOT update inside the row's page, thanks to the table's low
fillfactor), so the rows stay where the freeze put them. At the close the election's marked rows are written
again in random order, the unmarked ones dropped, and the table compacted (:mod:`ballot.unordered`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from ballot.referendums.models import VoterRegister
from ballot.unordered import compact, rewrite_shuffled, shuffled

log = logging.getLogger(__name__)


def has_voted(row: VoterRegister | None) -> bool:
    """Whether a register row (or its absence) says that the member has voted."""
    return row is not None and row.channel is not None


def add_unmarked(session: AsyncSession, election_id: int, member_ids: Iterable[int]) -> None:
    """One unmarked register row per member of the frozen electorate, added in random order."""
    session.add_all(VoterRegister(election_id=election_id, member_id=member_id, channel=None, sealed_ref=None)
                    for member_id in shuffled(member_ids))


async def rewrite_after_close(session: AsyncSession, election_id: int) -> int:
    """Rewrite the election's voters in random order, drop the unmarked rows, commit, and compact the table
    (PostgreSQL ``VACUUM FULL``, SQLite a WAL truncation); returns the number of voters kept (-1 when the rewrite
    failed: logged; the close stands, and the next close rewrites again)."""
    table = cast(Table, VoterRegister.__table__)
    try:
        kept = await rewrite_shuffled(session, table, table.c.election_id == election_id,
                                      keep=lambda row: row["channel"] is not None)
        await session.commit()
    except Exception as exc:
        await session.rollback()
        log.error("the register was not rewritten after the close (%s)", type(exc).__name__)
        return -1
    if isinstance(session.bind, AsyncEngine):  # a session bound to one connection (a test's) is not compacted
        await compact(session.bind, table)
    return kept


async def mark(session: AsyncSession, election_id: int, member_id: int, channel: str,
               sealed_ref: dict[str, str] | None, *, replacing: str | None = None) -> bool:
    """Mark the member's row in place when it shows no vote (or, with ``replacing``, a vote by that channel).
    False when the row shows another vote or does not exist. One conditional UPDATE, so two concurrent marks of
    one member cannot both win."""
    shows_no_vote = VoterRegister.channel.is_(None)
    condition = shows_no_vote if replacing is None else shows_no_vote | (VoterRegister.channel == replacing)
    result = await session.execute(
        update(VoterRegister)
        .where(VoterRegister.election_id == election_id, VoterRegister.member_id == member_id, condition)
        .values(channel=channel, sealed_ref=sealed_ref).execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]
