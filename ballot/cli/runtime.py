"""Helpers for commands: run a coroutine with a database session from the settings."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.db import create_engine, create_session_factory
from ballot.settings import get_settings

T = TypeVar("T")


def run_with_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Open the configured database, run ``work`` in one transaction (committed on success), return its result."""

    async def runner() -> T:
        settings = get_settings()
        engine = create_engine(settings.database_url, settings.database_schema)
        try:
            async with create_session_factory(engine)() as session:
                try:
                    result = await work(session)
                    await session.commit()
                    return result
                except BaseException:
                    await session.rollback()
                    raise
        finally:
            await engine.dispose()

    return asyncio.run(runner())
