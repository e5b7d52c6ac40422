"""register order: the voter register keeps no casting order (decision 0002, Storage). ``channel`` becomes
nullable (None: not voted); ballots that are ready or open get one unmarked row per member of their frozen
electorate, in random order; closed and tallied ballots get their register rewritten in random order; PostgreSQL
stores the table with fillfactor 10, so that a mark stays in its row's page.

Run ``VACUUM (FULL, FREEZE) voter_register`` (PostgreSQL) or ``VACUUM`` (SQLite) after the upgrade to drop the
old row versions from the files (docs/operations.md).

Revision ID: 0013_register_order
Revises: 0012_motion_workflows
Create Date: 2026-12-07 22:00:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0013_register_order"
down_revision = "0012_motion_workflows"
branch_labels = None
depends_on = None

_register = sa.table("voter_register", sa.column("election_id", sa.Integer), sa.column("member_id", sa.Integer),
                     sa.column("channel", sa.String), sa.column("sealed_ref", sa.JSON))
_electorate = sa.table("electorate", sa.column("election_id", sa.Integer), sa.column("member_id", sa.Integer))
_elections = sa.table("elections", sa.column("id", sa.Integer), sa.column("state", sa.String))


def _set_channel_nullable(nullable: bool) -> None:
    with op.batch_alter_table("voter_register", table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        batch_op.alter_column("channel", existing_type=sa.String(length=8), nullable=nullable)


def _shuffled(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    secrets.SystemRandom().shuffle(rows)
    return rows


def upgrade() -> None:
    _set_channel_nullable(True)
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("ALTER TABLE voter_register SET (fillfactor = 10)")
    elections = conn.execute(sa.select(_elections.c.id, _elections.c.state)).all()
    for election_id, state in elections:
        voters = [dict(r) for r in conn.execute(
            sa.select(_register).where(_register.c.election_id == election_id)).mappings()]
        if state in ("ready", "open"):
            voted = {r["member_id"] for r in voters}
            members = conn.execute(sa.select(_electorate.c.member_id)
                                   .where(_electorate.c.election_id == election_id)).scalars()
            voters += [{"election_id": election_id, "member_id": m, "channel": None, "sealed_ref": None}
                       for m in members if m not in voted]
        elif state not in ("closed", "tallied"):
            continue
        conn.execute(sa.delete(_register).where(_register.c.election_id == election_id))
        if voters:
            conn.execute(sa.insert(_register), _shuffled(voters))


def downgrade() -> None:
    op.execute(sa.delete(_register).where(_register.c.channel.is_(None)))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE voter_register RESET (fillfactor)")
    _set_channel_nullable(False)
