"""field work: campaigns, stores, products, vehicles, tasks, check-ins, photos

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 13:25:47.747789
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography, Geometry
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("instructions", sa.Text(), server_default="", nullable=False),
        sa.Column("reward_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("budget_cents", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim_minutes", sa.Integer(), server_default="120", nullable=False),
        sa.Column("auto_approve_hours", sa.Integer(), server_default="72", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="draft", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name=op.f("ck_campaigns_currency")),
        sa.CheckConstraint(
            "kind IN ('shelf_price', 'product_placement', 'scooter_recharge')", name=op.f("ck_campaigns_kind")
        ),
        sa.CheckConstraint("status IN ('draft', 'active', 'paused', 'closed')", name=op.f("ck_campaigns_status")),
        sa.CheckConstraint("auto_approve_hours BETWEEN 1 AND 720", name=op.f("ck_campaigns_auto_approve_hours")),
        sa.CheckConstraint("budget_cents >= 0", name=op.f("ck_campaigns_budget_not_negative")),
        sa.CheckConstraint("claim_minutes BETWEEN 5 AND 1440", name=op.f("ck_campaigns_claim_minutes")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_campaigns_ends_after_start")),
        sa.CheckConstraint("reward_cents > 0", name=op.f("ck_campaigns_reward_positive")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_campaigns_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name=op.f("fk_campaigns_organization_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_index(op.f("ix_campaigns_organization_id"), "campaigns", ["organization_id"], unique=False)
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=False),
        sa.Column("response_body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(op.f("ix_idempotency_keys_expires_at"), "idempotency_keys", ["expires_at"], unique=False)
    op.create_index("uq_idempotency_keys_user_key", "idempotency_keys", ["user_id", "key"], unique=True)
    op.create_table(
        "campaign_products",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("net_quantity", sa.String(length=32), nullable=True),
        sa.Column("net_quantity_amount", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("net_quantity_unit", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_products_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_products")),
    )
    op.create_index("uq_campaign_products_campaign_gtin", "campaign_products", ["campaign_id", "gtin"], unique=True)
    op.create_geospatial_table(
        "campaign_vehicles",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("vehicle_code", sa.String(length=64), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_vehicles_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_vehicles")),
    )
    op.create_index(
        "uq_campaign_vehicles_campaign_code", "campaign_vehicles", ["campaign_id", "vehicle_code"], unique=True
    )
    op.create_geospatial_table(
        "stores",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), server_default="", nullable=False),
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
        sa.Column("geofence_m", sa.Integer(), server_default="100", nullable=False),
        sa.CheckConstraint("geofence_m BETWEEN 50 AND 5000", name=op.f("ck_stores_geofence_m")),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_stores_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
    )
    op.create_index(op.f("ix_stores_campaign_id"), "stores", ["campaign_id"], unique=False)
    op.create_index(
        "uq_stores_campaign_name_address",
        "stores",
        ["campaign_id", sa.literal_column("lower(name)"), sa.literal_column("lower(address)")],
        unique=True,
    )
    op.create_geospatial_table(
        "tasks",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=True),
        sa.Column("vehicle_id", sa.Uuid(), nullable=True),
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
        sa.Column(
            "location_mercator",
            Geometry(
                geometry_type="POINT",
                srid=3857,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            sa.Computed(
                "ST_Transform(ST_SetSRID(ST_MakePoint(ST_X(location::geometry), "
                "LEAST(GREATEST(ST_Y(location::geometry), -85), 85)), 4326), 3857)",
                persisted=True,
            ),
            nullable=False,
        ),
        sa.Column("place_name", sa.String(length=200), nullable=False),
        sa.Column("place_address", sa.String(length=500), server_default="", nullable=False),
        sa.Column("geofence_m", sa.Integer(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("claimed_by_id", sa.Uuid(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_generation", sa.Integer(), server_default="0", nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "status <> 'claimed' OR (claimed_by_id IS NOT NULL AND claim_expires_at IS NOT NULL)",
            name=op.f("ck_tasks_claim"),
        ),
        sa.CheckConstraint("status IN ('open', 'claimed', 'submitted', 'cancelled')", name=op.f("ck_tasks_status")),
        sa.CheckConstraint("(store_id IS NULL) <> (vehicle_id IS NULL)", name=op.f("ck_tasks_store_or_vehicle")),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_tasks_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["claimed_by_id"], ["users.id"], name=op.f("fk_tasks_claimed_by_id_users")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_tasks_store_id_stores"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["campaign_vehicles.id"],
            name=op.f("fk_tasks_vehicle_id_campaign_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    op.create_index("ix_tasks_claimed_by_id_status", "tasks", ["claimed_by_id", "status"], unique=False)
    op.create_geospatial_index(
        "ix_tasks_mercator_available",
        "tasks",
        ["location_mercator"],
        unique=False,
        postgresql_using="gist",
        postgresql_where=sa.text("status IN ('open', 'claimed')"),
        postgresql_ops={},
    )
    op.create_index("uq_tasks_campaign_store", "tasks", ["campaign_id", "store_id"], unique=True)
    op.create_index("uq_tasks_campaign_vehicle", "tasks", ["campaign_id", "vehicle_id"], unique=True)
    op.create_geospatial_table(
        "checkins",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("claim_generation", sa.Integer(), nullable=False),
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
        sa.Column("accuracy_m", sa.Double(), nullable=False),
        sa.Column("is_mock", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("distance_m", sa.Double(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('accepted', 'outside_geofence', 'mock_location', 'implausible_speed')",
            name=op.f("ck_checkins_outcome"),
        ),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_checkins_task_id_tasks"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["worker_id"], ["users.id"], name=op.f("fk_checkins_worker_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
    )
    op.create_index(op.f("ix_checkins_task_id"), "checkins", ["task_id"], unique=False)
    op.create_index("ix_checkins_worker_id_recorded_at", "checkins", ["worker_id", "recorded_at"], unique=False)
    op.create_table(
        "task_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_task_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_events_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_events")),
    )
    op.create_index(op.f("ix_task_events_task_id"), "task_events", ["task_id"], unique=False)
    op.create_table(
        "task_items",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column("vehicle_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'photographed', 'not_found')", name=op.f("ck_task_items_status")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["campaign_products.id"],
            name=op.f("fk_task_items_product_id_campaign_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_items_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["campaign_vehicles.id"],
            name=op.f("fk_task_items_vehicle_id_campaign_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_items")),
    )
    op.create_index(op.f("ix_task_items_task_id"), "task_items", ["task_id"], unique=False)
    op.create_index("uq_task_items_task_product", "task_items", ["task_id", "product_id"], unique=True)
    op.create_geospatial_table(
        "photos",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("claim_generation", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("phash", sa.BigInteger(), nullable=False),
        sa.Column("original_key", sa.String(length=200), nullable=False),
        sa.Column("clean_key", sa.String(length=200), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exif_taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "exif_location",
            Geography(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
            ),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["task_items.id"], name=op.f("fk_photos_item_id_task_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_photos_task_id_tasks"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["worker_id"], ["users.id"], name=op.f("fk_photos_worker_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    op.create_index(op.f("ix_photos_item_id"), "photos", ["item_id"], unique=False)
    op.create_index("ix_photos_phash", "photos", ["phash"], unique=False)
    op.create_index("ix_photos_sha256", "photos", ["sha256"], unique=False)
    op.create_index(op.f("ix_photos_task_id"), "photos", ["task_id"], unique=False)
    op.create_table(
        "extraction_requests",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("photo_id", sa.Uuid(), nullable=False),
        sa.Column("generation", sa.Integer(), server_default="1", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'done', 'failed')", name=op.f("ck_extraction_requests_status")
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photos.id"], name=op.f("fk_extraction_requests_photo_id_photos"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extraction_requests")),
    )
    op.create_index("ix_extraction_requests_status", "extraction_requests", ["status"], unique=False)
    op.create_index(
        "uq_extraction_requests_photo_generation", "extraction_requests", ["photo_id", "generation"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_extraction_requests_photo_generation", table_name="extraction_requests")
    op.drop_index("ix_extraction_requests_status", table_name="extraction_requests")
    op.drop_table("extraction_requests")
    op.drop_index(op.f("ix_photos_task_id"), table_name="photos")
    op.drop_index("ix_photos_sha256", table_name="photos")
    op.drop_index("ix_photos_phash", table_name="photos")
    op.drop_index(op.f("ix_photos_item_id"), table_name="photos")
    op.drop_geospatial_table("photos")
    op.drop_index("uq_task_items_task_product", table_name="task_items")
    op.drop_index(op.f("ix_task_items_task_id"), table_name="task_items")
    op.drop_table("task_items")
    op.drop_index(op.f("ix_task_events_task_id"), table_name="task_events")
    op.drop_table("task_events")
    op.drop_index("ix_checkins_worker_id_recorded_at", table_name="checkins")
    op.drop_index(op.f("ix_checkins_task_id"), table_name="checkins")
    op.drop_geospatial_table("checkins")
    op.drop_index("uq_tasks_campaign_vehicle", table_name="tasks")
    op.drop_index("uq_tasks_campaign_store", table_name="tasks")
    op.drop_geospatial_index(
        "ix_tasks_mercator_available",
        table_name="tasks",
        postgresql_using="gist",
        postgresql_where=sa.text("status IN ('open', 'claimed')"),
        column_name="location_mercator",
    )
    op.drop_index("ix_tasks_claimed_by_id_status", table_name="tasks")
    op.drop_geospatial_table("tasks")
    op.drop_index("uq_stores_campaign_name_address", table_name="stores")
    op.drop_index(op.f("ix_stores_campaign_id"), table_name="stores")
    op.drop_geospatial_table("stores")
    op.drop_index("uq_campaign_vehicles_campaign_code", table_name="campaign_vehicles")
    op.drop_geospatial_table("campaign_vehicles")
    op.drop_index("uq_campaign_products_campaign_gtin", table_name="campaign_products")
    op.drop_table("campaign_products")
    op.drop_index("uq_idempotency_keys_user_key", table_name="idempotency_keys")
    op.drop_index(op.f("ix_idempotency_keys_expires_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index(op.f("ix_campaigns_organization_id"), table_name="campaigns")
    op.drop_table("campaigns")
