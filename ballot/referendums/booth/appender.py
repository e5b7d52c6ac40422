"""Group commit for the ballot box: verified ballots appended to the board in batches (decision 0002, Casting).

Every cast waits for the board lock and a durable commit. Taken one by one, concurrent casts queue for the lock
(SQLite's busy handler sleeps, PostgreSQL row locks wait) and each pays its own commit. Here the casts that arrive
while a batch is being written wait in a queue; the next batch takes them all (up to ``MAX_BATCH``) under one lock
and one commit, then writes their register marks in a second, separate transaction. There is no background task:
the first waiting cast leads (writes the next batch), the others wait for their result or for their turn to lead,
so the queue needs nothing that outlives the requests of its event loop.

Per ballot the batch decides as the single append did: the window and state under the lock, a replayed tracker
(check 11), an earlier ballot of the same credential (superseded when the statute allows revoting, else refused).
A refusal affects only its own ballot. A ballot's future resolves only after its entry is committed.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar.datastructures import State
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ballot.exceptions import BallotError, Conflict
from ballot.i18n import gettext as _
from ballot.referendums import register
from ballot.referendums.box import lock_board
from ballot.referendums.models import BoardEntry, Election, ElectionState, VoterRegister
from ballot.unordered import shuffled
from ballot_crypto import canonical
from ballot_crypto.board import chain_hash

__all__ = ["AlreadyCast", "Appended", "BallotRefused", "BoardAppender", "Cast", "append_batch", "appender_of"]

log = logging.getLogger(__name__)

MAX_BATCH = 256
"""At most this many ballots per transaction."""
_ATTEMPTS = 5


class BallotRefused(BallotError):
    """The box refuses a ballot; ``check`` is the number of the failed check (docs/election-record.md 4)."""

    status_code = 422

    def __init__(self, message: str, check: int) -> None:
        super().__init__(message)
        self.check = check


class AlreadyCast(Conflict):
    """This credential (or member) has voted and the statute does not allow revoting."""


@dataclass(frozen=True)
class Appended:
    """A committed board entry: what the receipt signs."""

    position: int
    tracker: str
    chain: str


@dataclass
class Cast:
    """One verified ballot waiting for the board: ``sealed`` is the register's sealed reference (JSON)."""

    election_id: int
    ballot: dict[str, Any]
    tracker: str
    member_id: int
    sealed: dict[str, str]
    now: datetime
    outcome: Appended | BaseException | None = field(default=None)

    @property
    def credential(self) -> str:
        return str(self.ballot["credential"])


def window_problem(election: Election, now: datetime) -> Conflict | None:
    """Why a ballot cast at ``now`` cannot be accepted (state and voting window), or None."""
    if election.state in (ElectionState.CLOSED, ElectionState.TALLIED) or now >= election.closes_at:
        return Conflict(_("This ballot is closed; voting is no longer possible."))
    if election.state != ElectionState.OPEN or now < election.opens_at:
        return Conflict(_("This ballot is not open for voting."))
    return None


async def _append_locked(session: AsyncSession, election: Election, casts: list[Cast]) -> list[Cast]:
    """Decide and add every cast under the board lock (taken by the caller); returns the accepted ones."""
    trackers = [c.tracker for c in casts]
    taken = set((await session.scalars(select(BoardEntry.tracker).where(
        BoardEntry.election_id == election.id, BoardEntry.tracker.in_(trackers)))).all())
    latest: dict[str, BoardEntry] = {e.credential: e for e in (await session.scalars(select(BoardEntry).where(
        BoardEntry.election_id == election.id, BoardEntry.credential.in_({c.credential for c in casts}),
        BoardEntry.superseded_by.is_(None)))).all()}
    accepted: list[Cast] = []
    position, head = election.board_count, election.board_head or str(election.fingerprint)
    for cast in casts:
        problem: BaseException | None = window_problem(election, cast.now)
        earlier = latest.get(cast.credential)
        if problem is None and cast.tracker in taken:
            problem = BallotRefused(_("This ballot is already on the board."), 11)
        if problem is None and earlier is not None and not election.revoting:
            problem = AlreadyCast(_("This credential has already voted; this ballot does not allow changing a "
                                    "vote."))
        if problem is not None:
            cast.outcome = problem
            continue
        position += 1
        entry = BoardEntry(election_id=election.id, position=position, credential=cast.credential,
                           tracker=cast.tracker, previous=head, chain=chain_hash(position, head, cast.tracker),
                           ballot=canonical.dumps(cast.ballot).decode(), superseded_by=None)
        if earlier is not None:
            earlier.superseded_by = position
        session.add(entry)
        latest[cast.credential], head = entry, entry.chain
        taken.add(cast.tracker)
        cast.outcome = Appended(position, cast.tracker, entry.chain)
        accepted.append(cast)
    election.board_count, election.board_head = position, head
    return accepted


async def _append(session: AsyncSession, election_id: int, casts: list[Cast]) -> list[Cast]:
    """Append ``casts`` (one election) in one transaction; retried when the database reports a lost race."""
    for attempt in range(_ATTEMPTS):
        for cast in casts:
            cast.outcome = None
        try:
            election = await session.get(Election, election_id)
            if election is None:
                raise Conflict(_("This ballot does not exist."))
            await lock_board(session, election)
            accepted = await _append_locked(session, election, casts)
            # No audit event here: a timestamp per cast would date every board position (decision 0002).
            await session.commit()
            return accepted
        except (IntegrityError, OperationalError) as exc:
            await session.rollback()
            if attempt + 1 == _ATTEMPTS:
                raise Conflict(_("The ballot box is busy. Please try again.")) from exc
            log.info("board append retried (%s)", type(exc).__name__)
            await asyncio.sleep(0.01 * (attempt + 1))
        except BaseException:
            await session.rollback()
            raise
    raise AssertionError("unreachable")


async def _register(session: AsyncSession, election_id: int, casts: list[Cast]) -> None:
    """Mark the members of the accepted casts as having voted online (own transaction; no time, no order): each
    member's row is marked in place, in random order within the batch (:mod:`ballot.referendums.register`)."""
    members = {c.member_id: c.sealed for c in casts}  # the later of two casts of one member wins
    conflicts = 0
    try:
        for member_id in shuffled(members):
            sealed = members[member_id]
            if await register.mark(session, election_id, member_id, "online", sealed, replacing="online"):
                continue
            row = await session.get(VoterRegister, (election_id, member_id), populate_existing=True)
            if row is None:  # no unmarked row: the close dropped it while this ballot was on its way
                session.add(VoterRegister(election_id=election_id, member_id=member_id, channel="online",
                                          sealed_ref=sealed))
                continue
            # a Wahlschein was entered between this ballot's box commit and now (docs/board.md, Briefwahl)
            conflicts += 1
            if row.sealed_ref is None:  # under precedence "postal" the trustees open it and remove the ballot
                row.sealed_ref = sealed
        if conflicts:  # counts only: a member number here would date the member's board position
            log.error("%d online ballot(s) of members whose Wahlschein was entered meanwhile: the register keeps the "
                      "online reference; unless the precedence is 'postal', both votes count", conflicts)
        await session.commit()
    except IntegrityError:
        await session.rollback()  # another process wrote a row of this batch first: mark one by one
        if len(members) > 1:
            for cast in casts:
                await _register(session, election_id, [cast])
    except Exception:  # the ballots are committed: the voters get receipts; the operator sees the lost marks
        await session.rollback()
        log.error("register marks not written (the ballots themselves are stored): %d", len(members))


async def append_batch(session: AsyncSession, casts: list[Cast]) -> None:
    """Append ``casts`` to their boards and mark their members in the register, setting each ``outcome`` to an
    :class:`Appended` or the exception that refused it. ``session`` must not be in a transaction."""
    by_election: dict[int, list[Cast]] = {}
    for cast in casts:
        by_election.setdefault(cast.election_id, []).append(cast)
    for election_id, group in by_election.items():
        try:
            accepted = await _append(session, election_id, group)
        except BaseException as exc:
            for cast in group:
                cast.outcome = exc
            if not isinstance(exc, Exception):
                raise
            continue
        if accepted:
            await _register(session, election_id, accepted)


class BoardAppender:
    """The group-commit queue of one event loop (see the module docstring)."""

    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory
        self._queue: list[tuple[Cast, asyncio.Future[None]]] = []
        self._leading = False
        self._waiters: list[asyncio.Future[None]] = []

    async def _write(self, batch: list[tuple[Cast, asyncio.Future[None]]]) -> None:
        try:
            async with self._factory() as session:
                await append_batch(session, [cast for cast, _done in batch])
        except Exception as exc:
            for cast, _done in batch:
                if cast.outcome is None:
                    cast.outcome = exc
        finally:
            for cast, done in batch:
                if cast.outcome is None:
                    cast.outcome = Conflict(_("The ballot box is busy. Please try again."))
                if not done.done():
                    done.set_result(None)

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def append(self, cast: Cast) -> Appended:
        """Queue ``cast``; return its committed entry or raise what refused it."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.append((cast, done))
        while not done.done():
            if not self._leading:
                self._leading = True
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                try:
                    # Shielded: a cancelled request must not cut a batch of other members' ballots in half.
                    await asyncio.shield(loop.create_task(self._write(batch)))
                finally:
                    self._leading = False
                    self._wake()
            else:
                waiter: asyncio.Future[None] = loop.create_future()
                self._waiters.append(waiter)
                await asyncio.wait([done, waiter], return_when=asyncio.FIRST_COMPLETED)
        if isinstance(cast.outcome, BaseException):
            raise cast.outcome
        assert cast.outcome is not None
        return cast.outcome


def appender_of(state: State) -> BoardAppender:
    """The application's appender for the running event loop (test clients may run several loops)."""
    loop = asyncio.get_running_loop()
    appenders: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, BoardAppender] | None = \
        state.get("board_appenders")
    if appenders is None:
        appenders = weakref.WeakKeyDictionary()
        state["board_appenders"] = appenders
    appender = appenders.get(loop)
    if appender is None:
        appender = appenders[loop] = BoardAppender(state["db_factory"])
    return appender
