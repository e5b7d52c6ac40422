"""two-factor login: TOTP secrets, recovery codes, pending logins; every browser session ends (docs/operations.md)

Revision ID: 0014_two_factor
Revises: 0013_register_order
Create Date: 2026-12-07 21:51:03.807216
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ballot.db

revision = "0014_two_factor"
down_revision = "0013_register_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", ballot.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_recovery_codes_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_account_recovery_codes_code_hash")),
    )
    with op.batch_alter_table("account_recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_recovery_codes_account_id"), ["account_id"], unique=False)

    op.create_table(
        "account_totp",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("secret_box", sa.LargeBinary(length=128), nullable=False),
        sa.Column("created_at", ballot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", ballot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_totp_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_totp")),
    )
    op.create_table(
        "pending_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("next_url", sa.String(length=500), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("created_at", ballot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", ballot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_pending_logins_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_logins")),
    )
    with op.batch_alter_table("pending_logins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_logins_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pending_logins_token_hash"), ["token_hash"], unique=True)

    # Sessions from before the upgrade never passed a second step: everyone logs in again, so that accounts the
    # requirement covers go through enrolment.
    op.execute(sa.text("DELETE FROM auth_sessions"))


def downgrade() -> None:
    with op.batch_alter_table("pending_logins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_logins_token_hash"))
        batch_op.drop_index(batch_op.f("ix_pending_logins_account_id"))

    op.drop_table("pending_logins")
    op.drop_table("account_totp")
    with op.batch_alter_table("account_recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_recovery_codes_account_id"))

    op.drop_table("account_recovery_codes")
