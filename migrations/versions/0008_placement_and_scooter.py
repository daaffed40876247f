"""placement checks (shelf photos, presence per product) and scooter pickup, deploy spots and drop-off

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 17:21:17.230001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = "outcome IN ('accepted', 'outside_geofence', 'mock_location', 'implausible_speed'{})"


def upgrade() -> None:
    op.create_geospatial_table(
        "deploy_spots",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "location",
            Geography(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("geofence_m", sa.Integer(), server_default="50", nullable=False),
        sa.Column("release_from", sa.Time(), nullable=False),
        sa.Column("release_until", sa.Time(), nullable=False),
        sa.CheckConstraint("geofence_m BETWEEN 10 AND 1000", name=op.f("ck_deploy_spots_geofence_m")),
        sa.CheckConstraint("release_from <> release_until", name=op.f("ck_deploy_spots_release_window")),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_deploy_spots_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deploy_spots")),
    )
    op.create_index(op.f("ix_deploy_spots_campaign_id"), "deploy_spots", ["campaign_id"], unique=False)
    op.create_index(
        "uq_deploy_spots_campaign_name", "deploy_spots", ["campaign_id", sa.literal_column("lower(name)")], unique=True
    )
    op.create_table(
        "shelf_checks",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("photo_id", sa.Uuid(), nullable=True),
        sa.Column("presence", sa.String(length=16), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_by", sa.String(length=16), nullable=False),
        sa.CheckConstraint("presence IN ('present', 'absent')", name=op.f("ck_shelf_checks_presence")),
        sa.CheckConstraint("verified_by IN ('auto', 'moderator')", name=op.f("ck_shelf_checks_verified_by")),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_shelf_checks_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["task_items.id"], name=op.f("fk_shelf_checks_item_id_task_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name=op.f("fk_shelf_checks_organization_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photos.id"], name=op.f("fk_shelf_checks_photo_id_photos"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["campaign_products.id"],
            name=op.f("fk_shelf_checks_product_id_campaign_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_shelf_checks_store_id_stores"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_shelf_checks_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelf_checks")),
    )
    op.create_index(
        "ix_shelf_checks_campaign_store_product",
        "shelf_checks",
        ["campaign_id", "store_id", "product_id", "observed_at"],
        unique=False,
    )
    op.create_index("uq_shelf_checks_item_id", "shelf_checks", ["item_id"], unique=True)
    op.add_column("campaign_vehicles", sa.Column("battery_percent", sa.SmallInteger(), nullable=True))
    op.add_column(
        "campaigns", sa.Column("timezone", sa.String(length=64), server_default="Europe/Paris", nullable=False)
    )
    op.add_column("campaigns", sa.Column("late_reward_cents", sa.Integer(), nullable=True))
    op.add_column(
        "campaigns", sa.Column("charge_reimbursement_cents", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column("checkins", sa.Column("deploy_spot_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_checkins_deploy_spot_id_deploy_spots"),
        "checkins",
        "deploy_spots",
        ["deploy_spot_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.add_column("photos", sa.Column("stage", sa.String(length=16), nullable=True))
    op.alter_column("photos", "item_id", existing_type=sa.UUID(), nullable=True)
    op.add_column("tasks", sa.Column("picked_up_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("tasks", sa.Column("dropoff_spot_id", sa.Uuid(), nullable=True))
    op.add_column("tasks", sa.Column("dropped_off_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("tasks", sa.Column("dropoff_due_at", sa.DateTime(timezone=True), nullable=True))
    op.create_foreign_key(
        op.f("fk_tasks_dropoff_spot_id_deploy_spots"),
        "tasks",
        "deploy_spots",
        ["dropoff_spot_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_check_constraint("late_reward", "campaigns", "late_reward_cents BETWEEN 0 AND reward_cents")
    op.create_check_constraint("charge_reimbursement", "campaigns", "charge_reimbursement_cents >= 0")
    op.create_check_constraint("battery_percent", "campaign_vehicles", "battery_percent BETWEEN 0 AND 100")
    op.drop_constraint(op.f("ck_checkins_outcome"), "checkins", type_="check")
    op.create_check_constraint("outcome", "checkins", OUTCOMES.format(", 'outside_release_window'"))


def downgrade() -> None:
    op.execute("DELETE FROM checkins WHERE outcome = 'outside_release_window'")
    op.drop_constraint(op.f("ck_checkins_outcome"), "checkins", type_="check")
    op.create_check_constraint("outcome", "checkins", OUTCOMES.format(""))
    op.execute("DELETE FROM photos WHERE item_id IS NULL")  # shelf photos have no item to belong to
    for table, name in (("campaigns", "late_reward"), ("campaigns", "charge_reimbursement"),
                        ("campaign_vehicles", "battery_percent")):  # fmt: skip
        op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
    op.drop_constraint(op.f("fk_tasks_dropoff_spot_id_deploy_spots"), "tasks", type_="foreignkey")
    op.drop_column("tasks", "dropoff_due_at")
    op.drop_column("tasks", "dropped_off_at")
    op.drop_column("tasks", "dropoff_spot_id")
    op.drop_column("tasks", "picked_up_at")
    op.alter_column("photos", "item_id", existing_type=sa.UUID(), nullable=False)
    op.drop_column("photos", "stage")
    op.drop_constraint(op.f("fk_checkins_deploy_spot_id_deploy_spots"), "checkins", type_="foreignkey")
    op.drop_column("checkins", "deploy_spot_id")
    op.drop_column("campaigns", "charge_reimbursement_cents")
    op.drop_column("campaigns", "late_reward_cents")
    op.drop_column("campaigns", "timezone")
    op.drop_column("campaign_vehicles", "battery_percent")
    op.drop_index("uq_shelf_checks_item_id", table_name="shelf_checks")
    op.drop_index("ix_shelf_checks_campaign_store_product", table_name="shelf_checks")
    op.drop_table("shelf_checks")
    op.drop_index("uq_deploy_spots_campaign_name", table_name="deploy_spots")
    op.drop_index(op.f("ix_deploy_spots_campaign_id"), table_name="deploy_spots")
    op.drop_geospatial_table("deploy_spots")
