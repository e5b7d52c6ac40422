"""Group commit (ballot.referendums.booth.appender): concurrent casts share transactions, each ballot is decided on its
own, the chain stays unbroken, and a failed batch loses nothing it acknowledged."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

import ballot.referendums.booth.appender as appender_module
from ballot.exceptions import Conflict
from ballot.referendums.booth.appender import BallotRefused, BoardAppender, appender_of
from ballot.referendums.booth.casting import cast_ballot
from ballot.referendums.models import BoardEntry, Election, VoterRegister
from ballot.settings import Settings
from ballot_crypto.board import chain_hash
from tests.referendums.box_helpers import NO, YES, Ready, open_ready
from tests.referendums.conftest import World


async def _cast_all(app: Litestar, settings: Settings, ready: Ready, appender: BoardAppender,
                    casts: list[tuple[int, dict[str, Any]]], now: Any = None) -> list[Any]:
    """Cast every (member, ballot) at once, each in a request-like session of its own."""
    async def one(member_id: int, ballot: dict[str, Any]) -> Any:
        async with app.state.db_factory() as session:
            election = await session.get(Election, ready.election.id)
            try:
                return await cast_ballot(session, settings, election, member_id, ballot, now or ready.during,
                                         appender=appender)
            except (BallotRefused, Conflict) as exc:
                return exc

    return await asyncio.gather(*(one(m, b) for m, b in casts))


async def _board(app: Litestar, ready: Ready) -> tuple[Election, list[BoardEntry]]:
    async with app.state.db_factory() as session:
        election = await session.get(Election, ready.election.id)
        rows = (await session.scalars(select(BoardEntry).where(BoardEntry.election_id == ready.election.id)
                                      .order_by(BoardEntry.position))).all()
    assert election is not None
    return election, list(rows)


def _assert_chain(election: Election, rows: list[BoardEntry]) -> None:
    previous = str(election.fingerprint)
    for position, row in enumerate(rows, start=1):
        assert row.position == position and row.previous == previous
        assert row.chain == chain_hash(position, previous, row.tracker)
        previous = row.chain
    assert election.board_count == len(rows) and election.board_head == (rows[-1].chain if rows else None)


async def test_concurrent_casts_share_commits_and_keep_the_chain(app: Litestar, world: World, settings: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ready = await open_ready(world, settings)
    voters = ready.voters()[:8]
    batches: list[int] = []
    real = appender_module.append_batch

    appender = appender_of(app.state)

    async def counting(session: Any, casts: list[Any]) -> None:
        if not batches:  # hold the first batch until every other cast waits in the queue
            for _ in range(500):
                if len(casts) + len(appender._queue) == len(voters):
                    break
                await asyncio.sleep(0.01)
        batches.append(len(casts))
        await real(session, casts)

    monkeypatch.setattr(appender_module, "append_batch", counting)
    results = await _cast_all(app, settings, ready, appender, [(m, ready.ballot(m, YES)) for m in voters])
    assert all(isinstance(r, dict) for r in results), results
    assert sorted(r["position"] for r in results) == list(range(1, len(voters) + 1))
    assert sum(batches) == len(voters) and len(batches) == 2  # the first, then all the others at once
    election, rows = await _board(app, ready)
    _assert_chain(election, rows)
    assert {r["tracker"]: r["chain"] for r in results} == {row.tracker: row.chain for row in rows}
    async with app.state.db_factory() as session:
        marked = (await session.scalars(select(VoterRegister.member_id).where(
            VoterRegister.election_id == ready.election.id, VoterRegister.channel.is_not(None)))).all()
    assert sorted(marked) == sorted(voters)
    assert appender_of(app.state) is appender  # one queue per application and event loop


@pytest.mark.parametrize("revoting", [True, False])
async def test_one_batch_decides_each_ballot_on_its_own(app: Litestar, world: World, settings: Settings,
                                                        revoting: bool) -> None:
    """In one batch: a credential twice (revote or refusal), a replayed ballot, a late ballot, a good one."""
    ready = await open_ready(world, settings, revoting=revoting)
    a, b, c, d = ready.voters()[:4]
    replayed = ready.ballot(c, YES)
    appender = BoardAppender(app.state.db_factory)
    results = await _cast_all(app, settings, ready, appender, [
        (a, ready.ballot(a, YES)), (a, ready.ballot(a, NO)), (c, replayed), (c, replayed), (b, ready.ballot(b, NO))])
    late = await _cast_all(app, settings, ready, appender, [(d, ready.ballot(d, YES))],
                           now=ready.election.closes_at)
    # Verification runs in threads, so the order within a pair is not fixed; what each pair yields is.
    kinds = [type(r).__name__ for r in results]
    assert sorted(kinds[2:4]) == ["BallotRefused", "dict"] and kinds[4] == "dict"
    assert next(r for r in results[2:4] if isinstance(r, BallotRefused)).check == 11
    if revoting:
        assert kinds[:2] == ["dict", "dict"]
    else:
        assert sorted(kinds[:2]) == ["AlreadyCast", "dict"]
    assert isinstance(late[0], Conflict) and "closed" in late[0].message
    election, rows = await _board(app, ready)
    _assert_chain(election, rows)
    counted = [row for row in rows if row.superseded_by is None]
    assert len(counted) == 3 and len(rows) == (4 if revoting else 3)
    if revoting:
        earlier, later = sorted(results[:2], key=lambda r: r["position"])
        assert next(row for row in rows if row.tracker == earlier["tracker"]).superseded_by == later["position"]


async def test_a_failed_batch_acknowledges_nothing_and_the_next_one_works(
        app: Litestar, world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    ready = await open_ready(world, settings)
    a, b = ready.voters()[:2]
    appender = BoardAppender(app.state.db_factory)

    async def locked(*_args: object) -> None:
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(appender_module, "lock_board", locked)
    monkeypatch.setattr(appender_module.asyncio, "sleep", _no_sleep)
    failed = await _cast_all(app, settings, ready, appender, [(a, ready.ballot(a, YES)), (b, ready.ballot(b, NO))])
    assert all(isinstance(r, Conflict) and "busy" in r.message for r in failed)
    assert (await _board(app, ready))[1] == []
    monkeypatch.undo()
    again = await _cast_all(app, settings, ready, appender, [(a, ready.ballot(a, YES))])
    assert isinstance(again[0], dict) and again[0]["position"] == 1


async def _no_sleep(_seconds: float) -> None:
    return None


async def test_a_wahlschein_entered_meanwhile_keeps_the_online_reference(app: Litestar, world: World,
                                                                         settings: Settings) -> None:
    """A Wahlschein entered between the box commit and the register write: the row stays postal and keeps the
    online ballot's sealed reference, so that precedence "postal" can open it and remove the ballot."""
    ready = await open_ready(world, settings)
    a = ready.voters()[0]
    async with app.state.db_factory() as session:
        await session.execute(update(VoterRegister).where(  # the unmarked row from the freeze, marked by post
            VoterRegister.election_id == ready.election.id, VoterRegister.member_id == a).values(channel="postal"))
        await session.commit()
        sealed = {"alpha": "00" * 32, "beta": "11" * 32}
        cast = appender_module.Cast(ready.election.id, {"credential": "x"}, "t" * 64, a, sealed, ready.during)
        await appender_module._register(session, ready.election.id, [cast])
        row = await session.get(VoterRegister, (ready.election.id, a))
        assert row is not None and row.channel == "postal" and row.sealed_ref == sealed
