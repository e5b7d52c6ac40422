"""The full-text index of posts, outside the ORM metadata (SQLite has no declarative virtual tables).

SQLite: an FTS5 external-content table over ``discussion_posts`` (``title_text``, ``body``), kept in sync by
triggers; the ``unicode61`` tokenizer folds case and diacritics (``ä`` -> ``a``). PostgreSQL: a GIN expression
index on ``to_tsvector('german', title_text || ' ' || body)`` (German stemming). The migration and the models'
``after_create`` hook run the same statements. An Alembic batch migration that rebuilds ``discussion_posts`` on
SQLite drops the triggers: such a migration must run :data:`SQLITE_DDL` again (the statements are idempotent).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

FTS_TABLE = "discussion_search"
PG_INDEX = "ix_discussion_posts_search"
#: The expression the PostgreSQL index is built on; queries must use the same one to use the index.
PG_VECTOR = "to_tsvector('german'::regconfig, title_text || ' ' || body)"

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS discussion_search USING fts5(title_text, body, content='discussion_posts', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS discussion_posts_search_insert AFTER INSERT ON discussion_posts BEGIN "
    "INSERT INTO discussion_search(rowid, title_text, body) VALUES (new.id, new.title_text, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS discussion_posts_search_delete AFTER DELETE ON discussion_posts BEGIN "
    "INSERT INTO discussion_search(discussion_search, rowid, title_text, body) "
    "VALUES ('delete', old.id, old.title_text, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS discussion_posts_search_update AFTER UPDATE OF title_text, body "
    "ON discussion_posts BEGIN "
    "INSERT INTO discussion_search(discussion_search, rowid, title_text, body) "
    "VALUES ('delete', old.id, old.title_text, old.body); "
    "INSERT INTO discussion_search(rowid, title_text, body) VALUES (new.id, new.title_text, new.body); END",
    "INSERT INTO discussion_search(discussion_search) VALUES ('rebuild')",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS discussion_posts_search_update",
    "DROP TRIGGER IF EXISTS discussion_posts_search_delete",
    "DROP TRIGGER IF EXISTS discussion_posts_search_insert",
    "DROP TABLE IF EXISTS discussion_search",
)
POSTGRES_DDL = (f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON discussion_posts USING gin ({PG_VECTOR})",)
POSTGRES_DROP = (f"DROP INDEX IF EXISTS {PG_INDEX}",)


def statements(dialect: str, *, drop: bool = False) -> tuple[str, ...]:
    """The statements that create (or drop) the index on ``dialect`` ("sqlite" or "postgresql")."""
    if dialect == "sqlite":
        return SQLITE_DROP if drop else SQLITE_DDL
    if dialect == "postgresql":
        return POSTGRES_DROP if drop else POSTGRES_DDL
    return ()


def install(_table: Any, connection: Any, **_kw: Any) -> None:
    """``after_create`` hook of the posts table (``Base.metadata.create_all`` in tests and fresh setups)."""
    for statement in statements(connection.dialect.name):
        connection.execute(text(statement))


def is_search_object(name: str | None) -> bool:
    """True for the index's tables and index, which Alembic's comparison must leave alone."""
    return bool(name) and (str(name).startswith(FTS_TABLE) or name == PG_INDEX)
