"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ballot.db import create_engine
from ballot.discussions.search_schema import is_search_object
from ballot.migrations.runner import upgrade
from ballot.models import Base


def outside_search_index(name: str | None, type_: str, parent_names: object) -> bool:
    """The discussions' full-text index lives outside the ORM metadata (ballot/discussions/search_schema.py)."""
    return not is_search_object(name)


async def test_upgrade_matches_models(database: tuple[str, str | None]) -> None:
    url, schema = database
    upgrade(url, "heads", schema)
    upgrade(url, "heads", schema)  # idempotent: a second run is a no-op
    engine = create_engine(url, schema)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True, "include_name": outside_search_index}),
                    Base.metadata,
                )
            )
    finally:
        await engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
