"""The in-process side of live events: one :class:`Hub` per app worker fans each message out to the local
subscribers of its channel and hands it to a transport, which carries it to the other workers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import AsyncIterator
from typing import Protocol

from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

#: The largest ``data`` a message may carry (PostgreSQL's NOTIFY payload limit is 8000 bytes, with room to spare).
MAX_DATA_BYTES = 4000
#: The origin of messages staged in a transaction: every worker delivers them, the sending one included.
EVERY_WORKER = "*"
#: Messages a slow subscriber may have waiting; beyond that the oldest are dropped (a reload shows everything).
QUEUE_SIZE = 256


class Transport(Protocol):
    """Carries messages between workers (PostgreSQL LISTEN/NOTIFY, or a polled table on SQLite)."""

    async def send(self, payload: str) -> None:
        """Deliver ``payload`` to every worker's transport (including this one's)."""

    async def start(self) -> None:
        """Start receiving (idempotent); returns once the transport listens, or after a short wait."""

    async def close(self) -> None:
        """Stop receiving and release the connection."""

    async def prepare(self) -> None:
        """Make :meth:`stage` possible (e.g. create the SQLite table) before a write transaction begins."""

    async def stage(self, session: AsyncSession, payload: str) -> None:
        """Send ``payload`` when ``session`` commits (inside its transaction; nothing is sent on rollback)."""


class Hub:
    """Local subscribers per channel, and the transport to the other workers. ``origin`` tells this worker's own
    messages apart when the transport brings them back (they were delivered locally already)."""

    def __init__(self) -> None:
        self.origin = secrets.token_hex(8)
        self.subscribers: dict[str, set[asyncio.Queue[str]]] = {}
        self.transport: Transport | None = None

    def deliver(self, channel: str, data: str) -> None:
        """Put ``data`` into the queue of every local subscriber of ``channel``."""
        for queue in self.subscribers.get(channel, ()):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(data)

    def receive(self, payload: str) -> None:
        """A message from the transport: deliver it unless this worker sent it."""
        try:
            message = json.loads(payload)
            origin, channel, data = message["o"], message["c"], message["d"]
        except (ValueError, KeyError, TypeError):
            log.warning("live: ignored a malformed message")
            return
        if origin != self.origin and isinstance(channel, str) and isinstance(data, str):
            self.deliver(channel, data)

    async def publish(self, channel: str, data: str) -> None:
        """Deliver locally at once, then to the other workers."""
        if len(data.encode()) > MAX_DATA_BYTES:
            raise ValueError(f"live data has at most {MAX_DATA_BYTES} bytes")
        self.deliver(channel, data)
        if self.transport is not None:
            await self.transport.send(json.dumps({"o": self.origin, "c": channel, "d": data}))

    async def publish_on_commit(self, session: AsyncSession, channel: str, data: str) -> None:
        """Stage the message in ``session``'s transaction; every worker (this one too, through the transport)
        delivers it once the transaction commits."""
        if len(data.encode()) > MAX_DATA_BYTES:
            raise ValueError(f"live data has at most {MAX_DATA_BYTES} bytes")
        if self.transport is None:
            self.deliver(channel, data)
            return
        await self.transport.stage(session, json.dumps({"o": EVERY_WORKER, "c": channel, "d": data}))

    @contextlib.asynccontextmanager
    async def subscription(self, channel: str) -> AsyncIterator[AsyncIterator[str]]:
        """Register a queue for ``channel`` for the duration of the block; yields its messages."""
        if self.transport is not None:
            await self.transport.start()
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_SIZE)
        self.subscribers.setdefault(channel, set()).add(queue)

        try:
            yield Messages(queue)
        finally:
            queue_set = self.subscribers.get(channel)
            if queue_set is not None:
                queue_set.discard(queue)
                if not queue_set:
                    del self.subscribers[channel]


async def stop(task: asyncio.Task[None]) -> None:
    """Cancel a transport's task and wait for it (when it runs on another event loop, e.g. a test client's, only
    ask that loop to cancel it)."""
    if task.get_loop() is not asyncio.get_running_loop():
        task.get_loop().call_soon_threadsafe(task.cancel)
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class Messages:
    """A subscriber's messages, as an async iterator that never ends by itself. Unlike an async generator it survives
    a cancelled wait (``asyncio.wait_for(anext(events), 5)`` timing out leaves it usable)."""

    def __init__(self, queue: asyncio.Queue[str]) -> None:
        self.queue = queue

    def __aiter__(self) -> Messages:
        return self

    async def __anext__(self) -> str:
        return await self.queue.get()


def hub_of(state: State) -> Hub:
    """The worker's hub, created on first use with the transport for the app's database."""
    hub: Hub | None = state.get("live_hub")
    if hub is None:
        hub = Hub()
        hub.transport = _transport_for(state, hub)
        state["live_hub"] = hub
    return hub


def _transport_for(state: State, hub: Hub) -> Transport | None:
    engine = state.get("engine")
    if engine is None:
        return None
    if engine.dialect.name == "postgresql":
        from ballot.live.postgres import PostgresTransport

        settings = state.get("settings")
        return PostgresTransport(engine, getattr(settings, "database_schema", None), hub.receive)
    if engine.dialect.name == "sqlite":
        from ballot.live.sqlite import SqliteTransport

        return SqliteTransport(engine, hub.receive)
    return None


async def close_hub(state: State) -> None:
    """Stop the worker's transport (on application shutdown)."""
    hub: Hub | None = state.get("live_hub")
    if hub is not None and hub.transport is not None:
        await hub.transport.close()
