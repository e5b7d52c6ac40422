"""Live events across workers on PostgreSQL: ``pg_notify`` to send, and one listening asyncpg connection per worker,
started on the first subscription and reconnected after a drop (a probe every few seconds notices a dead link).
The channel name carries the schema, so several installations (or test schemas) on one database stay apart."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from ballot.live.hub import stop

log = logging.getLogger(__name__)

#: Seconds between liveness probes of the listening connection.
PROBE_SECONDS = 5.0
#: How long the first subscriber waits for the listener to be ready.
READY_WAIT_SECONDS = 5.0


def channel_name(schema: str | None) -> str:
    """The NOTIFY channel of this installation: ``ballot_live`` (plus a digest of the schema, when one is set)."""
    if not schema:
        return "ballot_live"
    return "ballot_live_" + hashlib.sha256(schema.encode()).hexdigest()[:16]


class PostgresTransport:
    """NOTIFY out, LISTEN in (one connection per worker)."""

    def __init__(self, engine: AsyncEngine, schema: str | None, receive: Callable[[str], None]) -> None:
        self.engine = engine
        self.channel = channel_name(schema)
        self.receive = receive
        self.dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.ready = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.connection: Any = None
        self.reconnects = 0

    async def send(self, payload: str) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                               {"channel": self.channel, "payload": payload})
            await conn.commit()

    async def prepare(self) -> None:
        return None

    async def stage(self, session: AsyncSession, payload: str) -> None:
        # NOTIFY is transactional in PostgreSQL: listeners hear it at commit, never after a rollback.
        await session.execute(text("SELECT pg_notify(:channel, :payload)"),
                              {"channel": self.channel, "payload": payload})

    async def start(self) -> None:
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._listen_forever(), name="ballot-live-listen")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.ready.wait(), READY_WAIT_SECONDS)

    async def close(self) -> None:
        task, self.task = self.task, None
        if task is not None:
            await stop(task)

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self.receive(payload)

    async def _listen_forever(self) -> None:
        delay = 0.2
        while True:
            try:
                await self._listen_once()
                delay = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("live: listener connection failed (%s), reconnecting", type(exc).__name__)
            self.ready.clear()
            self.reconnects += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    async def _listen_once(self) -> None:
        lost = asyncio.Event()
        conn = await asyncpg.connect(self.dsn)
        self.connection = conn
        try:
            conn.add_termination_listener(lambda _c: lost.set())
            await conn.add_listener(self.channel, self._on_notify)
            self.ready.set()
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), PROBE_SECONDS)
                    break
                await asyncio.wait_for(conn.execute("SELECT 1"), PROBE_SECONDS)
        finally:
            self.connection = None
            self.ready.clear()
            if not conn.is_closed():
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.close(), 2)
                conn.terminate()
