"""One answer per member/device and question, also when submits race: in one worker (the answers share a batch of
the group commit) and across workers (each racer with a writer and database session of its own, so the primary key
decides); and what the answers table keeps (no account id, no cookie value, no timestamp)."""

from __future__ import annotations

import asyncio

import pytest
from litestar import Litestar
from sqlalchemy import select

from ballot.exceptions import Conflict
from ballot.polls import services, targets
from ballot.polls.identity import Participant, device_participant, member_participant
from ballot.polls.models import PollAnswer, PollQuestion, PollSession, QuestionState
from ballot.polls.writer import AnswerWriter, Outcome, _Pending, write_batch, writer_of
from tests.polls.conftest import World

RACERS = 8


async def _race(app: Litestar, session_id: int, question_id: int, racers: list[Participant], mode: str) -> list[str]:
    async def one(n: int) -> str:
        async with app.state.db_factory() as db:
            session = await db.get(PollSession, session_id)
            question = await db.get(PollQuestion, question_id)
        assert session is not None
        writer = writer_of(app.state) if mode == "one worker" else AnswerWriter(app.state.db_factory)
        try:
            await services.submit_answer(session, question, racers[n], [str(n % 3)], writer)
        except Conflict:
            return "conflict"
        return "stored"

    return list(await asyncio.gather(*(one(n) for n in range(len(racers)))))


@pytest.mark.parametrize("mode", ["one worker", "separate workers"])
async def test_concurrent_submits_of_one_member(app: Litestar, world: World, mode: str) -> None:
    session = await world.session()
    question = await world.question(session)
    who = member_participant(world.settings.secret_key, world.hessen.id)
    outcomes = await _race(app, session.id, question.id, [who] * RACERS, mode)
    assert sorted(outcomes) == ["conflict"] * (RACERS - 1) + ["stored"]
    rows = (await world.db.scalars(select(PollAnswer))).all()
    assert len(rows) == 1


@pytest.mark.parametrize("mode", ["one worker", "separate workers"])
async def test_concurrent_submits_of_different_devices_all_count(app: Litestar, world: World, mode: str) -> None:
    session = await world.session(guests=True)
    question = await world.question(session)
    devices = [device_participant(world.settings.secret_key, f"device-{n:04d}-abcdefghijkl") for n in range(RACERS)]
    assert await _race(app, session.id, question.id, devices, mode) == ["stored"] * RACERS
    assert await _race(app, session.id, question.id, devices[:2] * 2, mode) == ["conflict"] * 4
    assert len((await world.db.scalars(select(PollAnswer))).all()) == RACERS


async def test_batch_with_the_same_key_twice(app: Litestar, world: World) -> None:
    session = await world.session(guests=True)
    question = await world.question(session)
    a, b = (device_participant(world.settings.secret_key, f"device-{n}-abcdefghijklmnop") for n in range(2))
    batch = [_Pending(question.id, a, [0]), _Pending(question.id, b, [1]), _Pending(question.id, a, [2])]
    async with app.state.db_factory() as db:
        assert await write_batch(db, batch) == [Outcome.STORED, Outcome.STORED, Outcome.DUPLICATE]
    async with app.state.db_factory() as db:
        assert await write_batch(db, [_Pending(question.id, b, [0])]) == [Outcome.DUPLICATE]
    rows = (await world.db.scalars(select(PollAnswer))).all()
    assert {row.voter_key for row in rows} == {a.key, b.key}
    # the first answers count, nothing was overwritten (on PostgreSQL answers exchange places: ballot/unordered.py)
    assert sorted(row.choices for row in rows) == [[0], [1]]


async def test_answers_table_keeps_no_account_or_time(app: Litestar, world: World) -> None:
    session = await world.session(guests=True)
    question = await world.question(session)
    who = member_participant(world.settings.secret_key, world.hessen.id)
    await services.submit_answer(session, question, who, ["0"], writer_of(app.state))
    assert set(PollAnswer.__table__.columns.keys()) == {"question_id", "voter_key", "choices", "guest"}
    row = await world.db.scalar(select(PollAnswer))
    assert row is not None and str(world.hessen.id) != row.voter_key and len(row.voter_key) == 64
    assert row.voter_key != member_participant("another secret", world.hessen.id).key  # keyed with the app secret


async def test_closing_is_final_even_for_a_cached_target(app: Litestar, world: World) -> None:
    session = await world.session(guests=True)
    question = await world.question(session)
    async with app.state.db_factory() as db:
        cached = await targets.answer_target(app.state, db, session.code, question.id)
    assert cached[2] is not None and cached[2].state == QuestionState.OPEN
    board = await world.principal(world.board)
    await services.close_question(world.db, board, session, world.tree.state_a, question.id)
    await world.db.commit()
    async with app.state.db_factory() as db:
        again = await targets.answer_target(app.state, db, session.code, question.id)
    assert again is cached  # still the cached snapshot (open) within the second ...
    who = device_participant(world.settings.secret_key, "device-late-abcdefghijklmnop")
    with pytest.raises(Conflict, match="This question is closed"):  # ... but the writer checks again
        await services.submit_answer(again[0], again[2], who, ["0"], writer_of(app.state))
    assert (await world.db.scalars(select(PollAnswer))).all() == []


async def test_a_failed_batch_fails_each_answer_of_it(app: Litestar, world: World) -> None:
    session = await world.session(guests=True)
    question = await world.question(session)

    def broken() -> object:
        raise RuntimeError("database gone")

    writer = AnswerWriter(broken)  # type: ignore[arg-type]
    devices = [device_participant(world.settings.secret_key, f"device-{n}-abcdefghijklmnop") for n in range(3)]
    outcomes = await asyncio.gather(*(writer.store(question.id, d, [0]) for d in devices), return_exceptions=True)
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert (await world.db.scalars(select(PollAnswer))).all() == []
    ok = await writer_of(app.state).store(question.id, devices[0], [1])  # a working writer is not affected
    assert ok == Outcome.STORED
