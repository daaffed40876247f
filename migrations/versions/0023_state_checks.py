"""the two state columns the database did not constrain yet: an item's verdict_by (auto, deadline, moderator) and
a photo's stage (pickup, dropoff, absence)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 01:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_check_constraint(
        op.f("ck_task_items_verdict_by"), "task_items", "verdict_by IN ('auto', 'deadline', 'moderator')"
    )
    op.create_check_constraint(op.f("ck_photos_stage"), "photos", "stage IN ('pickup', 'dropoff', 'absence')")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_photos_stage"), "photos", type_="check")
    op.drop_constraint(op.f("ck_task_items_verdict_by"), "task_items", type_="check")
