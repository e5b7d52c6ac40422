"""Migration 0013_register_order on a database with ballots in progress (decision 0002, "Order in dumps"): an open
ballot's register gains one unmarked row per member of its frozen electorate, the marks already there stay, a
closed ballot keeps its voters only, on SQLite and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from ballot.db import create_engine
from ballot.migrations.runner import upgrade

NOW = "2026-12-01 10:00:00"


async def _run(database: tuple[str, str | None], *statements: str) -> list[tuple[object, ...]]:
    engine = create_engine(*database)
    try:
        async with engine.begin() as conn:
            result: list[tuple[object, ...]] = []
            for statement in statements:
                rows = await conn.execute(text(statement))
                result = [tuple(r) for r in rows] if rows.returns_rows else []
            return result
    finally:
        await engine.dispose()


async def test_open_and_closed_ballots_migrate(database: tuple[str, str | None]) -> None:
    upgrade(database[0], "0012_motion_workflows", database[1])
    members = ", ".join(f"({m}, 'M{m}', 'A', 'B', 'unknown', 1, '2020-01-01', 'paid', 'regular', '{NOW}', '{NOW}')"
                        for m in range(1, 6))
    elections = ", ".join(
        f"({e}, '00000000-0000-0000-0000-00000000000{e}', 1, 'referendum', '{state}', 'T', 'T', '', '[]', '{NOW}', "
        f"'{NOW}', '{NOW}', 3, 2, true, 0, '{NOW}', false)" for e, state in ((1, "open"), (2, "closed")))
    await _run(
        database,
        f"INSERT INTO units (id, slug, name, kind, path, description, created_at) "  # noqa: S608 - constants of this test
        f"VALUES (1, 'bund', 'Bund', 'federal', '/1/', '', '{NOW}')",
        "INSERT INTO members (id, number, given_name, family_name, gender, home_unit_id, joined_on, dues_status, "  # noqa: S608
        f"member_class, created_at, updated_at) VALUES {members}",
        "INSERT INTO elections (id, uuid, unit_id, kind, state, title_de, title_en, description, questions, "  # noqa: S608
        "announcement_at, opens_at, closes_at, trustee_count, threshold, revoting, board_count, created_at, postal) "
        f"VALUES {elections}",
        "INSERT INTO electorate (election_id, member_id) VALUES (1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2)",
        "INSERT INTO voter_register (election_id, member_id, channel, sealed_ref) VALUES "
        "(1, 3, 'online', NULL), (1, 1, 'postal', NULL), (2, 2, 'online', NULL)",
    )
    upgrade(database[0], "heads", database[1])
    rows = await _run(database, "SELECT election_id, member_id, channel FROM voter_register")
    assert sorted(rows, key=lambda r: (r[0], r[1])) == [
        (1, 1, "postal"), (1, 2, None), (1, 3, "online"), (1, 4, None), (2, 2, "online")]
