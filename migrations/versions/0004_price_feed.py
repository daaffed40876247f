"""price feed: a commit-safe order for price observations

Observations are read by clients page after page while new ones arrive. Ordering by an id is not
enough: ids are taken when a row is written, and a transaction that took a smaller id may commit after
a client has read past it. Each row therefore records the id of the transaction that wrote it; the
feed shows only rows of transactions older than every transaction still running, in (transaction,
row) order, so a row can never appear behind a cursor already handed out.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("price_observations", sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False))
    op.add_column(
        "price_observations",
        sa.Column(
            "feed_xid",
            sa.BigInteger(),
            server_default=sa.text("(pg_current_xact_id()::text)::bigint"),
            nullable=False,
        ),
    )
    op.create_index(
        "ix_price_observations_feed", "price_observations", ["organization_id", "feed_xid", "seq"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_price_observations_feed", table_name="price_observations")
    op.drop_column("price_observations", "feed_xid")
    op.drop_column("price_observations", "seq")
