"""verification and ledger: extraction results, verdicts, price observations, double-entry ledger

The ledger is append-only and balanced by the database itself: triggers refuse any UPDATE or DELETE
of a transaction or an entry, and a deferred constraint trigger refuses a commit whose entries of one
transaction do not sum to zero or mix currencies.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 14:39:45.107545
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


LEDGER_FUNCTIONS = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
    currencies int;
BEGIN
    SELECT sum(e.amount_cents), count(DISTINCT a.currency) + count(DISTINCT t.currency) - 1
      INTO total, currencies
      FROM ledger_entries e
      JOIN ledger_accounts a ON a.id = e.account_id
      JOIN ledger_transactions t ON t.id = e.transaction_id
     WHERE e.transaction_id = NEW.transaction_id;
    IF total <> 0 OR currencies <> 1 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (sum %, % currencies)',
            NEW.transaction_id, total, currencies USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
"""

LEDGER_TRIGGERS = """
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
"""


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("balance_cents", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name=op.f("ck_ledger_accounts_currency")),
        sa.CheckConstraint(
            "kind IN ('client', 'escrow', 'worker', 'platform', 'deposits', 'payouts')",
            name=op.f("ck_ledger_accounts_kind"),
        ),
        sa.CheckConstraint(
            "kind IN ('deposits', 'payouts', 'platform') OR balance_cents >= 0",
            name=op.f("ck_ledger_accounts_balance_not_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
    )
    op.create_index(
        "uq_ledger_accounts_kind_owner_currency",
        "ledger_accounts",
        ["kind", "owner_id", "currency"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_table(
        "ledger_transactions",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_transactions")),
    )
    op.create_index("uq_ledger_transactions_key", "ledger_transactions", ["key"], unique=True)
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("transaction_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_cents <> 0", name=op.f("ck_ledger_entries_amount_not_zero")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["ledger_accounts.id"], name=op.f("fk_ledger_entries_account_id_ledger_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["ledger_transactions.id"],
            name=op.f("fk_ledger_entries_transaction_id_ledger_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    op.create_index("ix_ledger_entries_account_id_id", "ledger_entries", ["account_id", "id"], unique=False)
    op.create_index(op.f("ix_ledger_entries_transaction_id"), "ledger_entries", ["transaction_id"], unique=False)
    op.create_table(
        "payouts",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("transaction_id", sa.Uuid(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["transaction_id"], ["ledger_transactions.id"], name=op.f("fk_payouts_transaction_id_ledger_transactions")
        ),
        sa.ForeignKeyConstraint(["worker_id"], ["users.id"], name=op.f("fk_payouts_worker_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payouts")),
    )
    op.create_index(op.f("ix_payouts_worker_id"), "payouts", ["worker_id"], unique=False)
    op.create_table(
        "price_observations",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("photo_id", sa.Uuid(), nullable=False),
        sa.Column("price_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=True),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.Column("promo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("confidence", sa.String(length=8), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_by", sa.String(length=16), nullable=False),
        sa.CheckConstraint("verified_by IN ('auto', 'moderator')", name=op.f("ck_price_observations_verified_by")),
        sa.CheckConstraint("price_cents > 0", name=op.f("ck_price_observations_price_positive")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_price_observations_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["task_items.id"], name=op.f("fk_price_observations_item_id_task_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name=op.f("fk_price_observations_organization_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photos.id"], name=op.f("fk_price_observations_photo_id_photos"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["campaign_products.id"],
            name=op.f("fk_price_observations_product_id_campaign_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_price_observations_store_id_stores"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_price_observations_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_observations")),
    )
    op.create_index(
        "ix_price_observations_organization_id_verified_at",
        "price_observations",
        ["organization_id", "verified_at"],
        unique=False,
    )
    op.create_index(
        "ix_price_observations_product_observed", "price_observations", ["product_id", "observed_at"], unique=False
    )
    op.create_index("uq_price_observations_item_id", "price_observations", ["item_id"], unique=True)
    op.add_column("extraction_requests", sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("extraction_requests", sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("extraction_requests", sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    op.add_column("extraction_requests", sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column("extraction_requests", sa.Column("error", sa.String(length=500), nullable=True))
    op.add_column("task_items", sa.Column("verdict", sa.String(length=16), nullable=True))
    op.add_column("task_items", sa.Column("verdict_by", sa.String(length=16), nullable=True))
    op.add_column("task_items", sa.Column("verdict_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "task_items", sa.Column("reasons", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False)
    )
    op.add_column("task_items", sa.Column("review_due_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_task_items_review_due_at",
        "task_items",
        ["review_due_at"],
        unique=False,
        postgresql_where=sa.text("verdict = 'needs_review'"),
    )
    op.add_column("photos", sa.Column("fine_hash", sa.String(length=64), nullable=True))
    op.create_check_constraint(
        "verdict", "task_items", "verdict IN ('verified', 'needs_review', 'approved', 'rejected', 'no_fault')"
    )
    op.execute(LEDGER_FUNCTIONS)
    op.execute(LEDGER_TRIGGERS)


def downgrade() -> None:
    op.execute("DROP TRIGGER ledger_entries_balanced ON ledger_entries")
    op.execute("DROP TRIGGER ledger_transactions_append_only ON ledger_transactions")
    op.execute("DROP TRIGGER ledger_entries_append_only ON ledger_entries")
    op.execute("DROP FUNCTION ledger_check_balanced()")
    op.execute("DROP FUNCTION ledger_refuse_change()")
    op.drop_constraint("verdict", "task_items", type_="check")
    op.drop_column("photos", "fine_hash")
    op.drop_index(
        "ix_task_items_review_due_at", table_name="task_items", postgresql_where=sa.text("verdict = 'needs_review'")
    )
    op.drop_column("task_items", "review_due_at")
    op.drop_column("task_items", "reasons")
    op.drop_column("task_items", "verdict_at")
    op.drop_column("task_items", "verdict_by")
    op.drop_column("task_items", "verdict")
    op.drop_column("extraction_requests", "error")
    op.drop_column("extraction_requests", "result")
    op.drop_column("extraction_requests", "attempts")
    op.drop_column("extraction_requests", "finished_at")
    op.drop_column("extraction_requests", "started_at")
    op.drop_index("uq_price_observations_item_id", table_name="price_observations")
    op.drop_index("ix_price_observations_product_observed", table_name="price_observations")
    op.drop_index("ix_price_observations_organization_id_verified_at", table_name="price_observations")
    op.drop_table("price_observations")
    op.drop_index(op.f("ix_payouts_worker_id"), table_name="payouts")
    op.drop_table("payouts")
    op.drop_index(op.f("ix_ledger_entries_transaction_id"), table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_account_id_id", table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_index("uq_ledger_transactions_key", table_name="ledger_transactions")
    op.drop_table("ledger_transactions")
    op.drop_index(
        "uq_ledger_accounts_kind_owner_currency", table_name="ledger_accounts", postgresql_nulls_not_distinct=True
    )
    op.drop_table("ledger_accounts")
