"""the price the worker typed, and how each feed price was established

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES = "price_source IN ('typed_and_read', 'read', 'moderator')"


def upgrade() -> None:
    op.add_column("photos", sa.Column("typed_price_cents", sa.BigInteger(), nullable=True))
    op.add_column("photos", sa.Column("typed_unit_price_cents", sa.BigInteger(), nullable=True))
    op.create_check_constraint("typed_price_positive", "photos", "typed_price_cents > 0")
    op.create_check_constraint("typed_unit_price_positive", "photos", "typed_unit_price_cents > 0")
    op.add_column("price_observations", sa.Column("price_source", sa.String(16), server_default="read", nullable=False))
    op.execute("UPDATE price_observations SET price_source = 'moderator' WHERE verified_by = 'moderator'")
    op.create_check_constraint("price_source", "price_observations", SOURCES)


def downgrade() -> None:
    op.drop_constraint(op.f("ck_price_observations_price_source"), "price_observations", type_="check")
    op.drop_column("price_observations", "price_source")
    op.drop_constraint(op.f("ck_photos_typed_unit_price_positive"), "photos", type_="check")
    op.drop_constraint(op.f("ck_photos_typed_price_positive"), "photos", type_="check")
    op.drop_column("photos", "typed_unit_price_cents")
    op.drop_column("photos", "typed_price_cents")
