"""Tables that must not keep the order of events (decision 0002, Storage: no casting order).

A row appended when something happens (a vote, an answer) lands in the storage in the order of events: PostgreSQL
appends heap tuples, so ``pg_dump`` and ``SELECT`` without ORDER BY list them in that order. The helpers here keep
such tables in an order that says nothing: rows created ahead of time in random order and marked in place
(PostgreSQL: a low fillfactor keeps the updated version in its page), rewritten in random order once the process
ends, and the storage then compacted so that no earlier row version remains in what an operator reads.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import DDL, ColumnElement, FromClause, Table, delete, event, insert, select, text, tuple_
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How long ``VACUUM FULL`` may wait for its exclusive lock before compaction is given up (and logged).
LOCK_TIMEOUT = "2s"

#: PostgreSQL fillfactor (percent) of tables marked in place: inserts fill a page to 10 % (the minimum), so the
#: marked versions of its rows fit into the same page (a HOT update) instead of moving to the table's end.
FILLFACTOR = 10


def reserve_update_space(table: FromClause) -> None:
    """Give ``table`` the low fillfactor when it is created on PostgreSQL (migrations set it with ALTER TABLE)."""
    event.listen(table, "after_create",
                 DDL(f"ALTER TABLE %(fullname)s SET (fillfactor = {FILLFACTOR})").execute_if(dialect="postgresql"))


def shuffled(items: Iterable[T]) -> list[T]:
    """``items`` in an order drawn from the operating system's random source."""
    out = list(items)
    secrets.SystemRandom().shuffle(out)
    return out


async def rewrite_shuffled(session: AsyncSession, table: Table, *where: ColumnElement[bool],
                           keep: Callable[[dict[str, Any]], bool] | None = None) -> int:
    """Delete the rows of ``table`` matching ``where`` and insert those that ``keep`` accepts (all when None) again
    in random order, inside the caller's transaction; returns how many were kept. One ``DELETE ... RETURNING``
    takes the rows, so a concurrent update of one of them is either in the rewrite or waits for it. On SQLite,
    ``secure_delete`` overwrites the deleted cells with zeros instead of leaving them in the file."""
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        await session.execute(text("PRAGMA secure_delete = ON"))
    removed = await session.execute(delete(table).where(*where).returning(*table.c))
    rows = [row for row in (dict(r) for r in removed.mappings()) if keep is None or keep(row)]
    if rows:
        await session.execute(insert(table), shuffled(rows))
    return len(rows)


async def compact(engine: AsyncEngine, *tables: Table) -> bool:
    """Remove the dead row versions that a rewrite left behind, outside any transaction: PostgreSQL
    ``VACUUM (FULL, FREEZE)`` per table (a new file, old versions gone); SQLite a ``TRUNCATE`` checkpoint, so the
    write-ahead log no longer holds the pages as they were before the rewrite. Returns False (and logs) on failure,
    also when PostgreSQL cannot lock the table within ``LOCK_TIMEOUT``: the rewrite itself stands either way."""
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            if conn.dialect.name == "postgresql":
                # VACUUM FULL needs the table to itself; waiting longer would queue every other writer behind it
                await conn.exec_driver_sql(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
                for table in tables:
                    await conn.exec_driver_sql(
                        f"VACUUM (FULL, FREEZE) {conn.dialect.identifier_preparer.format_table(table)}")
            else:
                await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return True
    except Exception as exc:  # the caller's act is committed; compaction is repeated by the next one
        log.warning("compacting %s failed (%s): old row versions remain until the next VACUUM",
                    ", ".join(t.name for t in tables), type(exc).__name__)
        return False


async def scatter(session: AsyncSession, model: type[Any], group: ColumnElement[bool],
                  mine: Sequence[tuple[Any, ...]], columns: Sequence[str]) -> None:
    """Give each just-flushed row of ``model`` whose primary key is in ``mine`` a uniformly random place among the
    rows of ``group``: exchange the values of ``columns`` with a row drawn from the whole group (itself included),
    an online Fisher-Yates step. Inside the caller's transaction; the drawn rows are locked (``FOR UPDATE``, in key
    order, so concurrent writers wait instead of deadlocking) and read after the lock.

    Call it after the transaction's first write: on SQLite that write holds the database's write lock, so no
    other writer changes the drawn rows between the read and the exchange. PostgreSQL needs the exchange (its heap
    lists rows in the order they were written; the two updates stay in the rows' pages); on SQLite the tables are
    ``WITHOUT ROWID`` and ordered by a key, and the exchange still unties a row's key from its content."""
    if not mine:
        return
    key = list(sa_inspect(model).primary_key)
    everyone = [tuple(row) for row in (await session.execute(select(*key).where(group))).all()]
    rng = secrets.SystemRandom()
    pairs = [(own, rng.choice(everyone)) for own in mine]
    wanted = {k for pair in pairs for k in pair}
    locked = await session.scalars(select(model).where(tuple_(*key).in_(wanted)).order_by(*key)
                                   .with_for_update().execution_options(populate_existing=True))
    rows = {tuple(getattr(r, column.key) for column in key): r for r in locked}
    for own, other in pairs:
        first, second = rows[own], rows[other]
        for name in columns:
            value = getattr(first, name)
            setattr(first, name, getattr(second, name))
            setattr(second, name, value)
    await session.flush()
