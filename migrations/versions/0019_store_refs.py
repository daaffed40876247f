"""stores carry the client's own identifier (store_ref) and an OpenStreetMap reference, as Open Prices does

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("stores", sa.Column("store_ref", sa.String(100), nullable=True))
    op.add_column("stores", sa.Column("osm_type", sa.String(8), nullable=True))
    op.add_column("stores", sa.Column("osm_id", sa.BigInteger(), nullable=True))
    op.create_check_constraint(
        op.f("ck_stores_osm"), "stores",
        "(osm_type IS NULL) = (osm_id IS NULL) AND (osm_type IS NULL OR osm_type IN ('NODE', 'WAY', 'RELATION'))",
    )  # fmt: skip
    op.create_index(
        "uq_stores_campaign_store_ref", "stores", ["campaign_id", "store_ref"], unique=True,
        postgresql_where=sa.text("store_ref IS NOT NULL"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("uq_stores_campaign_store_ref", table_name="stores")
    op.drop_constraint(op.f("ck_stores_osm"), "stores", type_="check")
    op.drop_column("stores", "osm_id")
    op.drop_column("stores", "osm_type")
    op.drop_column("stores", "store_ref")
