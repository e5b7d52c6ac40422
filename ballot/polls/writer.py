"""Group commit for answers: when a room full of phones answers at once, the answers that arrive while one batch is
being written go into the next batch, one statement and one commit for all of them.

There is no background task: each answer waits for the worker's lock; whoever holds it writes everything queued so
far (its own answer included, unless an earlier batch took it). An answer's result is known only after its batch is
committed, so an accepted answer is durable before the participant sees "counted". The primary key (question,
voter key) still decides who was first: ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` returns the rows it stored,
and two answers with the same key in one batch are settled before the statement (the later one is refused).
Each stored answer then exchanges its choices with a random answer to the same question
(:func:`ballot.unordered.scatter`), so neither the table's order (PostgreSQL appends) nor a row's voter key says
whose choices the row holds.
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass, field

from litestar.datastructures import State
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ballot.polls.identity import Participant
from ballot.polls.models import PollAnswer, PollQuestion, PollSession, QuestionState
from ballot.unordered import scatter

MAX_BATCH = 500
"""At most this many answers per statement and commit."""


class Outcome(enum.Enum):
    """What became of an answer."""

    STORED = "stored"
    DUPLICATE = "duplicate"  # this person or device had answered the question already
    CLOSED = "closed"  # the question was closed (or the poll ended) before the batch was written


@dataclass
class _Pending:
    question_id: int
    who: Participant
    choices: list[int]
    future: asyncio.Future[Outcome] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


async def write_batch(db: AsyncSession, batch: list[_Pending]) -> list[Outcome]:
    """Insert ``batch`` in one statement and commit; per answer its outcome. Whether a question is open is checked
    here, in the writing transaction, so that closing a question is final for every worker."""
    asked = {item.question_id for item in batch}
    open_ids = set(
        (
            await db.scalars(
                select(PollQuestion.id)
                .join(PollSession, PollSession.id == PollQuestion.session_id)
                .where(
                    PollQuestion.id.in_(asked),
                    PollQuestion.state == QuestionState.OPEN,
                    PollSession.ended_at.is_(None),
                )
            )
        ).all()
    )
    seen: set[tuple[int, str]] = set()
    rows = []
    for item in batch:
        key = (item.question_id, item.who.key)
        if key not in seen and item.question_id in open_ids:
            seen.add(key)
            rows.append(
                {
                    "question_id": item.question_id,
                    "voter_key": item.who.key,
                    "choices": item.choices,
                    "guest": item.who.guest,
                }
            )
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(PollAnswer).on_conflict_do_nothing().returning(PollAnswer.question_id, PollAnswer.voter_key)
    stored = {(row[0], row[1]) for row in (await db.execute(statement, rows)).all()} if rows else set()
    for question_id in {key[0] for key in stored}:  # each answer takes a random place among its question's answers
        await scatter(db, PollAnswer, PollAnswer.question_id == question_id,
                      sorted(key for key in stored if key[0] == question_id), ("choices", "guest"))
    await db.commit()
    results = []
    for item in batch:
        key = (item.question_id, item.who.key)
        if item.question_id not in open_ids:
            results.append(Outcome.CLOSED)
        elif key in stored:
            results.append(Outcome.STORED)
            stored.discard(key)  # a second answer with the same key in this batch was not stored
        else:
            results.append(Outcome.DUPLICATE)
    return results


class AnswerWriter:
    """The per-worker (per event loop) queue of answers waiting for their batch."""

    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self.factory = factory
        self.queue: list[_Pending] = []
        self.lock = asyncio.Lock()

    async def store(self, question_id: int, who: Participant, choices: list[int]) -> Outcome:
        """The answer's outcome, once its batch is committed."""
        item = _Pending(question_id, who, choices)
        self.queue.append(item)
        async with self.lock:
            if not item.future.done():
                batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
                # Shielded: a participant who goes away while leading must not cancel the others' answers.
                await asyncio.shield(asyncio.ensure_future(self._write(batch)))
        return await item.future

    async def _write(self, batch: list[_Pending]) -> None:
        try:
            async with self.factory() as db:
                results = await write_batch(db, batch)
        except Exception as exc:  # every answer of the batch fails alike; each request reports it
            for pending in batch:
                pending.future.set_exception(exc)
            return
        for pending, result in zip(batch, results, strict=True):
            pending.future.set_result(result)


def writer_of(state: State) -> AnswerWriter:
    """The writer of this app (``state``) on the running event loop (one per worker process)."""
    loop = asyncio.get_running_loop()
    current = state.get("poll_answer_writer")
    if current is None or current[0] is not loop:
        current = (loop, AnswerWriter(state.db_factory))
        state["poll_answer_writer"] = current
    return current[1]  # type: ignore[no-any-return]
