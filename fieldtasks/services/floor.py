"""The hourly floor: no worker earns less than the minimum hourly rate for the time they worked in a week.

Time worked in a week (UTC, Monday to Monday): claim to submission of each task handed in (less the share
of its items rejected and not under appeal: junk is not work), the declared
minutes of each brief opened, and travel between consecutive check-ins (at TRAVEL_KMH, at most
MAX_HOP_MINUTES a hop). Earnings: the rewards of those tasks and the briefs paid that week (reimbursed
costs are not pay). When earnings fall short, a top-up is paid, charged to each campaign in proportion to
the time spent on it. A week is settled once, FLOOR_DELAY after it ends (reviews settle meanwhile); an
appeal won after that settles the week again for its worker, and the difference is topped up.
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, Float, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, aliased

from fieldtasks.models import (
    PAID_VERDICTS,
    AccountKind,
    BriefRead,
    Campaign,
    CaseKind,
    CaseStatus,
    Checkin,
    CheckinOutcome,
    FloorRevisit,
    FloorWeek,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    ReviewCase,
    Task,
    TaskItem,
    TaskStatus,
    Verdict,
    seconds_on_task,
    settled_for_the_worker,
)
from fieldtasks.services import escrow, ledger
from fieldtasks.services.briefs import BRIEFING
from fieldtasks.services.payments import REWARD

TOPUP = "hourly_floor"
TRAVEL_KMH = 12.0  # on foot, by bike or transit, in a city
MAX_HOP_MINUTES = 60.0  # a longer gap between check-ins is not all travel (a meal, a night)
FLOOR_DELAY = timedelta(days=7)


@dataclass
class WorkerWeek:
    """One worker's week in one currency: minutes per campaign, and what they earned."""

    minutes: dict[uuid.UUID, float] = field(default_factory=lambda: defaultdict(float))
    earned_cents: int = 0

    @property
    def hours(self) -> float:
        return sum(self.minutes.values()) / 60


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _bounds(monday: date) -> tuple[datetime, datetime]:
    start = datetime.combine(monday, time(0), tzinfo=UTC)
    return start, start + timedelta(days=7)


def worker_weeks(session: Session, monday: date) -> dict[tuple[uuid.UUID, str], WorkerWeek]:
    """Every worker's time and pay in the week, by (worker, currency), as known now."""
    start, end = _bounds(monday)
    weeks: dict[tuple[uuid.UUID, str], WorkerWeek] = defaultdict(WorkerWeek)
    share = _counted_share()
    seconds = seconds_on_task() * share
    for worker, campaign, currency, spent in session.execute(
        select(Task.claimed_by_id, Task.campaign_id, Campaign.currency, func.sum(seconds))
        .join(Campaign, Campaign.id == Task.campaign_id)
        .where(Task.status == TaskStatus.SUBMITTED, Task.submitted_at >= start, Task.submitted_at < end)
        .group_by(Task.claimed_by_id, Task.campaign_id, Campaign.currency)
    ):
        weeks[worker, currency].minutes[campaign] += max(0.0, float(spent)) / 60
    for worker, campaign, currency, minutes in session.execute(
        select(BriefRead.worker_id, BriefRead.campaign_id, Campaign.currency, Campaign.reading_minutes)
        .join(Campaign, Campaign.id == BriefRead.campaign_id)
        .where(BriefRead.opened_at >= start, BriefRead.opened_at < end)
    ):
        weeks[worker, currency].minutes[campaign] += minutes
    _add_travel(session, weeks, start, end, share)
    _add_earnings(session, weeks, start, end)
    return weeks


def _counted_share():
    """The share of a task's items whose time counts (SQL, per task): all but those rejected and not under
    appeal. Junk is not work; an item in review, an appeal still open, a no-fault item all count, and an
    appeal won after the week was settled settles it again (revisit_won_appeals)."""
    case = aliased(ReviewCase)
    open_case = select(case.id).where(case.item_id == TaskItem.id, case.status == CaseStatus.OPEN).exists()
    stands = (TaskItem.verdict == Verdict.REJECTED) & ~open_case
    share = (
        select(func.count().filter(~stands) / func.nullif(func.count(), 0).cast(Float))
        .where(TaskItem.task_id == Task.id)
        .correlate(Task)
        .scalar_subquery()
    )
    return func.coalesce(share, 1.0)


def _add_travel(session: Session, weeks, start: datetime, end: datetime, share) -> None:
    """The hops between check-ins at different tasks, each counted in the share of work of the task it led to."""
    previous = func.lag(Checkin.location).over(partition_by=Checkin.worker_id, order_by=Checkin.recorded_at)
    previous_at = func.lag(Checkin.recorded_at).over(partition_by=Checkin.worker_id, order_by=Checkin.recorded_at)
    previous_task = func.lag(Checkin.task_id).over(partition_by=Checkin.worker_id, order_by=Checkin.recorded_at)
    hops = (
        select(
            Checkin.worker_id,
            Checkin.task_id,
            func.ST_Distance(Checkin.location, previous).label("metres"),
            func.extract("epoch", Checkin.recorded_at - previous_at).label("seconds"),
            previous_task.label("previous_task"),
        )
        .where(Checkin.outcome == CheckinOutcome.ACCEPTED, Checkin.recorded_at >= start, Checkin.recorded_at < end)
        .subquery()
    )
    rows = session.execute(
        select(hops.c.worker_id, Task.campaign_id, Campaign.currency, hops.c.metres, hops.c.seconds, share)
        .join(Task, Task.id == hops.c.task_id)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .where(hops.c.metres.is_not(None), hops.c.previous_task != hops.c.task_id)
    )
    for worker, campaign, currency, metres, seconds, counted in rows:
        minutes = min(float(metres) / 1000 / TRAVEL_KMH * 60, float(seconds) / 60, MAX_HOP_MINUTES)
        weeks[worker, currency].minutes[campaign] += max(0.0, minutes) * float(counted)


def _add_earnings(session: Session, weeks, start: datetime, end: datetime) -> None:
    task_of = LedgerTransaction.details["task_id"].astext.cast(Task.id.type)
    rewards = session.execute(
        select(LedgerAccount.owner_id, LedgerAccount.currency, func.sum(LedgerEntry.amount_cents))
        .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .join(Task, Task.id == task_of)
        .where(LedgerAccount.kind == AccountKind.WORKER, LedgerTransaction.kind == REWARD)
        .where(Task.submitted_at >= start, Task.submitted_at < end)
        .group_by(LedgerAccount.owner_id, LedgerAccount.currency)
    )
    briefs = session.execute(
        select(LedgerAccount.owner_id, LedgerAccount.currency, func.sum(LedgerEntry.amount_cents))
        .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerAccount.kind == AccountKind.WORKER, LedgerTransaction.kind == BRIEFING)
        .where(LedgerTransaction.created_at >= start, LedgerTransaction.created_at < end)
        .group_by(LedgerAccount.owner_id, LedgerAccount.currency)
    )
    for worker, currency, cents in [*rewards, *briefs]:
        if (worker, currency) in weeks:
            weeks[worker, currency].earned_cents += int(cents)


def settle_week(session: Session, monday: date, *, wages: Mapping[str, int], now: datetime) -> FloorWeek:
    """Top up every worker below the floor for the week, once: the week's row is claimed first (a concurrent
    sweep waits on it, then finds the week settled)."""
    claimed = session.execute(
        pg_insert(FloorWeek)
        .values(week_start=monday, settled_at=now, workers_topped_up=0, topped_up_cents=0)
        .on_conflict_do_nothing()
        .returning(FloorWeek.week_start)
    ).scalar_one_or_none()
    if claimed is None:
        return session.get(FloorWeek, monday)
    paid_workers, paid_cents = 0, 0
    for (worker, currency), week in worker_weeks(session, monday).items():
        wage = wages.get(currency)
        if not wage or week.hours <= 0:
            continue
        owed = math.ceil(week.hours * wage) - week.earned_cents
        if owed <= 0:
            continue
        cents = _top_up(session, worker, currency, week, owed, monday, now=now)
        paid_workers, paid_cents = paid_workers + (cents > 0), paid_cents + cents
    row = session.get(FloorWeek, monday)
    row.workers_topped_up, row.topped_up_cents = paid_workers, paid_cents
    return row


def _top_up(
    session: Session, worker, currency: str, week: WorkerWeek, owed: int, monday: date, *, now, key_suffix: str = ""
) -> int:
    """Split what is owed across the week's campaigns by time, largest remainder kept by the first."""
    total = sum(week.minutes.values())
    shares = {campaign: math.floor(owed * minutes / total) for campaign, minutes in week.minutes.items()}
    first = max(week.minutes, key=week.minutes.get)
    shares[first] += owed - sum(shares.values())
    account = ledger.account_id(session, AccountKind.WORKER, worker, currency)
    paid = 0
    for campaign_id, cents in sorted(shares.items(), key=lambda pair: str(pair[0])):
        campaign = session.get(Campaign, campaign_id)
        source = escrow.payer(session, campaign, cents, now=now) if cents > 0 else None
        if source is None:
            continue
        details = {"week": monday.isoformat(), "campaign_id": str(campaign_id), "hours": round(week.hours, 2)}
        key = f"floor:{worker}:{monday.isoformat()}:{campaign_id}{key_suffix}"
        if ledger.transfer(session, key, TOPUP, source, account, cents, currency, now=now, details=details):
            paid += cents
    return paid


def revisit_won_appeals(session: Session, *, wages: Mapping[str, int], now: datetime, limit: int = 50) -> int:
    """Appeals won (decided for the worker, or paid by their deadline) after their week's floor was settled:
    the worker's week is settled again, the item's time now counting, and the difference topped up; once
    per case. Returns the cents paid."""
    week = func.date_trunc("week", func.timezone("UTC", Task.submitted_at)).cast(Date)
    won = settled_for_the_worker()
    revisited = select(FloorRevisit.case_id).where(FloorRevisit.case_id == ReviewCase.id).exists()
    due = session.execute(
        select(ReviewCase.id, Task.claimed_by_id, Campaign.currency, FloorWeek.week_start)
        .join(TaskItem, TaskItem.id == ReviewCase.item_id)
        .join(Task, Task.id == TaskItem.task_id)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .join(FloorWeek, FloorWeek.week_start == week)
        .where(ReviewCase.kind == CaseKind.APPEAL, won, ~revisited)
        .where(func.coalesce(ReviewCase.decided_at, ReviewCase.closed_at) > FloorWeek.settled_at)
        .limit(limit)
    ).all()
    paid = 0
    for case_id, worker, currency, monday in due:
        claimed = session.execute(
            pg_insert(FloorRevisit)
            .values(case_id=case_id, revisited_at=now, topped_up_cents=0)
            .on_conflict_do_nothing()
            .returning(FloorRevisit.case_id)
        ).scalar_one_or_none()
        wage = wages.get(currency)
        mine = worker_weeks(session, monday).get((worker, currency))
        if claimed is None or not wage or mine is None or mine.hours <= 0:
            continue
        owed = math.ceil(mine.hours * wage) - mine.earned_cents - _topped_up(session, worker, currency, monday)
        if owed > 0:
            cents = _top_up(session, worker, currency, mine, owed, monday, now=now, key_suffix=f":appeal:{case_id}")
            session.get(FloorRevisit, case_id).topped_up_cents = cents
            paid += cents
    return paid


def _topped_up(session: Session, worker: uuid.UUID, currency: str, monday: date) -> int:
    """What the floor already paid this worker for the week."""
    paid = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerAccount.kind == AccountKind.WORKER, LedgerAccount.owner_id == worker)
        .where(LedgerAccount.currency == currency, LedgerTransaction.kind == TOPUP)
        .where(LedgerTransaction.details["week"].astext == monday.isoformat())
    )
    return int(paid)


def settle_due_week(session: Session, *, wages: Mapping[str, int], now: datetime) -> FloorWeek | None:
    """The sweep's part: the last week that ended at least FLOOR_DELAY ago, if not settled yet."""
    monday = week_start((now - FLOOR_DELAY).date()) - timedelta(days=7)
    if session.get(FloorWeek, monday) is not None:
        return None
    return settle_week(session, monday, wages=wages, now=now)


def reward_meeting_floor(wage_cents: int, minutes: float, items: float) -> int:
    """The reward per item that pays `wage_cents` an hour for a task of `items` items taking `minutes` (rounded up:
    never below the floor)."""
    return math.ceil(wage_cents * minutes / 60 / items)


def campaign_pay(session: Session, campaign: Campaign, wage_cents: int | None) -> dict[str, Any]:
    """For the client: the median effective hourly pay of the campaign's settled tasks (their paid items'
    rewards over claim-to-submission time) and, when below the floor, the reward per item it would need."""
    hours = seconds_on_task() / 3600
    paid = func.count().filter(TaskItem.verdict.in_(PAID_VERDICTS))
    settled = (
        select(Task.id, hours.label("hours"), paid.label("paid"), func.count().label("item_count"))
        .join(TaskItem, TaskItem.task_id == Task.id)
        .where(Task.campaign_id == campaign.id, Task.status == TaskStatus.SUBMITTED)
        .group_by(Task.id, Task.submitted_at, Task.claimed_at)
        .having(func.count().filter(TaskItem.verdict.is_(None)) == 0)
        .subquery()
    )
    rows = session.execute(
        select(settled.c.hours, settled.c.paid, settled.c.item_count).where(settled.c.hours > 0)
    ).all()
    if not rows:
        return {"median_hourly_cents": None, "floor_hourly_cents": wage_cents, "below_floor": False, "tasks": 0}
    median = statistics.median(campaign.reward_cents * paid / float(spent) for spent, paid, _ in rows)
    below = wage_cents is not None and median < wage_cents
    needed = None
    if below:
        typical_hours = statistics.median(float(spent) for spent, _, _ in rows)
        typical_items = statistics.median(items for _, _, items in rows)
        needed = reward_meeting_floor(wage_cents, typical_hours * 60, typical_items)
    return {
        "median_hourly_cents": round(median),
        "floor_hourly_cents": wage_cents,
        "below_floor": below,
        "reward_needed_cents": needed,
        "tasks": len(rows),
    }
