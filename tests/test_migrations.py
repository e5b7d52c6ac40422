"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ballot.db import create_engine
from ballot.migrations.runner import upgrade
from ballot.models import Base


async def test_upgrade_matches_models(database: tuple[str, str | None]) -> None:
    url, schema = database
    upgrade(url, "head", schema)
    upgrade(url, "head", schema)  # idempotent: a second run is a no-op
    engine = create_engine(url, schema)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
