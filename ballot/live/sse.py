"""Server-sent events for htmx's SSE extension: each message of a channel, rendered for the viewer, becomes one
event; comments keep proxies from closing an idle stream. Nothing here holds a database connection while waiting:
``render`` opens its own session per message."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

from litestar.datastructures import State
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage

from ballot.live.hub import hub_of

#: Milliseconds the browser waits before reconnecting a dropped stream.
RETRY_MS = 3000


async def event_stream(state: State, channel: str, render: Callable[[str], Awaitable[str | None]],
                       heartbeat: float) -> AsyncIterator[ServerSentEventMessage]:
    """The events of ``channel``: rendered messages (``render`` returning None skips one) and heartbeats."""
    async with hub_of(state).subscription(channel) as messages:
        yield ServerSentEventMessage(data=None, comment="connected", retry=RETRY_MS)  # data=None: no empty event
        pending = asyncio.ensure_future(anext(messages))
        try:
            while True:
                done, _ = await asyncio.wait({pending}, timeout=heartbeat)
                if not done:
                    yield ServerSentEventMessage(data=None, comment="heartbeat")
                    continue
                data = pending.result()
                pending = asyncio.ensure_future(anext(messages))
                html = await render(data)
                if html is not None:
                    yield ServerSentEventMessage(data=html, event="message")
        finally:
            pending.cancel()


def sse_response(state: State, channel: str, render: Callable[[str], Awaitable[str | None]], *,
                 heartbeat: float = 15.0) -> ServerSentEvent:
    """A ``text/event-stream`` response delivering ``channel``'s messages as rendered by ``render``; it ends when the
    client goes away (Litestar cancels the stream on disconnect)."""
    return ServerSentEvent(event_stream(state, channel, render, heartbeat),
                           headers={"cache-control": "no-cache", "x-accel-buffering": "no"})
