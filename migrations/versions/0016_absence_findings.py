"""out of stock is a finding with evidence: a photo of the empty place (stage 'absence'), and a feed row
with availability 'absent' and no price

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "price_observations",
        sa.Column("availability", sa.String(length=8), server_default="in_stock", nullable=False),
    )
    op.alter_column("price_observations", "price_cents", existing_type=sa.BigInteger(), nullable=True)
    op.create_check_constraint("availability", "price_observations", "availability IN ('in_stock', 'absent')")
    op.create_check_constraint(
        "price_when_in_stock", "price_observations", "(availability = 'in_stock') = (price_cents IS NOT NULL)"
    )


def downgrade() -> None:
    op.execute("DELETE FROM price_observations WHERE availability = 'absent'")
    op.drop_constraint(op.f("ck_price_observations_price_when_in_stock"), "price_observations", type_="check")
    op.drop_constraint(op.f("ck_price_observations_availability"), "price_observations", type_="check")
    op.alter_column("price_observations", "price_cents", existing_type=sa.BigInteger(), nullable=False)
    op.drop_column("price_observations", "availability")
