"""workers' voice: questions on a brief and their answers, each client's track record as last computed, and an
account its owner closed

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "brief_questions",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE",
                                name=op.f("fk_brief_questions_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(["worker_id"], ["users.id"], name=op.f("fk_brief_questions_worker_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"], name=op.f("fk_brief_questions_answered_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brief_questions")),
    )  # fmt: skip
    op.create_index("ix_brief_questions_campaign_asked", "brief_questions", ["campaign_id", "asked_at"])
    op.create_index("uq_brief_questions_same_question", "brief_questions",
                    ["campaign_id", "worker_id", sa.text("md5(question)")], unique=True)  # fmt: skip
    op.create_table(
        "client_records",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_client_records_organization_id_organizations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_client_records")),
    )  # fmt: skip
    op.add_column("users", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("final_record", postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "final_record")
    op.drop_column("users", "closed_at")
    op.drop_table("client_records")
    op.drop_index("uq_brief_questions_same_question", table_name="brief_questions")
    op.drop_index("ix_brief_questions_campaign_asked", table_name="brief_questions")
    op.drop_table("brief_questions")
