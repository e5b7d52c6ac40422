"""discussion subscriptions, notification preferences, read markers

Revision ID: 0007_discussion_subscriptions
Revises: 0006
Create Date: 2026-11-21 08:10:31.164620
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ballot.db

revision = "0007_discussion_subscriptions"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discussion_notification_preferences",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum("IMMEDIATE", "DIGEST", "OFF", name="notifymode", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("digest_until", ballot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", ballot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_discussion_notification_preferences_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_discussion_notification_preferences")),
    )

    op.create_table(
        "discussion_unit_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_at", ballot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_discussion_unit_subscriptions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_discussion_unit_subscriptions_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_unit_subscriptions")),
        sa.UniqueConstraint("account_id", "unit_id", name="uq_discussion_unit_subscriptions_pair"),
    )
    with op.batch_alter_table("discussion_unit_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discussion_unit_subscriptions_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_discussion_unit_subscriptions_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "discussion_thread_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("last_post_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_discussion_thread_reads_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_threads.id"],
            name=op.f("fk_discussion_thread_reads_thread_id_discussion_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_thread_reads")),
        sa.UniqueConstraint("account_id", "thread_id", name="uq_discussion_thread_reads_pair"),
    )
    with op.batch_alter_table("discussion_thread_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discussion_thread_reads_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_discussion_thread_reads_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "discussion_thread_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("created_at", ballot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_discussion_thread_subscriptions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_threads.id"],
            name=op.f("fk_discussion_thread_subscriptions_thread_id_discussion_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_thread_subscriptions")),
        sa.UniqueConstraint("account_id", "thread_id", name="uq_discussion_thread_subscriptions_pair"),
    )
    with op.batch_alter_table("discussion_thread_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discussion_thread_subscriptions_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_discussion_thread_subscriptions_thread_id"), ["thread_id"], unique=False)


def downgrade() -> None:
    for table in ("discussion_thread_subscriptions", "discussion_thread_reads", "discussion_unit_subscriptions"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_account_id"))
            batch_op.drop_index(batch_op.f(f"ix_{table}_{'unit' if 'unit' in table else 'thread'}_id"))
        op.drop_table(table)
    op.drop_table("discussion_notification_preferences")
