"""Run Alembic programmatically (``ballot db upgrade``), with the database URL from the settings."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(database_url: str, schema: str | None = None) -> Config:
    """An Alembic config pointing at our migrations and ``database_url`` (and a PostgreSQL schema)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.set_main_option("schema", schema or "")
    return config


def upgrade(database_url: str, revision: str = "heads", schema: str | None = None) -> None:
    """Apply migrations up to ``revision``. Safe to call from inside a running event loop (uses a thread)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            command.upgrade(alembic_config(database_url, schema), revision)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
