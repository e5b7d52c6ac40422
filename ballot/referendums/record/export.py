"""Publishing: the election record for the eligible and auditors, the bulletin board for everyone.

The record (a ZIP, docs/election-record.md) exists only after the tally. The board listing (position, tracker,
chain) is public from the opening on, so a voter can find their tracker; it shows no member, time or count of
votes per option.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.policy import Action, authorize, is_allowed
from ballot.authz.principal import Principal
from ballot.exceptions import NotFound, PermissionDenied
from ballot.i18n import gettext as _
from ballot.referendums.box import outcome_of, unit_of
from ballot.referendums.models import BoardEntry, Election, ElectionState, ElectorateEntry

PUBLIC_STATES = (ElectionState.OPEN, ElectionState.CLOSED, ElectionState.TALLIED)
MAX_PAGE = 500


@dataclass(frozen=True)
class BoardLine:
    """One line of the public bulletin board."""

    position: int
    tracker: str
    chain: str


async def may_download_record(session: AsyncSession, principal: Principal | None, election: Election) -> bool:
    """Auditors (Action.AUDIT_LOG_VIEW in the unit) and members of the frozen electorate."""
    if principal is None:
        return False
    if is_allowed(principal, Action.AUDIT_LOG_VIEW, await unit_of(session, election)):
        return True
    if principal.member_id is None:
        return False
    return await session.get(ElectorateEntry, (election.id, principal.member_id)) is not None


async def record_zip(session: AsyncSession, principal: Principal | None, election: Election) -> tuple[str, bytes]:
    """(record SHA-256, the record ZIP) of a tallied ballot, for the eligible and auditors."""
    authorize(principal, Action.UNIT_VIEW, await unit_of(session, election))  # raises NotAuthenticated
    if not await may_download_record(session, principal, election):
        raise PermissionDenied(_("Only members of the electorate and auditors may download this record."))
    outcome = await outcome_of(session, election)
    if election.state != ElectionState.TALLIED or outcome is None or outcome.record_zip is None:
        raise NotFound(_("The election record is published after the tally."))
    return str(outcome.record_sha256), outcome.record_zip


async def board_listing(session: AsyncSession, election: Election, *, after: int = 0, limit: int = 100,
                        tracker: str | None = None) -> list[BoardLine]:
    """Board entries from position ``after + 1`` on (at most ``limit``), or the entry with ``tracker``; for anyone
    once the ballot is open."""
    if election.state not in PUBLIC_STATES:
        raise NotFound(_("The bulletin board is public from the opening on."))
    query = select(BoardEntry.position, BoardEntry.tracker, BoardEntry.chain).where(
        BoardEntry.election_id == election.id)
    if tracker is not None:
        query = query.where(BoardEntry.tracker == tracker.strip().lower())
    else:
        query = query.where(BoardEntry.position > after).order_by(BoardEntry.position)
        query = query.limit(max(1, min(limit, MAX_PAGE)))
    rows = await session.execute(query)
    return [BoardLine(position, tracker_hex, chain) for position, tracker_hex, chain in rows.all()]
