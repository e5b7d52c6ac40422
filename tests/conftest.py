"""Shared fixtures: settings, an app on SQLite (always) and PostgreSQL (when reachable), a client, factories.

Tests that take ``app``, ``client`` or ``db`` run once per backend. PostgreSQL runs use a schema of their own, so
parallel runs against the same database do not collide; when the server is unreachable they skip with one reason.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

os.environ.setdefault("BALLOT_SECRET_KEY", "test-secret-" + "0" * 52)
os.environ.setdefault("BALLOT_ENV", "test")

from ballot.db import create_engine
from ballot.models import Base
from ballot.server.app import create_app
from ballot.settings import LoginSettings, PasswordSettings, Settings, load_settings
from tests.factories import Factory


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per group of skipped tests, with its reason (instead of one line per test)."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"SKIPPED {count} tests: {reason}")


POSTGRES_URL = os.environ.get("BALLOT_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
_pg_state: dict[str, str | None] = {}


def postgres_unavailable() -> str | None:
    """None when PostgreSQL answers, otherwise the one-line reason to skip."""
    if "reason" not in _pg_state:

        async def probe() -> None:
            engine = create_engine(POSTGRES_URL)
            try:
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
            finally:
                await engine.dispose()

        try:
            asyncio.run(asyncio.wait_for(probe(), timeout=5))
            _pg_state["reason"] = None
        except Exception as exc:
            _pg_state["reason"] = (
                f"PostgreSQL not reachable at {POSTGRES_URL} ({type(exc).__name__}): tests ran on SQLite only"
            )
    return _pg_state["reason"]


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """A fresh, empty database per test: a temporary SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}", None
        return
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    schema = f"t_{os.getpid()}_{secrets.token_hex(4)}"

    async def run(sql: str) -> None:
        engine = create_engine(POSTGRES_URL)
        async with engine.begin() as conn:
            await conn.execute(text(sql))
        await engine.dispose()

    asyncio.run(run(f'CREATE SCHEMA "{schema}"'))
    yield POSTGRES_URL, schema
    asyncio.run(run(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def settings(database: tuple[str, str | None], tmp_path: Path) -> Settings:
    """Test settings: fast argon2 parameters, development mailbox, no secure-cookie requirement."""
    base = load_settings()
    return dataclasses.replace(
        base,
        environment="test",
        database_url=database[0],
        database_schema=database[1],
        var_dir=tmp_path,
        secure_cookies=False,
        password=PasswordSettings(time_cost=1, memory_cost_kib=8192, parallelism=1, min_length=10),
        login=LoginSettings(),
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    """The application on a freshly created schema."""
    application = create_app(settings)
    engine = application.state.engine
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield application
    await engine.dispose()


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """An HTTP client talking to ``app`` in-process (cookies kept between requests)."""
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


@pytest.fixture
async def db(app: Litestar) -> AsyncIterator[AsyncSession]:
    """A session on the app's database for arranging data and reading results."""
    async with app.state.db_factory() as session:
        yield session


@pytest.fixture
def factory(db: AsyncSession, settings: Settings) -> Factory:
    """Builders for units, members, accounts and grants."""
    return Factory(db, settings)
