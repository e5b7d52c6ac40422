"""openings: trustees' opening shares for sealed references (postal precedence "postal")

Revision ID: 0011_openings
Revises: 0010_motions
Create Date: 2026-11-21 08:07:09.441540
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_openings"
down_revision = "0010_motions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "opening_uploads",
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("trustee_index", sa.Integer(), nullable=False),
        sa.Column("shares", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name=op.f("fk_opening_uploads_election_id_elections"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("election_id", "trustee_index", name=op.f("pk_opening_uploads")),
    )


def downgrade() -> None:
    op.drop_table("opening_uploads")
