"""The double-entry ledger: accounts, balanced transactions and their append-only entries."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fieldtasks.models.base import Base, State, created_at, one_of, uuid_pk


class AccountKind(enum.StrEnum):
    CLIENT = "client"  # an organization's funds, credited by an admin
    ESCROW = "escrow"  # a campaign's budget, held until items are paid
    WORKER = "worker"  # what a worker has earned and not withdrawn
    PLATFORM = "platform"  # fees and adjustments
    DEPOSITS = "deposits"  # the outside world: money credited to clients comes from here
    PAYOUTS = "payouts"  # the outside world: money withdrawn by workers goes there


# Only the outside world may run negative; everything else holds real money.
MAY_BE_NEGATIVE = (AccountKind.DEPOSITS, AccountKind.PAYOUTS, AccountKind.PLATFORM)


class LedgerAccount(Base):
    __tablename__ = "ledger_accounts"
    __table_args__ = (
        one_of("kind", AccountKind),
        CheckConstraint(
            "kind IN ('deposits', 'payouts', 'platform') OR balance_cents >= 0", name="balance_not_negative"
        ),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency"),
        # owner_id is the organization, campaign or user; NULL for the platform-wide accounts.
        Index(
            "uq_ledger_accounts_kind_owner_currency",
            "kind",
            "owner_id",
            "currency",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    kind: Mapped[AccountKind] = mapped_column(State(AccountKind))
    owner_id: Mapped[uuid.UUID | None]
    currency: Mapped[str] = mapped_column(String(3))
    # Kept in step with the entries in the same transaction; `flask ledger check` proves it.
    balance_cents: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[datetime] = created_at()


class LedgerTransaction(Base):
    """One movement of money; `key` makes it happen at most once whatever retries."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (Index("uq_ledger_transactions_key", "key", unique=True),)

    id: Mapped[uuid.UUID] = uuid_pk()
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    created_at: Mapped[datetime]


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount_cents <> 0", name="amount_not_zero"),
        Index("ix_ledger_entries_account_id_id", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_transactions.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_accounts.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)  # positive: the account's balance grows
    created_at: Mapped[datetime]


class PayoutStatus(enum.StrEnum):
    REQUESTED = "requested"
    SENT = "sent"  # by the operator, with the payment's reference
    FAILED = "failed"  # the money is back in the worker's balance


class Payout(Base):
    """A worker's withdrawal request, recorded with the ledger transaction that paid it."""

    __tablename__ = "payouts"
    __table_args__ = (
        one_of("status", PayoutStatus),
        Index("ix_payouts_status_requested_at", "status", "requested_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    transaction_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_transactions.id"))
    requested_at: Mapped[datetime]
    # Requested, then sent by the operator (with the payment's reference) or failed (the money back in the balance).
    status: Mapped[PayoutStatus] = mapped_column(State(PayoutStatus, 12), server_default=PayoutStatus.REQUESTED)
    settled_at: Mapped[datetime | None]
    reference: Mapped[str | None] = mapped_column(String(200))
    failure_reason: Mapped[str | None] = mapped_column(String(500))
