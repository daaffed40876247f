"""A campaign's progress as its client sees it: tasks, items, money and coverage."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fieldtasks.models import AccountKind, ItemStatus, Task, TaskItem, TaskStatus, Verdict
from fieldtasks.services import ledger, questions
from fieldtasks.services.briefs import BRIEFING
from fieldtasks.services.campaigns import get_campaign
from fieldtasks.services.floor import TOPUP, campaign_pay
from fieldtasks.services.payments import ELECTRICITY, REWARD


def campaign_progress(
    session: Session,
    organization_id: uuid.UUID,
    campaign_id: uuid.UUID,
    *,
    now: datetime,
    wages: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    campaign = get_campaign(session, organization_id, campaign_id)
    effective = case((Task.claim_lapsed(now), TaskStatus.OPEN.value), else_=Task.status)
    tasks = dict(
        session.execute(
            select(effective, func.count()).where(Task.campaign_id == campaign.id).group_by(effective)
        ).all()
    )
    items = session.execute(
        select(
            func.count().filter(TaskItem.verdict.in_([Verdict.VERIFIED, Verdict.APPROVED])),
            func.count().filter(TaskItem.verdict == Verdict.NEEDS_REVIEW),
            func.count().filter(TaskItem.verdict == Verdict.REJECTED),
            func.count().filter(TaskItem.status == ItemStatus.NOT_FOUND),
            func.count(),
            func.count(func.distinct(Task.id)).filter(TaskItem.verdict.is_not(None)),
        )
        .join(Task, Task.id == TaskItem.task_id)
        .where(Task.campaign_id == campaign.id)
    ).one()
    escrow = ledger.account_id(session, AccountKind.ESCROW, campaign.id, campaign.currency)
    # Everything the escrow paid out to workers: rewards, reimbursed electricity, paid briefs, floor top-ups.
    spent = -sum(ledger.received(session, escrow, kind) for kind in (REWARD, ELECTRICITY, BRIEFING, TOPUP))
    places = sum(tasks.values())
    return {
        "campaign_id": campaign.id,
        "tasks": {status.value: tasks.get(status.value, 0) for status in TaskStatus},
        "items": {
            "total": items[4],
            "verified": items[0],
            "in_review": items[1],
            "rejected": items[2],
            "not_found": items[3],
        },
        "budget": {
            "currency": campaign.currency,
            "budget_cents": campaign.budget_cents,
            "spent_cents": spent,
            "left_cents": ledger.balance(session, AccountKind.ESCROW, campaign.id, campaign.currency),
        },
        "stores_covered_share": round(items[5] / places, 4) if places else 0.0,
        "hourly_pay": campaign_pay(session, campaign, (wages or {}).get(campaign.currency)),
        "questions": questions.unanswered(session, campaign.id, now=now),
    }
