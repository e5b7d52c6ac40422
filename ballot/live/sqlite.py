"""Live events across workers on SQLite: a small table ``live_events`` that every worker polls (every
:data:`POLL_SECONDS`, from its first subscriber on); rows older than :data:`KEEP_SECONDS` are pruned. The table is a
transport, not data: it is created on first use and holds no member data, only channel names and ids."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from ballot.live.hub import stop

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
KEEP_SECONDS = 120.0
PRUNE_EVERY_SECONDS = 30.0

_CREATE = text(
    "CREATE TABLE IF NOT EXISTS live_events (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "created REAL NOT NULL, payload TEXT NOT NULL)"
)


class SqliteTransport:
    """INSERT out, poll in."""

    def __init__(self, engine: AsyncEngine, receive: Callable[[str], None]) -> None:
        self.engine = engine
        self.receive = receive
        self.table_ready = False
        self.task: asyncio.Task[None] | None = None
        self.last_id: int | None = None
        self.ready = asyncio.Event()

    async def _ensure_table(self) -> None:
        if not self.table_ready:
            async with self.engine.begin() as conn:
                await conn.execute(_CREATE)
            self.table_ready = True

    async def send(self, payload: str) -> None:
        await self._ensure_table()
        async with self.engine.begin() as conn:
            await conn.execute(text("INSERT INTO live_events (created, payload) VALUES (:created, :payload)"),
                               {"created": time.time(), "payload": payload})

    async def prepare(self) -> None:
        await self._ensure_table()

    async def stage(self, session: AsyncSession, payload: str) -> None:
        await session.execute(text("INSERT INTO live_events (created, payload) VALUES (:created, :payload)"),
                              {"created": time.time(), "payload": payload})

    async def start(self) -> None:
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._poll_forever(), name="ballot-live-poll")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.ready.wait(), 5.0)

    async def close(self) -> None:
        task, self.task = self.task, None
        if task is not None:
            await stop(task)

    async def _poll_forever(self) -> None:
        pruned = time.monotonic()
        while True:
            try:
                await self._ensure_table()
                if self.last_id is None:
                    async with self.engine.connect() as conn:
                        self.last_id = int((await conn.scalar(text("SELECT COALESCE(MAX(id), 0) FROM live_events")))
                                           or 0)
                    self.ready.set()
                await self.poll()
                if time.monotonic() - pruned > PRUNE_EVERY_SECONDS:
                    await self.prune()
                    pruned = time.monotonic()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("live: polling failed (%s)", type(exc).__name__)
            await asyncio.sleep(POLL_SECONDS)

    async def poll(self) -> None:
        """Hand every row newer than the last one seen to the hub (each read in a short transaction of its own)."""
        async with self.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id, payload FROM live_events WHERE id > :last ORDER BY id"),
                                       {"last": self.last_id or 0})).all()
        for row_id, payload in rows:
            self.last_id = int(row_id)
            self.receive(payload)

    async def prune(self, keep_seconds: float = KEEP_SECONDS) -> None:
        """Delete rows older than ``keep_seconds`` (every worker has long polled them)."""
        async with self.engine.begin() as conn:
            await conn.execute(text("DELETE FROM live_events WHERE created < :cutoff"),
                               {"cutoff": time.time() - keep_seconds})
