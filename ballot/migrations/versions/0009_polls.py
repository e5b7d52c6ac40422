"""polls: live poll sessions at events, their questions and the answers (one per member/device and question)

Revision ID: 0009_polls
Revises: 0008_surveys
Create Date: 2026-11-21 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ballot.db

revision = "0009_polls"
down_revision = "0008_surveys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poll_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("allow_guests", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", ballot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", ballot.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_poll_sessions_created_by_accounts"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_poll_sessions_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_sessions")),
        sa.UniqueConstraint("code", name=op.f("uq_poll_sessions_code")),
    )
    op.create_index(op.f("ix_poll_sessions_unit_id"), "poll_sessions", ["unit_id"], unique=False)
    op.create_table(
        "poll_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("SINGLE", "MULTIPLE", "YES_NO", name="questionkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("prompt", sa.String(length=300), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("WAITING", "OPEN", "CLOSED", name="questionstate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["poll_sessions.id"],
            name=op.f("fk_poll_questions_session_id_poll_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_questions")),
        sa.UniqueConstraint("session_id", "position", name="uq_poll_questions_session_position"),
    )
    op.create_index(op.f("ix_poll_questions_session_id"), "poll_questions", ["session_id"], unique=False)
    op.create_table(
        "poll_answers",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=64), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("guest", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["poll_questions.id"],
            name=op.f("fk_poll_answers_question_id_poll_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("question_id", "voter_key", name=op.f("pk_poll_answers")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("poll_answers")
    op.drop_index(op.f("ix_poll_questions_session_id"), table_name="poll_questions")
    op.drop_table("poll_questions")
    op.drop_index(op.f("ix_poll_sessions_unit_id"), table_name="poll_sessions")
    op.drop_table("poll_sessions")
