"""ballot.live: local fan-out, delivery across two workers (two engines on one database) on SQLite and PostgreSQL,
the listener's reconnect after its connection is killed, pruning, the size limit and the SSE stream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.datastructures import State
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ballot import live
from ballot.db import create_engine
from ballot.live.hub import hub_of
from ballot.live.sse import event_stream


class _Settings:
    def __init__(self, schema: str | None) -> None:
        self.database_schema = schema


def _worker(url: str, schema: str | None) -> State:
    """What the app keeps in its state, as far as ballot.live needs it: the engine and the settings."""
    return State({"engine": create_engine(url, schema), "settings": _Settings(schema)})


@pytest.fixture
async def workers(database: tuple[str, str | None]) -> AsyncIterator[tuple[State, State]]:
    """Two app workers on one fresh database."""
    url, schema = database
    first, second = _worker(url, schema), _worker(url, schema)
    yield first, second
    for state in (first, second):
        await live.close(state)
        await state.engine.dispose()


async def _next(events: AsyncIterator[str], within: float = 5.0) -> str:
    return await asyncio.wait_for(anext(events), within)


async def test_local_subscribers_receive_only_their_channel(workers: tuple[State, State]) -> None:
    state, _other = workers
    async with live.subscribe(state, "poll:1") as one, live.subscribe(state, "poll:2") as two:
        await live.publish(state, "poll:1", "a")
        await live.publish(state, "poll:2", "b")
        assert await _next(one) == "a"
        assert await _next(two) == "b"
        with pytest.raises(TimeoutError):
            await _next(one, 0.6)  # "b" went to poll:2 only, and "a" came once (not again via the transport)


async def test_message_reaches_the_other_worker(workers: tuple[State, State]) -> None:
    first, second = workers
    async with live.subscribe(second, "discussion:7") as events:
        for number in range(3):
            await live.publish(first, "discussion:7", json.dumps({"post": number}))
        assert [json.loads(await _next(events))["post"] for _ in range(3)] == [0, 1, 2]
        with pytest.raises(TimeoutError):
            await _next(events, 0.6)


async def test_unsubscribed_queue_is_removed(workers: tuple[State, State]) -> None:
    state, _ = workers
    async with live.subscribe(state, "poll:9"):
        assert "poll:9" in hub_of(state).subscribers
    assert "poll:9" not in hub_of(state).subscribers


async def test_data_over_the_limit_is_refused(workers: tuple[State, State]) -> None:
    state, _ = workers
    await live.publish(state, "c", "x" * live.MAX_DATA_BYTES)
    with pytest.raises(ValueError):
        await live.publish(state, "c", "x" * (live.MAX_DATA_BYTES + 1))


async def test_sse_stream_renders_skips_and_beats(workers: tuple[State, State]) -> None:
    first, second = workers
    seen: list[str] = []

    async def render(data: str) -> str | None:
        seen.append(data)
        return None if data == "skip" else f"<p>{data}</p>"

    stream = event_stream(second, "thread:1", render, heartbeat=0.3)
    assert (await anext(stream)).comment == "connected"
    await live.publish(first, "thread:1", "skip")
    await live.publish(first, "thread:1", "42")
    message = await asyncio.wait_for(anext(stream), 5)
    while message.comment == "heartbeat":  # the poll interval may let a heartbeat come first
        message = await asyncio.wait_for(anext(stream), 5)
    assert message.data == "<p>42</p>" and message.event == "message"
    assert seen == ["skip", "42"]
    assert (await asyncio.wait_for(anext(stream), 5)).comment == "heartbeat"
    await stream.aclose()
    assert "thread:1" not in hub_of(second).subscribers


async def test_sqlite_rows_are_pruned(tmp_path: Path) -> None:
    state = _worker(f"sqlite+aiosqlite:///{tmp_path / 'prune.sqlite3'}", None)
    try:
        await live.publish(state, "c", "old")
        transport = hub_of(state).transport
        assert transport is not None
        await transport.prune(keep_seconds=0)  # type: ignore[attr-defined]
        async with state.engine.connect() as conn:
            assert await conn.scalar(text("SELECT COUNT(*) FROM live_events")) == 0
    finally:
        await live.close(state)
        await state.engine.dispose()


@pytest.mark.postgres
async def test_postgres_listener_reconnects_after_a_drop(workers: tuple[State, State]) -> None:
    first, second = workers
    if first.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    async with live.subscribe(second, "poll:3") as events:
        transport = hub_of(second).transport
        pid = transport.connection.get_server_pid()  # type: ignore[union-attr]
        async with first.engine.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(100):  # the listener notices (termination or probe) and connects anew
            await asyncio.sleep(0.1)
            current = transport.connection  # type: ignore[union-attr]
            if transport.ready.is_set() and current is not None and current.get_server_pid() != pid:  # type: ignore[union-attr]
                break
        else:
            pytest.fail("the listener did not reconnect")
        await live.publish(first, "poll:3", "after")
        assert await _next(events) == "after"


def test_channel_names_differ_per_schema() -> None:
    from ballot.live.postgres import channel_name

    assert channel_name(None) == "ballot_live"
    assert channel_name("a") != channel_name("b") and len(channel_name("x" * 200)) <= 63



async def test_publish_on_commit_delivers_after_commit_only(workers: tuple[State, State]) -> None:
    first, second = workers
    async with live.subscribe(first, "poll:5") as mine, live.subscribe(second, "poll:5") as theirs:
        await live.prepare(first)
        async with AsyncSession(first.engine) as session:
            await live.publish_on_commit(first, session, "poll:5", "dropped")
            await session.rollback()
        async with AsyncSession(first.engine) as session:
            await live.publish_on_commit(first, session, "poll:5", "kept")
            with pytest.raises(TimeoutError):
                await _next(theirs, 0.6)  # not before the commit
            await session.commit()
        assert await _next(mine) == "kept"  # the sending worker too, through the transport
        assert await _next(theirs) == "kept"
        with pytest.raises(TimeoutError):
            await _next(mine, 0.6)
