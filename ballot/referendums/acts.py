"""Opening and closing a ballot: the board's formal acts (docs/decisions/0002, Lifecycle).

Opening needs state ready, the opening time reached and an empty box. Closing needs the close time reached;
an earlier close by the board is allowed only when the statute's minimum voting period (``deadlines.voting_min``
of the ballot's process, counted from the actual opening) has passed, otherwise it is refused. The close takes
the board lock (no cast can commit after it) and computes the aggregates of the counted entries into
``ElectionOutcome.aggregates_json``: before that, no count exists anywhere.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.exceptions import BallotError, Conflict
from ballot.i18n import gettext as _
from ballot.referendums.box import crypto_election, frozen_rules, lock_board, unit_of
from ballot.referendums.common import local_date, processes_of
from ballot.referendums.models import BoardEntry, Election, ElectionOutcome, ElectionState
from ballot.referendums.register import rewrite_after_close
from ballot_crypto import canonical
from ballot_crypto.statutes.schedule import schedule
from ballot_crypto.tally import aggregate


async def open_election(session: AsyncSession, principal: Principal | None, election: Election,
                        now: datetime) -> Election:
    """ready -> open, at or after ``opens_at``, with an empty box (committed)."""
    principal = authorize(principal, Action.ELECTION_MANAGE, await unit_of(session, election))
    await lock_board(session, election)
    try:
        if election.state != ElectionState.READY:
            raise Conflict(_("Only a ballot that is ready can be opened."))
        if now < election.opens_at:
            raise Conflict(_("This ballot cannot be opened before its opening time."))
        entries = await session.scalar(select(func.count()).select_from(BoardEntry)
                                       .where(BoardEntry.election_id == election.id))
        if entries or election.board_count or election.board_head is not None:
            raise Conflict(_("The ballot box is not empty; the ballot cannot be opened."))
        election.state, election.opened_at = ElectionState.OPEN, now
        record_event(session, "referendums:election:open", account_id=principal.account_id,
                     unit_id=election.unit_id, election=election.uuid, fingerprint=election.fingerprint,
                     statute_sha256=election.statute_sha256, eligible=election.eligible_count)
        await session.commit()
    except BallotError:
        await session.commit()  # a refusal changed nothing: end the lock without expiring the caller's objects
        raise
    except BaseException:
        await session.rollback()
        raise
    return election


async def _early_close_allowed(session: AsyncSession, election: Election, now: datetime) -> bool:
    """Whether the statute's minimum voting period has passed since the actual opening."""
    rules, _statute = await frozen_rules(session, election)
    opened = local_date(election.opened_at or election.opens_at)
    return all(local_date(now) >= schedule(rules, process, opened).earliest_close
               for process in processes_of(election.questions))


async def close_election(session: AsyncSession, principal: Principal | None, election: Election,
                         now: datetime) -> ElectionOutcome:
    """open -> closed (committed); computes and stores the aggregates of the counted entries.

    Before ``closes_at`` this is the board's early close, refused unless the statute allows it (see module doc).
    """
    principal = authorize(principal, Action.ELECTION_MANAGE, await unit_of(session, election))
    early = now < election.closes_at
    if early and not await _early_close_allowed(session, election, now):
        raise Conflict(_("The statute does not allow closing this ballot before %(close)s.",
                         close=election.closes_at.isoformat(timespec="minutes")))
    crypto = crypto_election(election)
    await lock_board(session, election)
    try:
        if election.state != ElectionState.OPEN:
            raise Conflict(_("Only an open ballot can be closed."))
        rows = await session.scalars(select(BoardEntry.ballot).where(
            BoardEntry.election_id == election.id, BoardEntry.superseded_by.is_(None))
            .order_by(BoardEntry.position))
        sums = aggregate(crypto.manifest, (json.loads(text) for text in rows))
        outcome = ElectionOutcome(election_id=election.id, aggregates_json=canonical.dumps(sums.to_json()).decode())
        session.add(outcome)
        election.state, election.closed_at = ElectionState.CLOSED, now
        record_event(session, "referendums:election:close", account_id=principal.account_id,
                     unit_id=election.unit_id, election=election.uuid, early=early, board_count=election.board_count,
                     board_head=election.board_head)
        await session.commit()
    except BallotError:
        await session.commit()  # a refusal changed nothing: end the lock without expiring the caller's objects
        raise
    except BaseException:
        await session.rollback()
        raise
    await rewrite_after_close(session, election.id)  # no casting order in the register from here on
    return outcome
