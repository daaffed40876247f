"""Giving back what a closed campaign's escrow will never pay: the client's money is not kept for nothing."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, exists, func, not_, select
from sqlalchemy.orm import Session

from fieldtasks.models import (
    AccountKind,
    Campaign,
    CampaignStatus,
    CaseStatus,
    LedgerAccount,
    LedgerTransaction,
    ReviewCase,
    Task,
    TaskItem,
    TaskStatus,
    Verdict,
)
from fieldtasks.services import ledger
from fieldtasks.services.moderation import APPEAL_WINDOW

RELEASE = "escrow_release"


def still_payable(session: Session, campaign: Campaign, *, now: datetime) -> int:
    """Items of the campaign that may yet be paid: in a task not cancelled, not paid, and not a rejection
    whose appeal window has closed without an appeal."""
    paid = exists().where(LedgerTransaction.key == func.concat("item:", TaskItem.id, ":reward"))  # pay_item's key
    open_case = exists().where(ReviewCase.item_id == TaskItem.id, ReviewCase.status == CaseStatus.OPEN)
    final_rejection = and_(  # IS NOT DISTINCT FROM: an unsettled item (NULL verdict) is still payable
        TaskItem.verdict.is_not_distinct_from(Verdict.REJECTED),
        TaskItem.verdict_at <= now - APPEAL_WINDOW,
        not_(open_case),
    )
    return session.scalar(
        select(func.count())
        .select_from(TaskItem)
        .join(Task, Task.id == TaskItem.task_id)
        .where(Task.campaign_id == campaign.id, Task.status != TaskStatus.CANCELLED, not_(paid), not_(final_rejection))
    )


def release_unneeded(session: Session, campaign: Campaign, *, now: datetime) -> int:
    """Move back to the client what the escrow holds beyond the rewards still payable (campaign row locked)."""
    escrow, held, surplus = _surplus(session, campaign, now=now)
    if surplus <= 0:
        return 0
    key = f"campaign:{campaign.id}:release:{held}"  # one release per escrow level, whoever runs it
    _give_back(session, campaign, escrow, surplus, key, now=now)
    return surplus


def release_cancelled_task(session: Session, campaign: Campaign, task: Task, *, now: datetime) -> int:
    """Move back to the client what a running campaign's escrow held for a task just cancelled (its items' cost),
    and lower the budget by as much: the budget keeps saying what the escrow was given (campaign row locked)."""
    escrow, _, surplus = _surplus(session, campaign, now=now)
    amount = min(task.item_count * campaign.item_cost_cents, surplus)
    if amount <= 0:
        return 0
    _give_back(session, campaign, escrow, amount, f"task:{task.id}:release", now=now)
    campaign.budget_cents -= amount
    campaign.version += 1
    return amount


def _surplus(session: Session, campaign: Campaign, *, now: datetime) -> tuple[uuid.UUID, int, int]:
    """The escrow account, what it holds (row locked), and how much of it no item still payable needs."""
    escrow = ledger.account_id(session, AccountKind.ESCROW, campaign.id, campaign.currency)
    held = session.scalar(select(LedgerAccount.balance_cents).where(LedgerAccount.id == escrow).with_for_update())
    return escrow, held, held - still_payable(session, campaign, now=now) * campaign.item_cost_cents


def _give_back(session: Session, campaign: Campaign, escrow: uuid.UUID, amount: int, key: str, *, now) -> None:
    client = ledger.account_id(session, AccountKind.CLIENT, campaign.organization_id, campaign.currency)
    ledger.transfer(session, key, RELEASE, escrow, client, amount, campaign.currency, now=now,
                    details={"campaign_id": str(campaign.id)})  # fmt: skip


def release_closed_campaigns(session: Session, *, now: datetime, limit: int = 100) -> int:
    """The sweep's part: closed campaigns whose escrow still holds money, surplus given back."""
    campaigns = session.scalars(
        select(Campaign)
        .join(LedgerAccount, (LedgerAccount.owner_id == Campaign.id) & (LedgerAccount.kind == AccountKind.ESCROW))
        .where(Campaign.status == CampaignStatus.CLOSED, LedgerAccount.balance_cents > 0)
        .limit(limit)
        .with_for_update(of=Campaign, skip_locked=True)
    ).all()
    return sum(release_unneeded(session, campaign, now=now) for campaign in campaigns)


def payer(session: Session, campaign: Campaign, amount: int, *, now: datetime) -> uuid.UUID | None:
    """Who pays a cost beyond the items (a brief, a top-up): the escrow, when it holds more than the items
    still to pay; else the client's own account; None when neither can (rows locked until commit)."""
    escrow = ledger.account_id(session, AccountKind.ESCROW, campaign.id, campaign.currency)
    held = session.scalar(select(LedgerAccount.balance_cents).where(LedgerAccount.id == escrow).with_for_update())
    if held - still_payable(session, campaign, now=now) * campaign.item_cost_cents >= amount:
        return escrow
    client = ledger.account_id(session, AccountKind.CLIENT, campaign.organization_id, campaign.currency)
    balance = session.scalar(select(LedgerAccount.balance_cents).where(LedgerAccount.id == client).with_for_update())
    return client if balance >= amount else None
