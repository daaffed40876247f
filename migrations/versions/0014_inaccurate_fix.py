"""a check-in whose accuracy circle is not inside the geofence: refused as inaccurate_fix

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = (
    "outcome IN ('accepted', 'outside_geofence', 'mock_location', 'implausible_speed', 'outside_release_window'{})"
)


def upgrade() -> None:
    op.drop_constraint(op.f("ck_checkins_outcome"), "checkins", type_="check")
    op.create_check_constraint("outcome", "checkins", OUTCOMES.format(", 'inaccurate_fix'"))


def downgrade() -> None:
    op.execute("DELETE FROM checkins WHERE outcome = 'inaccurate_fix'")
    op.drop_constraint(op.f("ck_checkins_outcome"), "checkins", type_="check")
    op.create_check_constraint("outcome", "checkins", OUTCOMES.format(""))
