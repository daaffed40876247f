"""a store can be removed from a running campaign: kept (its task and evidence point at it) but marked removed, and
its name, address and store_ref free for the corrected row

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_ADDRESS = ["campaign_id", sa.text("lower(name)"), sa.text("lower(address)")]


def upgrade() -> None:
    op.add_column("stores", sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_index("uq_stores_campaign_name_address", table_name="stores")
    op.drop_index("uq_stores_campaign_store_ref", table_name="stores")
    op.create_index(
        "uq_stores_campaign_name_address", "stores", NAME_ADDRESS, unique=True,
        postgresql_where=sa.text("removed_at IS NULL"),
    )  # fmt: skip
    op.create_index(
        "uq_stores_campaign_store_ref", "stores", ["campaign_id", "store_ref"], unique=True,
        postgresql_where=sa.text("store_ref IS NOT NULL AND removed_at IS NULL"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("uq_stores_campaign_store_ref", table_name="stores")
    op.drop_index("uq_stores_campaign_name_address", table_name="stores")
    op.execute("DELETE FROM stores WHERE removed_at IS NOT NULL AND id NOT IN (SELECT store_id FROM tasks"
               " WHERE store_id IS NOT NULL)")  # fmt: skip
    op.create_index("uq_stores_campaign_name_address", "stores", NAME_ADDRESS, unique=True)
    op.create_index(
        "uq_stores_campaign_store_ref", "stores", ["campaign_id", "store_ref"], unique=True,
        postgresql_where=sa.text("store_ref IS NOT NULL"),
    )  # fmt: skip
    op.drop_column("stores", "removed_at")
