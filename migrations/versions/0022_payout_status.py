"""payouts have a status: requested, then sent (with the payment's reference) or failed (the money back in the
worker's balance)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("payouts", sa.Column("status", sa.String(12), server_default="requested", nullable=False))
    op.add_column("payouts", sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("payouts", sa.Column("reference", sa.String(200), nullable=True))
    op.add_column("payouts", sa.Column("failure_reason", sa.String(500), nullable=True))
    op.create_check_constraint(op.f("ck_payouts_status"), "payouts", "status IN ('requested', 'sent', 'failed')")
    op.create_index("ix_payouts_status_requested_at", "payouts", ["status", "requested_at"])


def downgrade() -> None:
    op.drop_index("ix_payouts_status_requested_at", table_name="payouts")
    op.drop_constraint(op.f("ck_payouts_status"), "payouts", type_="check")
    for column in ("failure_reason", "reference", "settled_at", "status"):
        op.drop_column("payouts", column)
