"""ballot/unordered.py: the compaction after a rewrite never hangs the close (PostgreSQL gives up after the lock
timeout; SQLite's checkpoint does not wait). The rewrite itself is measured by tests/referendums/
test_register_order.py."""

from __future__ import annotations

import time
from typing import cast

from litestar import Litestar
from sqlalchemy import Table, text

from ballot.referendums.models import VoterRegister
from ballot.unordered import compact


async def test_compaction_gives_up_when_the_table_is_busy(app: Litestar) -> None:
    engine = app.state.engine
    table = cast(Table, VoterRegister.__table__)
    assert await compact(engine, table)
    async with engine.connect() as reader:  # an open transaction that has read the table holds a lock on it
        await reader.execute(text("SELECT count(*) FROM voter_register"))
        started = time.monotonic()
        done = await compact(engine, table)
        waited = time.monotonic() - started
        await reader.rollback()
    if engine.dialect.name == "postgresql":
        assert done is False and waited < 10  # logged and given up after the lock timeout, not waiting forever
    else:
        assert done is True  # a WAL checkpoint does not wait for readers
