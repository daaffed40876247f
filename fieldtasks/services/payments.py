"""Money use cases: client credits, campaign escrow, item rewards, worker earnings and payouts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError, InvalidError, NotFoundError
from fieldtasks.i18n import N_, Sentence
from fieldtasks.models import (
    AccountKind,
    Campaign,
    CampaignKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Organization,
    Payout,
    Task,
    TaskItem,
)
from fieldtasks.services import ledger, webhooks
from fieldtasks.services.deploy_spots import is_late

FUNDING = "campaign_funding"
REWARD = "item_reward"
ELECTRICITY = "charge_reimbursement"
PAYOUT = "payout"  # a worker's withdrawal leaving for the outside world
DEPOSIT = "deposit"  # money an organization puts in its account


def credit_organization(
    session: Session, organization_id: uuid.UUID, amount_cents: int, currency: str, key: str, *, now: datetime
) -> dict[str, Any]:
    """Money received from a client (recorded by an admin): once per idempotency key."""
    if session.get(Organization, organization_id) is None:
        raise NotFoundError("No such organization.")
    client = ledger.account_id(session, AccountKind.CLIENT, organization_id, currency)
    deposits = ledger.account_id(session, AccountKind.DEPOSITS, None, currency)
    details = {"organization_id": str(organization_id), "amount_cents": amount_cents}
    key = f"deposit:{organization_id}:{key}"
    moved = ledger.transfer(session, key, DEPOSIT, deposits, client, amount_cents, currency, now=now, details=details)
    if not moved and not _same_deposit(session, key, client, amount_cents, currency):
        message = N_("This Idempotency-Key was already used for another credit; use a new key.")
        raise InvalidError(message, code="idempotency_mismatch")
    return {
        "organization_id": organization_id,
        "currency": currency,
        "balance_cents": ledger.balance(session, AccountKind.CLIENT, organization_id, currency),
    }


def _same_deposit(session: Session, key: str, client: uuid.UUID, amount_cents: int, currency: str) -> bool:
    """The credit recorded under this key was this one (the same amount, to the same account)."""
    received = session.scalar(
        select(LedgerEntry.amount_cents)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerTransaction.key == key, LedgerEntry.account_id == client)
    )
    return received == amount_cents


def fund_campaign(session: Session, campaign: Campaign, *, now: datetime) -> int:
    """Move what the escrow still lacks of the budget from the client's account (campaign row locked)."""
    escrow = ledger.account_id(session, AccountKind.ESCROW, campaign.id, campaign.currency)
    funded = ledger.received(session, escrow, FUNDING)
    missing = campaign.budget_cents - funded
    if missing <= 0:
        return 0
    client = ledger.account_id(session, AccountKind.CLIENT, campaign.organization_id, campaign.currency)
    available = ledger.balance(session, AccountKind.CLIENT, campaign.organization_id, campaign.currency)
    if available < missing:
        message = Sentence(
            "The budget needs {missing} {currency} cents more in escrow; the account holds {available}.",
            missing=missing, currency=campaign.currency, available=available,
        )  # fmt: skip
        raise ConflictError(message, code="insufficient_funds", errors={"budget_cents": [message]})
    key = f"campaign:{campaign.id}:funded:{funded}:{campaign.budget_cents}"
    ledger.transfer(
        session,
        key,
        FUNDING,
        client,
        escrow,
        missing,
        campaign.currency,
        now=now,
        details={"campaign_id": str(campaign.id)},
    )
    return missing


def pay_item(session: Session, item_id: uuid.UUID, *, now: datetime) -> list[uuid.UUID]:
    """The item's reward from the campaign's escrow to its worker, once (nothing happens when it was paid before).
    Returns the webhook deliveries it set off (the budget running low), to enqueue after commit.

    A scooter dropped off late earns the campaign's late reward, and its charge is reimbursed apart.
    """
    item, task, campaign = session.execute(
        select(TaskItem, Task, Campaign)
        .join(Task, Task.id == TaskItem.task_id)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .where(TaskItem.id == item_id)
    ).one()
    escrow = ledger.account_id(session, AccountKind.ESCROW, campaign.id, campaign.currency)
    worker = ledger.account_id(session, AccountKind.WORKER, task.claimed_by_id, campaign.currency)
    details = {
        "item_id": str(item.id),
        "task_id": str(task.id),
        "campaign_id": str(campaign.id),
        "verdict": item.verdict,
    }
    late = task.kind == CampaignKind.SCOOTER_RECHARGE and is_late(task) and campaign.late_reward_cents is not None
    amount = campaign.late_reward_cents if late else campaign.reward_cents
    posted = ledger.transfer(
        session,
        f"item:{item.id}:reward",
        REWARD,
        escrow,
        worker,
        amount,
        campaign.currency,
        now=now,
        details={**details, "late": True} if late else details,
    )
    if posted is not None and task.kind == CampaignKind.SCOOTER_RECHARGE and campaign.charge_reimbursement_cents:
        # The electricity the worker paid for: its own line, so it reads as a cost repaid, not pay.
        ledger.transfer(session, f"item:{item.id}:electricity", ELECTRICITY, escrow, worker,
                        campaign.charge_reimbursement_cents, campaign.currency, now=now, details=details)  # fmt: skip
    return _warn_if_budget_low(session, campaign, escrow, now=now) if posted is not None else []


def _warn_if_budget_low(session: Session, campaign: Campaign, escrow, *, now: datetime) -> list[uuid.UUID]:
    """Once per campaign, when what is left in escrow falls below a tenth of the budget."""
    left = session.scalar(select(LedgerAccount.balance_cents).where(LedgerAccount.id == escrow))
    if left * 10 < campaign.budget_cents:
        data = {
            "campaign_id": str(campaign.id),
            "budget_cents": campaign.budget_cents,
            "left_cents": left,
            "currency": campaign.currency,
        }
        key = f"campaign.budget_low:{campaign.id}"
        return webhooks.record_event(session, campaign.organization_id, "campaign.budget_low", key, data, now=now)
    return []


def request_payout(
    session: Session,
    worker_id: uuid.UUID,
    amount_cents: int | None,
    currency: str,
    key: str,
    *,
    minimum_cents: int,
    now: datetime,
) -> Payout:
    """Withdraw from the available balance (all of it by default); the same key returns the same payout."""
    existing = session.scalar(
        select(Payout)
        .join(LedgerTransaction, LedgerTransaction.id == Payout.transaction_id)
        .where(LedgerTransaction.key == f"payout:{worker_id}:{key}")
    )
    if existing is not None:
        return existing
    account = ledger.account_id(session, AccountKind.WORKER, worker_id, currency)
    available = session.scalar(select(LedgerAccount.balance_cents).where(LedgerAccount.id == account).with_for_update())
    amount = available if amount_cents is None else amount_cents
    if amount < minimum_cents:
        message = Sentence(
            "A payout is at least {minimum} cents; {amount} requested.", minimum=minimum_cents, amount=amount
        )
        raise InvalidError(message, code="below_minimum", errors={"amount_cents": [message]})
    if amount > available:
        message = Sentence("{amount} cents requested, {available} available.", amount=amount, available=available)
        raise ConflictError(message, code="insufficient_balance", errors={"amount_cents": [message]})
    payouts = ledger.account_id(session, AccountKind.PAYOUTS, None, currency)
    transaction = ledger.transfer(
        session,
        f"payout:{worker_id}:{key}",
        PAYOUT,
        account,
        payouts,
        amount,
        currency,
        now=now,
        details={"worker_id": str(worker_id)},
    )
    payout = Payout(
        worker_id=worker_id, amount_cents=amount, currency=currency, transaction_id=transaction, requested_at=now
    )
    session.add(payout)
    session.flush()
    return payout
