"""A simulated week of fair work (issue 9): `python -m bench.fairness_sim [--workers 300] [--seed 7]`.

A few hundred workers, each with their own speed, go through a week of shelf-price tasks in Paris
through the real services (claim, check-in, brief, submit, moderation, the review deadline, the hourly
floor) on a fresh database, with the clock set along the simulated week. Three campaigns pay well, fairly
and badly for the time they take; workers travel between stores (12 km/h), read each brief once.

Items are handed in as "not found", each with a photo of its empty place that the simulation stands for
and reads as showing nothing (OCR is measured elsewhere): their pay comes through moderation (most
approved within hours, a few rejected) or by default at the review deadline.

Prints, per worker, the distribution of effective hourly pay before and after the floor, the share of
worker time paid at least the minimum hourly rate, and the time from submission to money against the
auto-approval deadline.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import random
import secrets
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, text, update

from bench.databases import prepare_database
from fieldtasks import create_app
from fieldtasks.api.context import EXTENSION
from fieldtasks.imports import StoreRow
from fieldtasks.models import CaseOutcome, ExtractionRequest, ItemStatus, Photo, PhotoStage, ReviewCase, Task, TaskItem
from fieldtasks.resources import Resources
from fieldtasks.services import (
    accounts,
    briefs,
    campaigns,
    fieldwork,
    floor,
    moderation,
    nearby,
    payments,
    publishing,
    tasks,
    verification,
)

WAGES = {"EUR": 1202}
PARIS = (48.8566, 2.3522)
REVIEW_HOURS = 72
FIX_AGE = timedelta(minutes=3)
SIM_PASSWORD = "a simulated week of work"
SWEEP_EVERY = timedelta(minutes=30)  # the real sweeper runs every SWEEP_INTERVAL_S (60 s by default)
# (title, reward per item, products, minutes a typical worker takes, brief's reading minutes)
CAMPAIGNS = [
    ("Well paid: 3 products", 90, 3, 12, 5),
    ("Fair: 2 products", 70, 2, 10, 3),
    ("Underpriced: 5 products", 30, 5, 25, 8),
]


@dataclass
class Worker:
    id: object
    speed: float  # minutes taken = typical minutes x speed
    home: tuple[float, float]
    days: list[int]  # days of the week they work
    tasks_a_day: int
    done: list = field(default_factory=list)


def build(res: Resources, rng: random.Random, workers: int, monday: datetime) -> tuple[list, list[Worker]]:
    """Campaigns with stores around Paris (enough for everyone), the client's money, workers."""
    with res.database.unit_of_work() as session:
        client = accounts.register_user(
            session, email="client@sim.test", password=SIM_PASSWORD, display_name="Sim client", role="client",
            organization_name="Sim Retail", passwords=res.passwords,
        )  # fmt: skip
        made = []
        for index, (title, reward, products, minutes, reading) in enumerate(CAMPAIGNS):
            stores = [
                StoreRow(line=n, name=f"{title} store {n}", address="", lat=PARIS[0] + rng.uniform(-0.04, 0.04),
                         lon=PARIS[1] + rng.uniform(-0.06, 0.06), geofence_m=100)
                for n in range(1, workers * 3 + 1)
            ]  # fmt: skip
            items = [{"gtin": _gtin(index, n), "name": f"Product {n}"} for n in range(products)]
            fields = {
                "title": title, "kind": "shelf_price", "purpose": "Sim Retail compares shelf prices in Paris.",
                "instructions": "Photograph each product's shelf label.", "reward_cents": reward, "currency": "EUR",
                "budget_cents": 10**9, "starts_at": monday - timedelta(days=1), "ends_at": monday + timedelta(days=60),
                "auto_approve_hours": REVIEW_HOURS, "reading_minutes": reading, "estimated_minutes": minutes,
            }  # fmt: skip
            campaign = campaigns.create_campaign(
                session, organization_id=client.organization_id, user_id=client.id, fields=fields, stores=stores,
                products=items, vehicles=[],
            )  # fmt: skip
            key = f"sim-{index}"
            payments.credit_organization(session, client.organization_id, 10**9, "EUR", key, now=monday)
            publishing.publish_campaign(  # some campaigns pay below the floor on purpose: the sim measures top-ups
                session, client.organization_id, campaign.id, now=monday, wages=WAGES, accept_floor_top_up=True
            )
            made.append((campaign.id, minutes))
        people = []
        for n in range(workers):
            user = accounts.register_user(
                session, email=f"w{n}@sim.test", password=SIM_PASSWORD, display_name=f"Worker {n}", role="worker",
                passwords=res.passwords,
            )  # fmt: skip
            home = (PARIS[0] + rng.uniform(-0.03, 0.03), PARIS[1] + rng.uniform(-0.05, 0.05))
            days = sorted(rng.sample(range(7), rng.randint(1, 4)))
            people.append(Worker(user.id, math.exp(rng.gauss(0, 0.35)), home, days, rng.randint(1, 3)))
    return made, people


def _gtin(campaign: int, product: int) -> str:
    body = f"3{campaign:02d}{product:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111.2
    dx = (a[1] - b[1]) * 111.2 * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def work_the_week(res: Resources, rng: random.Random, made: list, people: list[Worker], monday: datetime) -> int:
    """Every worker's sessions, in time order per worker: nearest open task, travel, brief once, hand in."""
    handed_in = 0
    for number, worker in enumerate(people, start=1):
        read: set = set()
        for day in worker.days:
            now = monday + timedelta(days=day, hours=rng.uniform(8, 17))
            place = worker.home
            for _ in range(worker.tasks_a_day):
                campaign_id, minutes = rng.choice(made)
                with res.database.unit_of_work() as session:
                    found, _ = nearby.find_nearby_tasks(
                        session, lat=place[0], lon=place[1], radius_m=8000, kind=None, limit=20, now=now
                    )
                    found = [t for t in found if t["campaign_id"] == campaign_id]
                    if not found:
                        continue
                    task = found[0]
                    stop = (task["place_lat"], task["place_lon"])
                    now += timedelta(minutes=distance_km(place, stop) / 12 * 60 + 1)
                    if campaign_id not in read:
                        briefs.open_brief(session, campaign_id, worker.id, wages=WAGES, now=now)
                        read.add(campaign_id)
                        now += timedelta(minutes=2)
                    near = tasks.Nearness(stop[0], stop[1], 50_000)  # claimed at the store
                    tasks.claim_task(session, task["id"], worker.id, near, now=now, claim_limit=3)
                    fix = fieldwork.Fix(stop[0], stop[1], 10.0, False, now)
                    fieldwork.check_in(session, task["id"], worker.id, fix, now=now, max_fix_age=FIX_AGE)
                    for item_id in session.scalars(select(TaskItem.id).where(TaskItem.task_id == task["id"])):
                        report_missing(session, task["id"], item_id, worker.id, now=now)
                    now += timedelta(minutes=minutes * worker.speed * rng.uniform(0.8, 1.25))
                    fieldwork.submit_task(session, task["id"], worker.id, now=now, wages=WAGES)
                    read_as_empty(session, task["id"], now=now)
                handed_in += 1
                place = stop
        if number % 25 == 0 or number == len(people):
            print(f"  {number}/{len(people)} workers through their week ({handed_in} tasks handed in)", flush=True)
    return handed_in


def report_missing(session, task_id: uuid.UUID, item_id: uuid.UUID, worker_id: uuid.UUID, *, now: datetime) -> None:
    """What an upload with `absent=true` records, for a photo that is never stored (no bytes; hashes unique to the
    item, so that no random draw of the simulation changes)."""
    sha256 = hashlib.sha256(item_id.bytes).hexdigest()
    generation = session.get(Task, task_id).claim_generation
    session.add(
        Photo(
            task_id=task_id, item_id=item_id, worker_id=worker_id, claim_generation=generation, media_type="image/jpeg",
            width=1600, height=1200, byte_size=1, sha256=sha256, phash=int(sha256[:15], 16), fine_hash=sha256,
            stage=PhotoStage.ABSENCE, original_key=f"sim/{sha256}", clean_key=f"sim/{sha256}", created_at=now,
        )
    )  # fmt: skip
    session.execute(update(TaskItem).where(TaskItem.id == item_id).values(status=ItemStatus.NOT_FOUND))


def read_as_empty(session, task_id: uuid.UUID, *, now: datetime) -> None:
    """The extraction job's work for the task's photos: nothing legible on them (the place is empty)."""
    photos = select(Photo.id).where(Photo.task_id == task_id)
    session.execute(
        update(ExtractionRequest)
        .where(ExtractionRequest.photo_id.in_(photos))
        .values(status="done", result={"barcodes": []}, finished_at=now)
    )
    verification.settle_task(session, task_id, now=now)


def moderate(res: Resources, rng: random.Random, monday: datetime, junk: set) -> tuple[int, int]:
    """Moderators approve most cases within hours, reject a few, leave some to the deadline (a sweep each 30 min);
    every case of a junk submitter is rejected, at the time its roll set (the same draws as without junk)."""
    with res.database.unit_of_work() as session:
        moderator = accounts.create_staff_user(
            session, email="mod@sim.test", password=SIM_PASSWORD, display_name="Mod", role="moderator",
            passwords=res.passwords,
        )  # fmt: skip
        cases = session.execute(
            select(ReviewCase.id, ReviewCase.opened_at, Task.claimed_by_id)
            .join(TaskItem, TaskItem.id == ReviewCase.item_id)
            .join(Task, Task.id == TaskItem.task_id)
            .where(ReviewCase.status == "open")
            .order_by(ReviewCase.opened_at, ReviewCase.id)
        ).all()
    plan = []
    for case_id, opened_at, worker_id in cases:
        roll = rng.random()
        if roll < 0.85:
            at, action = opened_at + timedelta(hours=rng.lognormvariate(math.log(6), 0.8)), "approve"
        elif roll < 0.90:
            at, action = opened_at + timedelta(hours=rng.uniform(1, 48)), "reject"
        else:
            at, action = opened_at + timedelta(hours=REVIEW_HOURS / 2), None
        if worker_id in junk:
            action = "reject"
        if action:
            plan.append((at, case_id, action))
    ticks = [(monday + n * SWEEP_EVERY, None, "sweep") for n in range(int(timedelta(days=14) / SWEEP_EVERY))]
    decided = 0
    for at, case_id, action in sorted(plan + ticks, key=lambda event: event[0]):
        with res.database.unit_of_work() as session:
            if action == "sweep":
                moderation.pay_overdue_cases(session, now=at, ahead=SWEEP_EVERY)
                continue
            decision = moderation.Decision(CaseOutcome(action))
            if action == CaseOutcome.REJECT:
                decision = moderation.Decision(
                    CaseOutcome.REJECT, reject_reason="unusable_photo", explanation="Simulated."
                )
            try:
                moderation.decide(session, case_id, moderator.id, decision, now=at)
                decided += 1
            except Exception as error:  # paid by the deadline first: the case is closed
                if getattr(error, "code", "") != "case_closed":
                    raise
    return decided, len(cases)


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    pick = [ordered[min(len(ordered) - 1, int(q * len(ordered)))] for q in (0.1, 0.25, 0.5, 0.75, 0.9)]
    return "  ".join(f"{v / 100:6.2f}" for v in pick)


def report(res: Resources, monday: date, settle_at: datetime, started: float, junk: set) -> None:
    wage = WAGES["EUR"]
    with res.database.unit_of_work() as session:
        weeks = {worker: week for (worker, _), week in floor.worker_weeks(session, monday).items()}
        settled = floor.settle_week(session, monday, wages=WAGES, now=settle_at)
        topups = dict(session.execute(text(
            "SELECT a.owner_id, sum(e.amount_cents) FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id"
            " JOIN ledger_transactions t ON t.id = e.transaction_id WHERE t.kind = 'hourly_floor' GROUP BY 1"
        )).all())  # fmt: skip
        delays = [row[0] for row in session.execute(text(
            "SELECT extract(epoch FROM t.created_at - k.submitted_at) / 3600 FROM ledger_transactions t"
            " JOIN task_items i ON t.kind = 'item_reward' AND (t.details ->> 'item_id')::uuid = i.id"
            " JOIN tasks k ON k.id = i.task_id"
        ))]  # fmt: skip
    topups = {owner: int(cents) for owner, cents in topups.items()}
    if junk:
        junk_weeks = [week for worker, week in weeks.items() if worker in junk]
        print(f"\njunk submitters: {len(junk)}, {sum(w.hours for w in junk_weeks):.1f} hours counted as work, "
              f"earned {sum(w.earned_cents for w in junk_weeks) / 100:.2f} EUR, "
              f"topped up {sum(topups.get(worker, 0) for worker in junk) / 100:.2f} EUR")  # fmt: skip
        weeks = {worker: week for worker, week in weeks.items() if worker not in junk}
        print("the figures below are the honest workers'")
    delays = [float(delay) for delay in delays]
    before = [week.earned_cents / week.hours for week in weeks.values() if week.hours > 0]
    after = [
        (week.earned_cents + topups.get(worker, 0)) / week.hours for worker, week in weeks.items() if week.hours > 0
    ]
    hours = sum(week.hours for week in weeks.values())
    paid_before = sum(min(week.earned_cents / wage, week.hours) for week in weeks.values()) / hours
    paid_after = sum(min((w.earned_cents + topups.get(k, 0)) / wage, w.hours) for k, w in weeks.items()) / hours
    print(f"\n{len(weeks)} workers, {hours:.0f} hours worked (tasks, briefs, travel); floor {wage / 100:.2f} EUR/h")
    print("effective hourly pay, EUR     p10     p25  median     p75     p90")
    print(f"  before the floor          {percentiles(before)}")
    print(f"  after the floor           {percentiles(after)}")
    below = sum(1 for v in before if v < wage)
    print(f"workers below the floor: {below} before, {sum(1 for v in after if v < wage - 0.01)} after; "
          f"topped up {settled.workers_topped_up} workers, {settled.topped_up_cents / 100:.2f} EUR")  # fmt: skip
    print(
        f"share of worker time paid at least the floor: {100 * paid_before:.1f}% before, {100 * paid_after:.1f}% after"
    )
    print(f"submission to money, hours: median {statistics.median(delays):.1f}, "
          f"p95 {sorted(delays)[int(0.95 * len(delays))]:.1f}, max {max(delays):.1f} "
          f"(review deadline {REVIEW_HOURS} h, sweep every 30 min)")  # fmt: skip
    print(f"run took {time.perf_counter() - started:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--junk", type=int, default=0, help="workers who hand in junk (every item rejected)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rng = random.Random(args.seed)
    url = prepare_database("fairness")
    app = create_app({
        "DATABASE_URL": url, "REDIS_URL": os.environ["REDIS_URL"], "LOG_LEVEL": "WARNING",
        "STORAGE_DIR": tempfile.mkdtemp(prefix="fieldtasks-fair-"), "SECRET_KEY": secrets.token_urlsafe(48),
        "PASSWORD_HASH_PROFILE": "fast",
    })  # fmt: skip
    res = app.extensions[EXTENSION]
    today = datetime.now(UTC).date()
    monday = datetime.combine(floor.week_start(today) - timedelta(days=14), datetime.min.time(), tzinfo=UTC)
    print(f"a simulated week from {monday:%Y-%m-%d}, {args.workers} workers, seed {args.seed}", flush=True)
    made, people = build(res, rng, args.workers, monday)
    print(f"  {len(made)} campaigns published, {args.workers} workers registered", flush=True)
    junk = {worker.id for worker in people[: args.junk]}
    handed_in = work_the_week(res, rng, made, people, monday)
    decided, cases = moderate(res, rng, monday, junk)
    print(f"  {decided} of {cases} cases decided by the moderator, the rest paid at the deadline or rejected")
    with res.database.unit_of_work() as session:
        assert session.scalar(select(Task.id).limit(1)) is not None and handed_in > 0
    report(res, monday.date(), monday + timedelta(days=14), started, junk)
    res.database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
