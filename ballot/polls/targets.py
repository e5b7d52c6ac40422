"""What an answer is aimed at (session, unit, question), remembered for a second per worker: a room answering at
once asks the same question of the database hundreds of times. The cache is only a first check; whether the
question is still open is decided again where the answer is written (:mod:`ballot.polls.writer`), so closing a
question takes effect at once."""

from __future__ import annotations

import time

from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.polls import services
from ballot.polls.models import PollQuestion, PollSession
from ballot.units.models import Unit

TTL = 1.0
MAX_ENTRIES = 1000

Target = tuple[PollSession, Unit, PollQuestion | None]


async def answer_target(state: State, db: AsyncSession, code: str, question_id: int) -> Target:
    """Like :func:`ballot.polls.services.answer_target`, from the cache when it is fresh. Cached objects are
    detached from every database session (read-only snapshots)."""
    cache: dict[tuple[str, int], tuple[float, Target]] = state.setdefault("poll_targets", {})
    now = time.monotonic()
    hit = cache.get((code, question_id))
    if hit is not None and now - hit[0] < TTL:
        return hit[1]
    target = await services.answer_target(db, code, question_id)
    if target[2] is not None:
        for obj in target:
            db.expunge(obj)
        if len(cache) >= MAX_ENTRIES:
            cache.clear()
        cache[(code, question_id)] = (now, target)
    return target
