"""fair work: ratings and hidden sources

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 17:57:57.047485
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hidden_sources",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(organization_id IS NULL) <> (campaign_id IS NULL)", name=op.f("ck_hidden_sources_client_or_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_hidden_sources_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_hidden_sources_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_hidden_sources_worker_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hidden_sources")),
    )
    op.create_index("uq_hidden_sources_worker_campaign", "hidden_sources", ["worker_id", "campaign_id"], unique=True)
    op.create_index(
        "uq_hidden_sources_worker_organization", "hidden_sources", ["worker_id", "organization_id"], unique=True
    )
    op.create_table(
        "task_ratings",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("clarity", sa.SmallInteger(), nullable=True),
        sa.Column("client", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("clarity BETWEEN 1 AND 5", name=op.f("ck_task_ratings_clarity")),
        sa.CheckConstraint("clarity IS NOT NULL OR client IS NOT NULL", name=op.f("ck_task_ratings_something_rated")),
        sa.CheckConstraint("client BETWEEN 1 AND 5", name=op.f("ck_task_ratings_client")),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_task_ratings_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_ratings_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_task_ratings_worker_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_ratings")),
    )
    op.create_index("ix_task_ratings_campaign_id", "task_ratings", ["campaign_id"], unique=False)
    op.create_index("uq_task_ratings_task_worker", "task_ratings", ["task_id", "worker_id"], unique=True)
    op.add_column("campaigns", sa.Column("clarity_rating", sa.Double(), nullable=True))
    op.add_column("campaigns", sa.Column("client_rating", sa.Double(), nullable=True))
    op.add_column("campaigns", sa.Column("rating_count", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    op.drop_column("campaigns", "rating_count")
    op.drop_column("campaigns", "client_rating")
    op.drop_column("campaigns", "clarity_rating")
    op.drop_index("uq_task_ratings_task_worker", table_name="task_ratings")
    op.drop_index("ix_task_ratings_campaign_id", table_name="task_ratings")
    op.drop_table("task_ratings")
    op.drop_index("uq_hidden_sources_worker_organization", table_name="hidden_sources")
    op.drop_index("uq_hidden_sources_worker_campaign", table_name="hidden_sources")
    op.drop_table("hidden_sources")
