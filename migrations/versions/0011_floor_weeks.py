"""hourly floor weeks

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 18:03:37.154806
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "floor_weeks",
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workers_topped_up", sa.Integer(), nullable=False),
        sa.Column("topped_up_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("week_start", name=op.f("pk_floor_weeks")),
    )


def downgrade() -> None:
    op.drop_table("floor_weeks")
