"""register order: the voter register keeps no casting order (decision 0002, Storage). ``channel`` becomes
nullable (None: not voted); ballots that are ready or open get one unmarked row per member of their frozen
electorate, in random order; closed and tallied ballots get their register rewritten in random order, and so do
the responses of anonymous surveys and all live-poll answers. PostgreSQL stores the register, ``survey_responses``
and ``poll_answers`` with fillfactor 10, so that a mark or an exchange of answers stays in its row's page
(ballot/unordered.py).

After the upgrade, ``VACUUM (FULL, FREEZE) voter_register, survey_responses, poll_answers`` (PostgreSQL) or
``VACUUM`` (SQLite) drops the old row versions from the files (docs/decisions/0002-binding-ballot-architecture.md).

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

_IN_PLACE = ("voter_register", "survey_responses", "poll_answers")
_register = sa.table("voter_register", sa.column("election_id", sa.Integer), sa.column("member_id", sa.Integer),
                     sa.column("channel", sa.String), sa.column("sealed_ref", sa.JSON))
_electorate = sa.table("electorate", sa.column("election_id", sa.Integer), sa.column("member_id", sa.Integer))
_elections = sa.table("elections", sa.column("id", sa.Integer), sa.column("state", sa.String))
_surveys = sa.table("surveys", sa.column("id", sa.Integer), sa.column("mode", sa.String))
_responses = sa.table("survey_responses", sa.column("id", sa.String), sa.column("survey_id", sa.Integer),
                      sa.column("segment_unit_id", sa.Integer), sa.column("answers", sa.JSON))
_answers = sa.table("poll_answers", sa.column("question_id", sa.Integer), sa.column("voter_key", sa.String),
                    sa.column("choices", sa.JSON), sa.column("guest", sa.Boolean))


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
        for table in _IN_PLACE:
            op.execute(f"ALTER TABLE {table} SET (fillfactor = 10)")
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
        _rewrite(conn, _register, _register.c.election_id == election_id, voters)
    anonymous = sa.select(_surveys.c.id).where(_surveys.c.mode == "anonymous")
    _rewrite(conn, _responses, _responses.c.survey_id.in_(anonymous))  # no respondent rows point at these
    _rewrite(conn, _answers, sa.true())


def _rewrite(conn: sa.Connection, table: sa.TableClause, where: sa.ColumnElement[bool],
             rows: list[dict[str, object]] | None = None) -> None:
    """Replace the rows matching ``where`` by ``rows`` (default: themselves), inserted in random order."""
    if rows is None:
        rows = [dict(r) for r in conn.execute(sa.select(table).where(where)).mappings()]
    conn.execute(sa.delete(table).where(where))
    if rows:
        conn.execute(sa.insert(table), _shuffled(rows))


def downgrade() -> None:
    op.execute(sa.delete(_register).where(_register.c.channel.is_(None)))
    if op.get_bind().dialect.name == "postgresql":
        for table in _IN_PLACE:
            op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
    _set_channel_nullable(False)
