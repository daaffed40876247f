"""an appeal won after its week's floor was settled settles that week again for its worker, once per case

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "floor_revisits",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("revisited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topped_up_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["review_cases.id"], name=op.f("fk_floor_revisits_case_id_review_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_floor_revisits")),
    )


def downgrade() -> None:
    op.drop_table("floor_revisits")
