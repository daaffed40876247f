"""Moving money: balanced transactions between ledger accounts, each at most once behind its key."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError
from fieldtasks.models import AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction
from fieldtasks.services.cursors import decode_cursor, encode_cursor


@dataclass(frozen=True)
class Movement:
    account_id: uuid.UUID
    amount_cents: int  # positive: the account receives


def account_id(session: Session, kind: AccountKind, owner_id: uuid.UUID | None, currency: str) -> uuid.UUID:
    """The account of this owner in this currency, opened on first use (concurrent openers agree)."""
    values = {"kind": kind, "owner_id": owner_id, "currency": currency}
    session.execute(pg_insert(LedgerAccount).values(**values).on_conflict_do_nothing())
    return session.scalar(
        select(LedgerAccount.id).where(
            LedgerAccount.kind == kind,
            LedgerAccount.owner_id == owner_id,  # IS NULL for the platform-wide accounts
            LedgerAccount.currency == currency,
        )
    )


def post(
    session: Session,
    key: str,
    kind: str,
    currency: str,
    movements: Sequence[Movement],
    *,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> uuid.UUID | None:
    """Record one balanced transaction once: None when `key` was already posted (nothing changes).

    Balances move in the same transaction; an account that would go below zero refuses it
    (ConflictError `insufficient_funds`) and nothing of it is kept.
    """
    if sum(m.amount_cents for m in movements) != 0 or any(m.amount_cents == 0 for m in movements):
        raise ValueError(f"unbalanced ledger transaction {key}: {movements}")
    with session.begin_nested():
        transaction_id = session.scalar(
            pg_insert(LedgerTransaction)
            .values(key=key, kind=kind, currency=currency, details=details or {}, created_at=now)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(LedgerTransaction.id)
        )
        if transaction_id is None:
            return None
        try:
            _apply(session, transaction_id, movements, now)
        except IntegrityError as error:
            if "balance_not_negative" not in str(error.orig):
                raise
            raise InsufficientFundsError() from None
    return transaction_id


class InsufficientFundsError(ConflictError):
    def __init__(self):
        super().__init__("Not enough money in the account for this.", code="insufficient_funds")


def _apply(session: Session, transaction_id: uuid.UUID, movements: Sequence[Movement], now: datetime) -> None:
    # Accounts are updated in id order, so two transactions touching the same accounts never deadlock.
    for movement in sorted(movements, key=lambda m: m.account_id):
        session.execute(
            update(LedgerAccount)
            .where(LedgerAccount.id == movement.account_id)
            .values(balance_cents=LedgerAccount.balance_cents + movement.amount_cents)
        )
    session.execute(
        pg_insert(LedgerEntry),
        [
            {
                "transaction_id": transaction_id,
                "account_id": m.account_id,
                "amount_cents": m.amount_cents,
                "created_at": now,
            }
            for m in movements
        ],
    )


def transfer(
    session: Session,
    key: str,
    kind: str,
    source: uuid.UUID,
    target: uuid.UUID,
    amount_cents: int,
    currency: str,
    *,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> uuid.UUID | None:
    """`amount_cents` from one account to another, once per key."""
    movements = [Movement(source, -amount_cents), Movement(target, amount_cents)]
    return post(session, key, kind, currency, movements, now=now, details=details)


def balance(session: Session, kind: AccountKind, owner_id: uuid.UUID | None, currency: str) -> int:
    """The balance of an account, 0 when it was never opened."""
    found = session.scalar(
        select(LedgerAccount.balance_cents).where(
            LedgerAccount.kind == kind, LedgerAccount.owner_id == owner_id, LedgerAccount.currency == currency
        )
    )
    return found or 0


def received(session: Session, account: uuid.UUID, kind: str) -> int:
    """The net movement of this account through transactions of one kind (funding, rewards...):
    positive when it received, negative when it paid."""
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerEntry.account_id == account, LedgerTransaction.kind == kind)
    )
    return int(total)


def entries_page(
    session: Session, accounts: ColumnElement[bool], tag: str, cursor: str | None, limit: int
) -> tuple[Sequence[Row[Any]], str | None]:
    """The entries of the accounts `accounts` selects, newest first: a page, and the cursor to the next one.
    Each row has the entry (id, amount_cents, created_at), its account (account_kind, owner_id, currency) and
    its transaction (kind, details)."""
    query = (
        select(
            LedgerEntry.id,
            LedgerEntry.amount_cents,
            LedgerEntry.created_at,
            LedgerAccount.kind.label("account_kind"),
            LedgerAccount.owner_id,
            LedgerAccount.currency,
            LedgerTransaction.kind,
            LedgerTransaction.details,
        )
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(accounts)
        .order_by(LedgerEntry.id.desc())
        .limit(limit + 1)
    )
    if cursor:
        query = query.where(LedgerEntry.id < decode_cursor(tag, cursor, 1)[0])
    rows = session.execute(query).all()
    return rows[:limit], encode_cursor(tag, rows[limit - 1].id) if len(rows) > limit else None
