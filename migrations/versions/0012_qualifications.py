"""qualifications with paid practice

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28 18:08:37.647073
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

READS_SHELF_LABELS = {
    "code": "reads_shelf_labels",
    "name": "Reads shelf labels",
    "description": "Read the shelf price on five photographed labels (large euros, raised cents). Four right earns it.",
    "practice_minutes": 4,
    "questions": 5,
    "pass_mark": 4,
}


def upgrade() -> None:
    op.create_table(
        "qualifications",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("practice_minutes", sa.Integer(), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_qualifications")),
    )
    op.create_table(
        "practice_attempts",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("qualification_code", sa.String(length=40), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("correct", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["qualification_code"],
            ["qualifications.code"],
            name=op.f("fk_practice_attempts_qualification_code_qualifications"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_practice_attempts_worker_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_attempts")),
    )
    op.create_index("ix_practice_attempts_worker_id", "practice_attempts", ["worker_id"], unique=False)
    op.create_table(
        "worker_qualifications",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("qualification_code", sa.String(length=40), nullable=False),
        sa.Column("attempt_id", sa.Uuid(), nullable=False),
        sa.Column("earned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["practice_attempts.id"], name=op.f("fk_worker_qualifications_attempt_id_practice_attempts")
        ),
        sa.ForeignKeyConstraint(
            ["qualification_code"],
            ["qualifications.code"],
            name=op.f("fk_worker_qualifications_qualification_code_qualifications"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_worker_qualifications_worker_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_qualifications")),
    )
    op.create_index(
        "uq_worker_qualifications_worker_code",
        "worker_qualifications",
        ["worker_id", "qualification_code"],
        unique=True,
    )
    op.add_column("campaigns", sa.Column("required_qualification", sa.String(length=40), nullable=True))
    op.create_foreign_key(
        op.f("fk_campaigns_required_qualification_qualifications"),
        "campaigns",
        "qualifications",
        ["required_qualification"],
        ["code"],
    )
    qualifications = sa.table(
        "qualifications",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("description", sa.Text),
        sa.column("practice_minutes", sa.Integer),
        sa.column("questions", sa.Integer),
        sa.column("pass_mark", sa.Integer),
    )
    op.bulk_insert(qualifications, [READS_SHELF_LABELS])


def downgrade() -> None:
    op.drop_constraint(op.f("fk_campaigns_required_qualification_qualifications"), "campaigns", type_="foreignkey")
    op.drop_column("campaigns", "required_qualification")
    op.drop_index("uq_worker_qualifications_worker_code", table_name="worker_qualifications")
    op.drop_table("worker_qualifications")
    op.drop_index("ix_practice_attempts_worker_id", table_name="practice_attempts")
    op.drop_table("practice_attempts")
    op.drop_table("qualifications")
