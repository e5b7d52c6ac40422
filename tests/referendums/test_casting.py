"""Opening, casting (revoting, refusals, concurrency, rate limit), closing, and secrecy in storage (E2)."""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import timedelta

import pytest
from litestar import Litestar
from sqlalchemy import func, select, text

from ballot.audit.models import AuditEvent
from ballot.db import create_engine, create_session_factory
from ballot.exceptions import Conflict, PermissionDenied, RateLimited, ValidationFailed
from ballot.ratelimit import RateLimiter
from ballot.referendums.booth.casting import (
    AlreadyCast,
    BallotRefused,
    cast_ballot,
    cast_choices,
    close_election,
    open_election,
)
from ballot.referendums.models import (
    BoardEntry,
    DecryptionUpload,
    Election,
    ElectionOutcome,
    ElectionState,
    PublicCredential,
    VoterRegister,
)
from ballot.referendums.trustees.ceremony import board_signing_key
from ballot.settings import Settings
from ballot_crypto.board import RECEIPT_DOMAIN, verify_signed
from tests.referendums.box_helpers import ABSTAIN, NO, YES, cast, foreign_ballot, open_ready, ready_election
from tests.referendums.conftest import World


async def test_open_cast_revote_receipts(world: World, settings: Settings) -> None:
    ready = await ready_election(world, settings)
    election = ready.election
    with pytest.raises(Conflict):
        await open_election(world.db, world.board, election, election.opens_at - timedelta(minutes=1))
    with pytest.raises(PermissionDenied):
        await open_election(world.db, world.member, election, election.opens_at)
    with pytest.raises(Conflict):  # not open yet
        await cast_ballot(world.db, settings, election, ready.voters()[0], ready.ballot(ready.voters()[0]),
                          election.opens_at)
    await open_election(world.db, world.board, election, election.opens_at)
    assert election.state == ElectionState.OPEN
    a, b, c = ready.voters()[:3]
    board_key = bytes(board_signing_key(settings, election).verify_key)
    receipts = [await cast(world, settings, ready, a, YES), await cast(world, settings, ready, b, NO),
                await cast(world, settings, ready, c, ABSTAIN), await cast(world, settings, ready, a, NO)]
    assert [r["position"] for r in receipts] == [1, 2, 3, 4]
    for receipt in receipts:
        payload = {k: v for k, v in receipt.items() if k != "signature"}
        assert verify_signed(RECEIPT_DOMAIN, payload, receipt["signature"], board_key)
        assert receipt["election"] == election.fingerprint
    rows = (await world.db.scalars(select(BoardEntry).order_by(BoardEntry.position))).all()
    assert [r.superseded_by for r in rows] == [4, None, None, None]
    assert rows[1].previous == rows[0].chain and election.board_head == rows[3].chain == receipts[3]["chain"]
    assert election.board_count == 4
    rows_of_electorate = (await world.db.scalars(select(VoterRegister))).all()
    assert len(rows_of_electorate) == election.eligible_count  # one row per member since the freeze
    registered = [r for r in rows_of_electorate if r.channel is not None]
    assert sorted(r.member_id for r in registered) == sorted([a, b, c])
    assert all(r.channel == "online" and set(r.sealed_ref or {}) == {"alpha", "beta"} for r in registered)
    # Nothing in the audit log dates a board position or names a voter (decision 0002).
    events = (await world.db.scalars(select(AuditEvent).where(AuditEvent.tag.startswith("referendums:ballot")))).all()
    assert events == []


async def test_refusals(world: World, settings: Settings) -> None:
    ready = await open_ready(world, settings, revoting=False)
    election, (a, b) = ready.election, ready.voters()[:2]
    outsider = await world.factory.member(world.tree.local_a)  # joined today: not in the frozen electorate
    await world.db.commit()
    with pytest.raises(PermissionDenied):
        await cast_ballot(world.db, settings, election, outsider.id, ready.ballot(a), ready.during)
    with pytest.raises(BallotRefused) as foreign:
        await cast_ballot(world.db, settings, election, a, foreign_ballot(election, [YES]), ready.during)
    assert foreign.value.check == 8
    tampered = ready.ballot(a)
    tampered["answers"][0]["choices"][0], tampered["answers"][0]["choices"][1] = (
        tampered["answers"][0]["choices"][1], tampered["answers"][0]["choices"][0])
    with pytest.raises(BallotRefused) as bad:
        await cast_ballot(world.db, settings, election, a, tampered, ready.during)
    assert bad.value.check == 10
    resigned = copy.deepcopy(ready.ballot(a))
    resigned["signature"] = ready.ballot(b)["signature"]
    with pytest.raises(BallotRefused) as sig:
        await cast_ballot(world.db, settings, election, a, resigned, ready.during)
    assert sig.value.check == 9
    with pytest.raises(BallotRefused):
        await cast_ballot(world.db, settings, election, a, {"election": election.fingerprint}, ready.during)
    await cast(world, settings, ready, a, YES)
    with pytest.raises(AlreadyCast):  # revoting off: the member is registered
        await cast(world, settings, ready, a, NO)
    with pytest.raises(AlreadyCast):  # revoting off: the credential has voted (someone else holding it)
        await cast_ballot(world.db, settings, election, b, ready.ballot(a, NO), ready.during)
    with pytest.raises(Conflict):  # after the close time
        await cast_ballot(world.db, settings, election, b, ready.ballot(b), election.closes_at)
    assert await world.db.scalar(select(func.count()).select_from(BoardEntry)) == 1


async def test_replay_and_rate_limit(world: World, settings: Settings) -> None:
    ready = await open_ready(world, settings)
    a = ready.voters()[0]
    ballot = ready.ballot(a)
    await cast_ballot(world.db, settings, ready.election, a, ballot, ready.during)
    with pytest.raises(BallotRefused) as replay:
        await cast_ballot(world.db, settings, ready.election, a, ballot, ready.during)
    assert replay.value.check == 11
    limiter = RateLimiter(2, 60)
    for _ in range(2):
        await cast_ballot(world.db, settings, ready.election, a, ready.ballot(a), ready.during, limiter=limiter)
    with pytest.raises(RateLimited):
        await cast_ballot(world.db, settings, ready.election, a, ready.ballot(a), ready.during, limiter=limiter)


async def test_cast_choices_without_javascript(world: World, settings: Settings) -> None:
    ready = await open_ready(world, settings)
    a = ready.voters()[0]
    with pytest.raises(ValidationFailed):
        await cast_choices(world.db, settings, ready.election, a, "not-a-credential", [YES], ready.during)
    with pytest.raises(ValidationFailed):
        await cast_choices(world.db, settings, ready.election, a, ready.credentials[a], [[1, 1, 0]], ready.during)
    receipt = await cast_choices(world.db, settings, ready.election, a, ready.credentials[a].lower(), [NO],
                                 ready.during)
    entry = await world.db.get(BoardEntry, (ready.election.id, receipt["position"]))
    assert entry is not None and entry.tracker == receipt["tracker"]


@pytest.mark.parametrize("revoting", [True, False])
async def test_two_simultaneous_casts_one_credential(app: Litestar, world: World, settings: Settings,
                                                     revoting: bool) -> None:
    ready = await open_ready(world, settings, revoting=revoting)
    a = ready.voters()[0]
    ballots = [ready.ballot(a, YES), ready.ballot(a, NO)]

    async def one(ballot: dict[str, object]) -> object:
        async with app.state.db_factory() as session:
            election = await session.get(Election, ready.election.id)
            try:
                return await cast_ballot(session, settings, election, a, ballot, ready.during)
            except AlreadyCast as exc:
                return exc

    results = await asyncio.gather(one(ballots[0]), one(ballots[1]))
    async with app.state.db_factory() as session:
        rows = (await session.scalars(select(BoardEntry).order_by(BoardEntry.position))).all()
        election = await session.get(Election, ready.election.id)
    assert election is not None and sum(1 for r in rows if r.superseded_by is None) == 1
    if revoting:
        assert all(isinstance(r, dict) for r in results) and len(rows) == 2 and rows[0].superseded_by == 2
    else:
        assert sorted(type(r).__name__ for r in results) == ["AlreadyCast", "dict"] and len(rows) == 1
    assert election.board_count == len(rows) and election.board_head == rows[-1].chain


async def test_close_and_early_close(world: World, settings: Settings) -> None:
    ready = await open_ready(world, settings)
    election = ready.election
    await cast(world, settings, ready, ready.voters()[0], YES)
    assert await world.db.scalar(select(func.count()).select_from(ElectionOutcome)) == 0
    with pytest.raises(Conflict):  # statute: at least 7 days of voting
        await close_election(world.db, world.board, election, election.opens_at + timedelta(days=2))
    with pytest.raises(PermissionDenied):
        await close_election(world.db, world.member, election, election.closes_at)
    outcome = await close_election(world.db, world.board, election, election.opens_at + timedelta(days=8))
    assert election.state == ElectionState.CLOSED and json.loads(outcome.aggregates_json)["ballots"] == 1
    with pytest.raises(Conflict):
        await cast(world, settings, ready, ready.voters()[1], NO)
    with pytest.raises(Conflict):
        await close_election(world.db, world.board, election, election.closes_at)


async def test_secrecy_and_no_intermediate_result(world: World, settings: Settings) -> None:
    ready = await open_ready(world, settings)
    voters = ready.voters()
    for member_id, choice in zip(voters[:4], (YES, NO, YES, ABSTAIN), strict=True):
        await cast(world, settings, ready, member_id, choice)
    conn = await world.db.connection()
    board = (await conn.execute(text("SELECT * FROM board_entries"))).mappings().all()
    assert set(board[0]) == {"election_id", "position", "credential", "tracker", "previous", "chain", "ballot",
                             "superseded_by"}
    register = (await conn.execute(text("SELECT * FROM voter_register"))).mappings().all()
    assert set(register[0]) == {"election_id", "member_id", "channel", "sealed_ref"}
    credentials = set((await world.db.scalars(select(PublicCredential.credential))).all())
    dumped = json.dumps([dict(r) for r in register], default=str)
    assert not any(c in dumped for c in credentials)
    # no count exists before the close: no outcome, no shares, nothing in the election row but the board head
    assert await world.db.scalar(select(func.count()).select_from(ElectionOutcome)) == 0
    assert await world.db.scalar(select(func.count()).select_from(DecryptionUpload)) == 0
    events = (await world.db.scalars(select(AuditEvent).where(AuditEvent.tag.like("referendums:%")))).all()
    assert not any({"yes", "no", "abstain", "counts", "result"} & set(e.data) for e in events)


async def test_accepted_ballot_survives_the_session(world: World, settings: Settings) -> None:
    """Crash safety at the service level: the receipt is given only after the commit, so a fresh engine finds
    the entry. (A kill -9 test of the server comes with the HTTP layer.)"""
    ready = await open_ready(world, settings)
    receipt = await cast(world, settings, ready, ready.voters()[0], YES)
    await world.db.close()
    engine = create_engine(settings.database_url, settings.database_schema)
    try:
        async with create_session_factory(engine)() as session:
            entry = await session.scalar(select(BoardEntry).where(BoardEntry.tracker == receipt["tracker"]))
            assert entry is not None and entry.position == receipt["position"] and entry.chain == receipt["chain"]
    finally:
        await engine.dispose()


async def test_a_failing_register_write_still_returns_the_receipt(world: World, settings: Settings,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The ballot is committed before the register mark; losing the mark must not lose the voter's receipt."""
    ready = await open_ready(world, settings)
    (a,) = ready.voters()[:1]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated failure of the register write")

    monkeypatch.setattr("ballot.referendums.booth.appender.VoterRegister", broken)  # the register write fails
    receipt = await cast(world, settings, ready, a, YES)
    assert receipt["position"] == 1
    rows = (await world.db.scalars(select(BoardEntry))).all()
    assert [r.position for r in rows] == [1]
