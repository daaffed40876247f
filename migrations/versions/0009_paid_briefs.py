"""fair work: versioned briefs paid once read, time estimates, clients named in work records

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 17:47:05.635363
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "brief_reads",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_brief_reads_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_brief_reads_worker_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brief_reads")),
    )
    op.create_index(
        "uq_brief_reads_worker_campaign_version", "brief_reads", ["worker_id", "campaign_id", "version"], unique=True
    )
    op.add_column("campaigns", sa.Column("instructions_version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("campaigns", sa.Column("reading_minutes", sa.Integer(), server_default="0", nullable=False))
    op.add_column("campaigns", sa.Column("estimated_minutes", sa.Integer(), nullable=True))
    op.add_column("campaigns", sa.Column("median_task_minutes", sa.Double(), nullable=True))

    op.add_column("campaigns", sa.Column("named_in_work_records", sa.Boolean(), server_default="true", nullable=False))
    op.create_check_constraint("reading_minutes", "campaigns", "reading_minutes BETWEEN 0 AND 120")
    op.create_check_constraint("estimated_minutes", "campaigns", "estimated_minutes BETWEEN 1 AND 1440")


def downgrade() -> None:
    op.drop_column("campaigns", "named_in_work_records")
    op.drop_constraint(op.f("ck_campaigns_reading_minutes"), "campaigns", type_="check")
    op.drop_constraint(op.f("ck_campaigns_estimated_minutes"), "campaigns", type_="check")
    op.drop_column("campaigns", "median_task_minutes")
    op.drop_column("campaigns", "estimated_minutes")
    op.drop_column("campaigns", "reading_minutes")
    op.drop_column("campaigns", "instructions_version")
    op.drop_index("uq_brief_reads_worker_campaign_version", table_name="brief_reads")
    op.drop_table("brief_reads")
