"""moderation: a review case per item the machine could not verify, and per appeal (one open case per item)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 16:04:54.964967
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_cases",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("reasons", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("held_by_id", sa.Uuid(), nullable=True),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("excluded_moderator_id", sa.Uuid(), nullable=True),
        sa.Column("appeal_comment", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("reject_reason", sa.String(length=32), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("corrections", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('review', 'appeal')", name=op.f("ck_review_cases_kind")),
        sa.CheckConstraint("outcome IN ('approve', 'reject', 'no_fault')", name=op.f("ck_review_cases_outcome")),
        sa.CheckConstraint("status IN ('open', 'decided', 'closed')", name=op.f("ck_review_cases_status")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_review_cases_decided_by_id_users")),
        sa.ForeignKeyConstraint(
            ["excluded_moderator_id"], ["users.id"], name=op.f("fk_review_cases_excluded_moderator_id_users")
        ),
        sa.ForeignKeyConstraint(["held_by_id"], ["users.id"], name=op.f("fk_review_cases_held_by_id_users")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["task_items.id"], name=op.f("fk_review_cases_item_id_task_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cases")),
    )
    op.create_index(op.f("ix_review_cases_item_id"), "review_cases", ["item_id"], unique=False)
    op.create_index(
        "ix_review_cases_queue",
        "review_cases",
        ["opened_at"],
        unique=False,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index(
        "uq_review_cases_open_item",
        "review_cases",
        ["item_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index("uq_review_cases_open_item", table_name="review_cases", postgresql_where=sa.text("status = 'open'"))
    op.drop_index("ix_review_cases_queue", table_name="review_cases", postgresql_where=sa.text("status = 'open'"))
    op.drop_index(op.f("ix_review_cases_item_id"), table_name="review_cases")
    op.drop_table("review_cases")
