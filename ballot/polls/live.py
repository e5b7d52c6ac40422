"""Telling the screens that something changed: channel ``poll:<session id>`` carries ``state`` (a question opened,
closed or its results were revealed) or ``answer`` (the counts changed). Answers are coalesced: at most one
``answer`` message per session and worker every :data:`ANSWER_INTERVAL` seconds, so a room of phones answering at
once costs the presenter's screen a few renders, not one per answer."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from litestar.datastructures import State

from ballot import live

log = logging.getLogger(__name__)

ANSWER_INTERVAL = 0.4
STATE = "state"
ANSWER = "answer"


def channel(session_id: int) -> str:
    return f"poll:{session_id}"


async def _publish(state: State, session_id: int, data: str) -> None:
    try:
        await live.publish(state, channel(session_id), data)
    except Exception as exc:  # a missed live update must never fail an answer; the next one or a reload catches up
        log.warning("poll live update failed: %s", type(exc).__name__)


async def state_changed(state: State, session_id: int) -> None:
    """A question opened or closed, or results were shown or hidden: every screen re-renders."""
    await _publish(state, session_id, STATE)


def answer_added(state: State, session_id: int) -> None:
    """An answer was committed: schedule one coalesced ``answer`` message (returns at once)."""
    pending: dict[int, asyncio.Task[None]] = state.setdefault("poll_live_pending", {})
    if session_id in pending:
        return

    async def later() -> None:
        try:
            await asyncio.sleep(ANSWER_INTERVAL)
            await _publish(state, session_id, ANSWER)
        finally:
            pending.pop(session_id, None)

    pending[session_id] = asyncio.get_running_loop().create_task(later())


async def flush(state: State) -> None:
    """Wait for scheduled messages (tests; shutdown)."""
    pending: dict[int, asyncio.Task[None]] = state.get("poll_live_pending", {})
    for task in list(pending.values()):
        with contextlib.suppress(asyncio.CancelledError):
            await task
