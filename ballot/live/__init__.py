"""Live events shared by every feature (discussion replies, live polls): publish a short message on a channel, and
every subscriber in every app worker receives it. In-process fan-out first; across workers through PostgreSQL
LISTEN/NOTIFY or, on SQLite, a small polled table (see docs/discussions.md, "Live-Aktualisierung")."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from litestar.datastructures import State
from litestar.response import ServerSentEvent
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.live.hub import MAX_DATA_BYTES, close_hub, hub_of
from ballot.live.sse import sse_response as _sse_response

__all__ = ["MAX_DATA_BYTES", "close", "prepare", "publish", "publish_on_commit", "sse_response", "subscribe"]


async def publish(state: State, channel: str, data: str) -> None:
    """Deliver ``data`` (a short string, <= 4000 bytes, e.g. a JSON id) to every subscriber of ``channel`` in every
    app worker: in-process fan-out; on PostgreSQL through NOTIFY on one channel name; on SQLite through a small
    table polled by each worker. Call it after the commit that made the data readable."""
    await hub_of(state).publish(channel, data)


async def prepare(state: State) -> None:
    """Get ready for :func:`publish_on_commit` (call it before the write transaction begins)."""
    hub = hub_of(state)
    if hub.transport is not None:
        await hub.transport.prepare()


async def publish_on_commit(state: State, session: AsyncSession, channel: str, data: str) -> None:
    """Like :func:`publish`, but part of ``session``'s transaction: every worker (this one included) delivers it only
    when, and only if, the transaction commits; it costs no commit of its own (PostgreSQL: a transactional NOTIFY;
    SQLite: a row of the polled table). Call :func:`prepare` before the transaction begins."""
    await hub_of(state).publish_on_commit(session, channel, data)


def subscribe(state: State, channel: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[str]]:
    """``async with subscribe(state, "poll:42") as events: async for data in events: ...``"""
    return hub_of(state).subscription(channel)


def sse_response(state: State, channel: str, render: Callable[[str], Awaitable[str | None]], *,
                 heartbeat: float = 15.0) -> ServerSentEvent:
    """A text/event-stream response for htmx's SSE extension: each published ``data`` is passed to ``render`` (None
    skips it) and sent as an SSE event named ``message``; heartbeats (comments) keep proxies open; the stream ends
    when the client goes away. It holds no database connection while idle."""
    return _sse_response(state, channel, render, heartbeat=heartbeat)


async def close(state: State) -> None:
    """Stop this worker's listener (the app calls it on shutdown)."""
    await close_hub(state)
