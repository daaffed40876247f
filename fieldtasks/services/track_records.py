"""A client's track record, computed by the platform from its ledger and verdicts over the last 90 days: what its
settled tasks paid an hour (against the minimum), how many items ended rejected after appeals, how many appeals
workers won, how long money took from a task handed in to the worker's account, the floor top-ups it had to pay, what
workers rated it, and the questions on its briefs left unanswered. Each figure says how many tasks and workers it
comes from, and is withheld below 20 tasks (a handful of tasks says nothing). Nobody edits it: a client reads the
same record workers read. Kept computed for STALE_AFTER (cards show it on every task)."""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.errors import NotFoundError
from fieldtasks.models import (
    PAID_VERDICTS,
    BriefQuestion,
    Campaign,
    CaseKind,
    CaseStatus,
    ClientRecord,
    LedgerEntry,
    LedgerTransaction,
    Organization,
    ReviewCase,
    Task,
    TaskItem,
    TaskRating,
    TaskStatus,
    Verdict,
    open_appeal,
    seconds_on_task,
    settled_for_the_worker,
)
from fieldtasks.services.floor import TOPUP
from fieldtasks.services.payments import REWARD
from fieldtasks.services.questions import LEFT_UNANSWERED

WINDOW = timedelta(days=90)
ENOUGH_TASKS = 20  # below this, a figure is "not enough data"
STALE_AFTER = timedelta(minutes=15)
FINAL_VERDICTS = (*PAID_VERDICTS, Verdict.REJECTED)


# Records this process read lately, by organization: (computed_at, record). A record is used while fresh by the
# same rule as the table's (no staler than STALE_AFTER), so this only saves the nearby search a query per request.
_read_lately: dict[uuid.UUID, tuple[datetime, dict[str, Any]]] = {}
READ_LATELY_MOST = 10_000


def records_for(
    session: Session, organization_ids: Iterable[uuid.UUID], *, now: datetime, wages: Mapping[str, int]
) -> dict[uuid.UUID, dict[str, Any]]:
    """Each organization's record: the one kept if fresh, else computed now and kept."""
    found = {
        organization_id: kept[1]
        for organization_id in set(organization_ids)
        if (kept := _read_lately.get(organization_id)) and now - STALE_AFTER < kept[0] <= now
    }
    wanted = set(organization_ids) - set(found)
    if not wanted:
        return found
    fresh = session.execute(
        select(ClientRecord.organization_id, ClientRecord.computed_at, ClientRecord.record).where(
            ClientRecord.organization_id.in_(wanted), ClientRecord.computed_at > now - STALE_AFTER
        )
    ).all()
    for organization_id, computed_at, record in fresh:
        found[organization_id] = _remember(organization_id, computed_at, record)
    for organization_id in wanted - set(found):
        record = compute(session, organization_id, now=now, wages=wages)
        found[organization_id] = _remember(organization_id, now, _keep(session, organization_id, record, now=now))
    return found


def _remember(organization_id: uuid.UUID, computed_at: datetime, record: dict[str, Any]) -> dict[str, Any]:
    """The record as read, with when it was computed (the table's column, not a copy in the JSON)."""
    if len(_read_lately) >= READ_LATELY_MOST:
        _read_lately.clear()
    _read_lately[organization_id] = (computed_at, {**record, "computed_at": computed_at})
    return _read_lately[organization_id][1]


def client_record(session: Session, organization_id: uuid.UUID, *, now: datetime, wages: Mapping[str, int]) -> dict:
    if session.get(Organization, organization_id) is None:
        raise NotFoundError("No such client.")
    return records_for(session, [organization_id], now=now, wages=wages)[organization_id]


def _keep(session: Session, organization_id: uuid.UUID, record: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    values = {"organization_id": organization_id, "computed_at": now, "record": record}
    session.execute(
        pg_insert(ClientRecord).values(**values).on_conflict_do_update(index_elements=["organization_id"], set_=values)
    )
    return record


def compute(session: Session, organization_id: uuid.UUID, *, now: datetime, wages: Mapping[str, int]) -> dict:
    since = now - WINDOW
    organization = session.get(Organization, organization_id)
    mine = select(Campaign.id).where(Campaign.organization_id == organization_id).scalar_subquery()
    return {
        "organization_id": str(organization_id),
        "client_name": organization.name if organization else None,
        "window_days": WINDOW.days,
        "enough_tasks": ENOUGH_TASKS,
        "hourly_pay": _hourly_pay(session, mine, since, wages),
        "rejections": _rejections(session, mine, since),
        "appeals": _appeals(session, mine, since),
        "time_to_money": _time_to_money(session, mine, since),
        "floor_top_ups": _floor_top_ups(session, organization_id, since),
        "ratings": _ratings(session, mine, since),
        "questions": _questions(session, mine, since, now),
    }


def _behind(tasks: int, workers: int) -> dict[str, Any]:
    return {"tasks": tasks, "workers": workers, "enough_data": tasks >= ENOUGH_TASKS}


def _shown(value: Any, behind: dict[str, Any]) -> Any:
    return value if behind["enough_data"] else None


def _hourly_pay(session: Session, mine, since: datetime, wages: Mapping[str, int]) -> dict[str, Any]:
    """The median of what each settled task paid per hour of claim-to-submission time."""
    paid = func.count().filter(TaskItem.verdict.in_(PAID_VERDICTS))
    rows = session.execute(
        select(seconds_on_task(), paid, Campaign.reward_cents, Campaign.currency, Task.claimed_by_id)
        .join(TaskItem, TaskItem.task_id == Task.id)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .where(Task.campaign_id.in_(mine), Task.status == TaskStatus.SUBMITTED, Task.submitted_at >= since)
        .group_by(Task.id, Campaign.reward_cents, Campaign.currency)
        .having(func.count().filter(TaskItem.verdict.is_(None)) == 0)
    ).all()
    rows = [row for row in rows if row[0] and row[0] > 0]
    behind = _behind(len(rows), len({row.claimed_by_id for row in rows}))
    currency = statistics.mode([row.currency for row in rows]) if rows else None
    hourly = [reward * count * 3600 / float(seconds) for seconds, count, reward, row_currency, _ in rows
              if row_currency == currency]  # fmt: skip
    median = round(statistics.median(hourly)) if hourly else None
    floor = wages.get(currency) if currency else None
    below = None if median is None or floor is None else median < floor
    return {"median_cents": _shown(median, behind), "currency": currency, "floor_cents": floor,
            "below_floor": _shown(below, behind), **behind}  # fmt: skip


def _rejections(session: Session, mine, since: datetime) -> dict[str, Any]:
    """Of the items settled for good (no appeal pending), the share rejected."""
    pending = open_appeal(TaskItem.id)
    items, rejected, tasks, workers = session.execute(
        select(
            func.count(), func.count().filter(TaskItem.verdict == Verdict.REJECTED),
            func.count(func.distinct(Task.id)), func.count(func.distinct(Task.claimed_by_id)),
        )
        .join(Task, Task.id == TaskItem.task_id)
        .where(Task.campaign_id.in_(mine), TaskItem.verdict.in_(FINAL_VERDICTS), TaskItem.verdict_at >= since, ~pending)
    ).one()  # fmt: skip
    behind = _behind(tasks, workers)
    return {"share": _shown(round(rejected / items, 4) if items else None, behind), "items": items, **behind}


def _appeals(session: Session, mine, since: datetime) -> dict[str, Any]:
    """Of the appeals settled (decided, or paid by their deadline), the share workers won."""
    won = settled_for_the_worker()
    settled, won_count, tasks, workers = session.execute(
        select(
            func.count(), func.count().filter(won),
            func.count(func.distinct(Task.id)), func.count(func.distinct(Task.claimed_by_id)),
        )
        .join(TaskItem, TaskItem.id == ReviewCase.item_id)
        .join(Task, Task.id == TaskItem.task_id)
        .where(Task.campaign_id.in_(mine), ReviewCase.kind == CaseKind.APPEAL,
               ReviewCase.status != CaseStatus.OPEN, ReviewCase.opened_at >= since)
    ).one()  # fmt: skip
    behind = _behind(tasks, workers)
    share = round(won_count / settled, 4) if settled else None
    return {"won_share": _shown(share, behind), "appeals": settled, **behind}


def _time_to_money(session: Session, mine, since: datetime) -> dict[str, Any]:
    """From a task handed in to each of its items' reward in the worker's account: the median and the worst."""
    rows = session.execute(
        select(func.extract("epoch", LedgerTransaction.created_at - Task.submitted_at), Task.id, Task.claimed_by_id)
        .select_from(TaskItem)
        .join(Task, Task.id == TaskItem.task_id)
        .join(LedgerTransaction, LedgerTransaction.key == func.concat("item:", TaskItem.id.cast(String), ":reward"))
        .where(Task.campaign_id.in_(mine), Task.submitted_at >= since, LedgerTransaction.kind == REWARD)
    ).all()
    behind = _behind(len({row.id for row in rows}), len({row.claimed_by_id for row in rows}))
    hours = [max(float(row[0]), 0.0) / 3600 for row in rows]
    median = round(statistics.median(hours), 1) if hours else None
    worst = round(max(hours), 1) if hours else None
    return {"median_hours": _shown(median, behind), "worst_hours": _shown(worst, behind), "items": len(rows),
            **behind}  # fmt: skip


def _floor_top_ups(session: Session, organization_id: uuid.UUID, since: datetime) -> dict[str, Any]:
    """What the hourly floor made this client pay on top of its rewards: a fact, shown whatever the numbers."""
    campaign = LedgerTransaction.details["campaign_id"].astext
    ids = select(Campaign.id.cast(String)).where(Campaign.organization_id == organization_id)
    paid = LedgerEntry.amount_cents > 0  # the worker's side of each top-up
    rows = session.execute(
        select(LedgerTransaction.currency, func.count(), func.sum(LedgerEntry.amount_cents),
               func.count(func.distinct(LedgerEntry.account_id)))
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(LedgerTransaction.kind == TOPUP, LedgerTransaction.created_at >= since, campaign.in_(ids), paid)
        .group_by(LedgerTransaction.currency)
    ).all()  # fmt: skip
    return {"top_ups": sum(row[1] for row in rows), "cents": {row[0]: int(row[2]) for row in rows},
            "workers": sum(row[3] for row in rows)}  # fmt: skip


def _ratings(session: Session, mine, since: datetime) -> dict[str, Any]:
    """What workers said after their tasks: the instructions' clarity and the client's fairness, 1 to 5."""
    clarity, client, count, tasks, workers = session.execute(
        select(func.avg(TaskRating.clarity), func.avg(TaskRating.client), func.count(),
               func.count(func.distinct(TaskRating.task_id)), func.count(func.distinct(TaskRating.worker_id)))
        .where(TaskRating.campaign_id.in_(mine), TaskRating.rated_at >= since)
    ).one()  # fmt: skip
    behind = _behind(tasks, workers)
    return {"clarity": _shown(clarity and round(float(clarity), 2), behind),
            "client": _shown(client and round(float(client), 2), behind), "ratings": count, **behind}  # fmt: skip


def _questions(session: Session, mine, since: datetime, now: datetime) -> dict[str, Any]:
    """Workers' questions on its briefs: how many were asked, and how many wait for an answer over 48 hours."""
    asked, left = session.execute(
        select(func.count(), func.count().filter(BriefQuestion.answer.is_(None),
                                                 BriefQuestion.asked_at < now - LEFT_UNANSWERED))
        .where(BriefQuestion.campaign_id.in_(mine), BriefQuestion.asked_at >= since)
    ).one()  # fmt: skip
    return {"asked": asked, "left_unanswered": left}


def card_summary(record: dict[str, Any]) -> dict[str, Any]:
    """What a task card shows of its client's record (GET /clients/{id}/record has the rest)."""
    return {
        "median_hourly_cents": record["hourly_pay"]["median_cents"],
        "below_floor": record["hourly_pay"]["below_floor"],
        "rejected_share": record["rejections"]["share"],
        "appeals_won_share": record["appeals"]["won_share"],
        "median_hours_to_money": record["time_to_money"]["median_hours"],
        "questions_left_unanswered": record["questions"]["left_unanswered"],
        "tasks": record["hourly_pay"]["tasks"],
        "enough_data": record["hourly_pay"]["enough_data"],
    }
