"""a check-in's fix must be fresh (stale_fix) and taken after the claim (fix_before_claim); the last fix
is found by when it reached the server

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 15:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = (
    "outcome IN ('accepted', 'outside_geofence', 'mock_location', 'implausible_speed', 'outside_release_window',"
    " 'inaccurate_fix'{})"
)


def upgrade() -> None:
    op.drop_constraint(op.f("ck_checkins_outcome"), "checkins", type_="check")
    op.create_check_constraint("outcome", "checkins", OUTCOMES.format(", 'stale_fix', 'fix_before_claim'"))
    op.create_index("ix_checkins_worker_id_received_at", "checkins", ["worker_id", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_checkins_worker_id_received_at", table_name="checkins")
    op.execute("DELETE FROM checkins WHERE outcome IN ('stale_fix', 'fix_before_claim')")
    op.drop_constraint(op.f("ck_checkins_outcome"), "checkins", type_="check")
    op.create_check_constraint("outcome", "checkins", OUTCOMES.format(""))
