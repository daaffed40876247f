"""A client organization's money, read from the ledger: what it holds, what each campaign holds in escrow, and
every movement of either, newest first."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from fieldtasks.models import AccountKind, Campaign, LedgerAccount
from fieldtasks.services import ledger
from fieldtasks.services.cursors import encode_cursor

STATEMENT = "s"  # the tag of statement cursors
AVAILABLE, ESCROW = "available", "escrow"  # the organization's two kinds of account, as the statement names them


def _owned(organization_id: uuid.UUID) -> ColumnElement[bool]:
    """The organization's own account, and the escrow account of each of its campaigns."""
    campaigns = select(Campaign.id).where(Campaign.organization_id == organization_id)
    return or_(
        and_(LedgerAccount.kind == AccountKind.CLIENT, LedgerAccount.owner_id == organization_id),
        and_(LedgerAccount.kind == AccountKind.ESCROW, LedgerAccount.owner_id.in_(campaigns)),
    )


def organization_account(
    session: Session, organization_id: uuid.UUID, cursor: str | None, limit: int
) -> dict[str, Any]:
    """Balances per currency, escrow per campaign, and a page of the statement."""
    return {**organization_balances(session, organization_id), **_statement(session, organization_id, cursor, limit)}


def organization_balances(session: Session, organization_id: uuid.UUID) -> dict[str, Any]:
    """What the organization's account holds per currency (available, and in its campaigns' escrow), and each
    campaign's escrow."""
    accounts = session.execute(
        select(LedgerAccount.kind, LedgerAccount.owner_id, LedgerAccount.currency, LedgerAccount.balance_cents)
        .where(_owned(organization_id))
        .order_by(LedgerAccount.currency)
    ).all()
    titles = dict(
        session.execute(select(Campaign.id, Campaign.title).where(Campaign.organization_id == organization_id)).all()
    )
    balances: dict[str, dict[str, Any]] = {}
    escrows = []
    for account in accounts:
        row = balances.setdefault(
            account.currency, {"currency": account.currency, "available_cents": 0, "escrowed_cents": 0}
        )
        if account.kind == AccountKind.CLIENT:
            row["available_cents"] += account.balance_cents
        else:
            row["escrowed_cents"] += account.balance_cents
            escrows.append({"campaign_id": account.owner_id, "title": titles.get(account.owner_id),
                            "currency": account.currency, "escrowed_cents": account.balance_cents})  # fmt: skip
    escrows.sort(key=lambda escrow: (escrow["title"] or "", escrow["currency"]))
    return {"balances": list(balances.values()), "campaigns": escrows}


def _statement(session: Session, organization_id: uuid.UUID, cursor: str | None, limit: int) -> dict[str, Any]:
    rows, next_cursor = ledger.entries_page(session, _owned(organization_id), STATEMENT, cursor, limit)
    lines = [
        {
            "id": encode_cursor(STATEMENT, row.id),
            "at": row.created_at,
            "kind": row.kind,
            "account": AVAILABLE if row.account_kind == AccountKind.CLIENT else ESCROW,
            "campaign_id": row.owner_id if row.account_kind == AccountKind.ESCROW else row.details.get("campaign_id"),
            "amount_cents": row.amount_cents,
            "currency": row.currency,
            "item_id": row.details.get("item_id"),
            "week": date.fromisoformat(row.details["week"]) if "week" in row.details else None,  # a floor top-up
        }
        for row in rows
    ]
    return {"items": lines, "next_cursor": next_cursor}
