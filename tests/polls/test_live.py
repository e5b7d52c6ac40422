"""Live messages: a change of question reaches subscribers at once; a burst of answers becomes one message."""

from __future__ import annotations

import asyncio
import contextlib

from litestar import Litestar

from ballot import live as live_events
from ballot.polls import live


async def _collect(app: Litestar, channel: str, seconds: float, into: list[str], ready: asyncio.Event) -> None:
    async with live_events.subscribe(app.state, channel) as events:
        ready.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                async for data in events:
                    into.append(data)


async def test_answers_are_coalesced_and_state_is_immediate(app: Litestar) -> None:
    received: list[str] = []
    ready = asyncio.Event()
    listener = asyncio.create_task(_collect(app, live.channel(7), live.ANSWER_INTERVAL * 3, received, ready))
    await ready.wait()
    for _ in range(25):
        live.answer_added(app.state, 7)
    live.answer_added(app.state, 8)  # another session: not on this channel
    await live.state_changed(app.state, 7)
    await asyncio.sleep(0.05)
    assert received == [live.STATE]
    await live.flush(app.state)
    await listener
    assert received == [live.STATE, live.ANSWER]
