"""a client can dispute a price in its feed: the row carries the dispute's status, and a moderation case of kind
'dispute' settles it

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("price_observations", sa.Column("dispute_status", sa.String(12), nullable=True))
    op.create_check_constraint(
        op.f("ck_price_observations_dispute_status"), "price_observations",
        "dispute_status IN ('open', 'upheld', 'corrected', 'withdrawn')",
    )  # fmt: skip
    op.drop_constraint(op.f("ck_review_cases_kind"), "review_cases", type_="check")
    op.create_check_constraint(op.f("ck_review_cases_kind"), "review_cases", "kind IN ('review', 'appeal', 'dispute')")


def downgrade() -> None:
    op.execute("DELETE FROM review_cases WHERE kind = 'dispute'")
    op.drop_constraint(op.f("ck_review_cases_kind"), "review_cases", type_="check")
    op.create_check_constraint(op.f("ck_review_cases_kind"), "review_cases", "kind IN ('review', 'appeal')")
    op.drop_constraint(op.f("ck_price_observations_dispute_status"), "price_observations", type_="check")
    op.drop_column("price_observations", "dispute_status")
