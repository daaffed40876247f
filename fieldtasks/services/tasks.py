"""Claiming tasks: claim, release, what a worker sees of a task, and the tasks a worker holds (search: nearby.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Uuid,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from fieldtasks.errors import ConflictError, NotFoundError
from fieldtasks.geo import point_wkt
from fieldtasks.i18n import Sentence
from fieldtasks.models import (
    AVAILABLE_STATUSES,
    Campaign,
    CampaignKind,
    CampaignStatus,
    ExtractionRequest,
    ExtractionStatus,
    ItemStatus,
    Organization,
    Photo,
    Product,
    Qualification,
    ShelfCheck,
    Task,
    TaskEvent,
    TaskItem,
    TaskStatus,
    User,
    Vehicle,
    WorkerQualification,
    is_claim_lapsed,
    open_appeal,
)
from fieldtasks.services import deploy_spots
from fieldtasks.services.cursors import keyset_page
from fieldtasks.services.history import record_event

MY_TASKS = "m"  # the tag of the worker's task list's page cursors
UNDER_APPEAL = "under_appeal"  # the verdict a worker reads for a rejection they appealed, until it is decided
CLAIM_EXPIRED = "claim_expired"  # the status a worker reads for a claim past its time (the row still says claimed)
# What one claim's progress leaves on the task row, cleared for the next claim.
FRESH_CLAIM = {"checked_in_at": None, "picked_up_at": None, "dropoff_spot_id": None, "dropped_off_at": None,
               "dropoff_due_at": None}  # fmt: skip


def is_available(now: datetime):
    """Open, or claimed by someone whose claim has expired: the expiry lives in the row, no cron frees it."""
    # The IN is what the nearby index's predicate matches; the OR says which of those are free.
    return and_(Task.status.in_(AVAILABLE_STATUSES), or_(Task.status == TaskStatus.OPEN, Task.claim_lapsed(now)))


def is_running(now: datetime):
    """The campaign is published, not paused or closed, and within its dates."""
    return and_(Campaign.status == CampaignStatus.ACTIVE, Campaign.starts_at <= now, Campaign.ends_at > now)


def task_card_columns(distance=None) -> list:
    location = func.geometry(Task.location)
    columns = [
        Task.id,
        Task.kind,
        Task.status,
        Task.item_count,
        Task.claim_expires_at,
        Task.claimed_by_id,
        Task.place_name,
        Task.place_address,
        func.ST_Y(location).label("place_lat"),
        func.ST_X(location).label("place_lon"),
        Task.geofence_m,
        Campaign.id.label("campaign_id"),
        Campaign.title.label("campaign_title"),
        Campaign.purpose,
        Campaign.reward_cents,
        Campaign.late_reward_cents,
        Campaign.charge_reimbursement_cents,
        Campaign.reading_minutes,
        Campaign.estimated_minutes,
        Campaign.median_task_minutes,
        Campaign.clarity_rating,
        Campaign.client_rating,
        Campaign.rating_count,
        Organization.id.label("client_id"),
        Campaign.required_qualification,
        Campaign.currency,
        Campaign.claim_minutes,
        Campaign.ends_at,
        Organization.name.label("client_name"),
    ]
    if distance is not None:
        columns.append(distance.label("distance_m"))
    return columns


def with_campaign(query):
    """Join what a task card shows of its campaign and client."""
    return query.join(Campaign, Campaign.id == Task.campaign_id).join(
        Organization, Organization.id == Campaign.organization_id
    )


@dataclass(frozen=True)
class TaskView:
    """A task as its worker sees it: the card, the items and their statuses."""

    card: dict[str, Any]
    items: list[dict[str, Any]]
    scooter: dict[str, Any] | None = None  # deploy spots, due window, pickup and drop-off times


def get_task(session: Session, task_id: uuid.UUID, worker_id: uuid.UUID, *, now: datetime) -> TaskView:
    """A task this worker holds (or held last), or one it could claim now; any other is not found."""
    query = select(*task_card_columns(), Campaign.instructions, Task.checked_in_at)
    row = session.execute(with_campaign(query).where(Task.id == task_id)).one_or_none()
    if row is None:
        raise NotFoundError("No such task.")
    card = dict(row._mapping)
    is_mine = card["claimed_by_id"] == worker_id
    claimable = card["status"] == TaskStatus.OPEN or is_claim_lapsed(card["status"], card["claim_expires_at"], now)
    if not is_mine and not (claimable and _campaign_running(session, task_id, now)):
        raise NotFoundError("No such task.")
    card["status"] = effective_status(card["status"], card["claim_expires_at"], now)
    scooter = None
    if card["kind"] == CampaignKind.SCOOTER_RECHARGE:
        scooter = deploy_spots.scooter_view(session, session.get(Task, task_id), now=now)
    return TaskView(card, task_items(session, task_id), scooter)


def _campaign_running(session: Session, task_id: uuid.UUID, now: datetime) -> bool:
    query = select(Task.id).join(Campaign, Campaign.id == Task.campaign_id).where(Task.id == task_id, is_running(now))
    return session.scalar(query) is not None


def effective_status(status: str, claim_expires_at: datetime | None, now: datetime) -> str:
    """What the worker should read: a claim past its expiry is shown as expired."""
    if is_claim_lapsed(status, claim_expires_at, now):
        return CLAIM_EXPIRED
    return status


def task_items(session: Session, task_id: uuid.UUID) -> list[dict[str, Any]]:
    mine = aliased(Photo)
    latest = (
        select(mine.id)
        .where(mine.item_id == TaskItem.id)
        .correlate(TaskItem)
        .order_by(mine.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    typed = select(Photo.typed_price_cents).where(Photo.id == latest).scalar_subquery()
    read = (  # once the photo is read (after submission: it cannot sway what the worker typed)
        select(ExtractionRequest.result["shelf_price"]["amount_cents"].as_integer())
        .where(ExtractionRequest.photo_id == latest, ExtractionRequest.status == ExtractionStatus.DONE)
        .order_by(ExtractionRequest.generation.desc())
        .limit(1)
        .scalar_subquery()
    )
    appealed = open_appeal(TaskItem.id)
    query = (
        select(
            TaskItem.id,
            TaskItem.status,
            case((appealed, literal(UNDER_APPEAL)), else_=TaskItem.verdict).label("verdict"),
            TaskItem.reasons,
            TaskItem.review_due_at,
            Product.gtin,
            Product.name.label("product_name"),
            Product.net_quantity,
            Vehicle.vehicle_code,
            ShelfCheck.presence,
            typed.label("typed_price_cents"),
            read.label("read_price_cents"),
        )
        .outerjoin(Product, Product.id == TaskItem.product_id)
        .outerjoin(Vehicle, Vehicle.id == TaskItem.vehicle_id)
        .outerjoin(ShelfCheck, ShelfCheck.item_id == TaskItem.id)
        .where(TaskItem.task_id == task_id)
        .order_by(Product.name, Vehicle.vehicle_code)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def my_tasks_page(
    session: Session, worker_id: uuid.UUID, status: str | None, *, now: datetime, cursor: str | None, limit: int
) -> tuple[list[dict], str | None]:
    """Tasks this worker holds or held last, newest claim first, filtered by effective status; and the next cursor."""
    query = with_campaign(select(*task_card_columns())).where(Task.claimed_by_id == worker_id)
    if status == TaskStatus.CLAIMED:
        query = query.where(Task.status == TaskStatus.CLAIMED, ~Task.claim_lapsed(now))
    elif status == CLAIM_EXPIRED:
        query = query.where(Task.claim_lapsed(now))
    elif status is not None:
        query = query.where(Task.status == status)
    order = [Task.claimed_at, Task.id]
    page = keyset_page(session, query, order, tag=MY_TASKS, cursor=cursor, limit=limit, descending=True)
    cards = [dict(row._mapping) for row in page.rows]
    for card in cards:
        card["status"] = effective_status(card["status"], card["claim_expires_at"], now)
    return cards, page.next_cursor


@dataclass(frozen=True)
class Claim:
    task_id: uuid.UUID
    claim_expires_at: datetime
    claim_generation: int


@dataclass(frozen=True)
class Nearness:
    """Where a claimer is, and how far from there they may claim (metres)."""

    lat: float
    lon: float
    within_m: float

    def is_near(self, location) -> Any:
        return _within(location, point_wkt(self.lat, self.lon), self.within_m)


def _within(location, point_wkt: Any, metres: Any) -> Any:
    """`location` lies within `metres` of the point (WKT): values, or bound parameters of a statement built once."""
    return func.ST_DWithin(location, func.ST_GeogFromText(point_wkt), metres)


def claim_task(
    session: Session, task_id: uuid.UUID, worker_id: uuid.UUID, near: Nearness, *, now: datetime, claim_limit: int
) -> Claim:
    """Take a task near the worker for `claim_minutes`. Claiming again a task one already holds returns the
    same claim. A task far from the worker is refused: holding it would keep it from the people near it.

    One conditional UPDATE decides between concurrent claimers; the worker's row is locked
    first so that two claims by one worker cannot both slip under the claim limit.
    """
    params = {"task": task_id, "worker": worker_id, "now": now, "point": point_wkt(near.lat, near.lon),
              "within_m": near.within_m}  # fmt: skip
    connection = session.connection()  # Core statements built once (_ClaimStatements): no ORM work per claim
    connection.execute(_CLAIM.lock_worker, params)
    held = connection.execute(_CLAIM.held, params).all()
    for held_id, expires_at, generation in held:
        if held_id == task_id:
            return Claim(task_id, expires_at, generation)
    if len(held) >= claim_limit:
        raise ConflictError(
            Sentence("You already hold {count} tasks; finish or release one first.", count=len(held)),
            code="claim_limit",
        )
    claimed = connection.execute(_CLAIM.take, params).one_or_none()
    if claimed is None:
        _check_qualified(session, task_id, worker_id)  # the reason why, asked only of a refused claim
        raise _why_not_claimable(session, task_id, near, now)
    if claimed.claim_generation > 1:  # a previous claim may have left progress behind
        connection.execute(_CLAIM.reset_items, params)
    record_event(session, task_id, worker_id, "claimed", now, claim_generation=claimed.claim_generation)
    return Claim(task_id, claimed.claim_expires_at, claimed.claim_generation)


class _ClaimStatements:
    """A claim's statements, built and compiled once with bound parameters (task, worker, now, point,
    within_m): building them per claim cost more than the database's work (issue 21, BENCHMARKS.md)."""

    def __init__(self) -> None:
        now = bindparam("now", type_=DateTime(timezone=True))
        worker = bindparam("worker", type_=Uuid)
        self.lock_worker = select(User.id).where(User.id == worker).with_for_update()
        self.held = select(Task.id, Task.claim_expires_at, Task.claim_generation).where(
            Task.claimed_by_id == worker, Task.status == TaskStatus.CLAIMED, ~Task.claim_lapsed(now)
        )
        near = _within(Task.location, bindparam("point"), bindparam("within_m"))
        self.take = (
            update(Task)
            .where(Task.id == bindparam("task", type_=Uuid), Task.campaign_id == Campaign.id)
            .where(is_available(now), is_running(now), near, _is_qualified(worker))
            .values(
                status=TaskStatus.CLAIMED,
                claimed_by_id=worker,
                claimed_at=now,
                claim_expires_at=now + Campaign.claim_minutes * literal_column("interval '1 minute'"),
                claim_generation=Task.claim_generation + 1,
                **FRESH_CLAIM,
            )
            .returning(Task.claim_expires_at, Task.claim_generation)
        )
        self.reset_items = (
            update(TaskItem).where(TaskItem.task_id == bindparam("task", type_=Uuid)).values(status=ItemStatus.PENDING)
        )


def _is_qualified(worker: Any):
    """The task's campaign needs no qualification, or one this worker (a bound parameter) earned: a condition of the
    claim's UPDATE, one round trip fewer on every claim than asking first."""
    earned = select(WorkerQualification.id).where(
        WorkerQualification.worker_id == worker,
        WorkerQualification.qualification_code == Campaign.required_qualification,
    )
    return or_(Campaign.required_qualification.is_(None), earned.exists())


_CLAIM = _ClaimStatements()


def _check_qualified(session: Session, task_id: uuid.UUID, worker_id: uuid.UUID) -> None:
    """Refuse the claim when the campaign needs a qualification the worker has not earned yet."""
    needed = session.execute(
        select(Qualification.code, Qualification.name)
        .join(Campaign, Campaign.required_qualification == Qualification.code)
        .join(Task, Task.campaign_id == Campaign.id)
        .where(Task.id == task_id)
    ).one_or_none()
    if needed is None:
        return
    earned = select(WorkerQualification.id).where(
        WorkerQualification.worker_id == worker_id, WorkerQualification.qualification_code == needed.code
    )
    if session.scalar(earned) is None:
        message = Sentence(
            "This task needs the qualification {name!r}: earn it with a short, paid practice set.", name=needed.name
        )
        raise ConflictError(message, code="qualification_required", errors={"qualification": [needed.code]})


def _why_not_claimable(session: Session, task_id: uuid.UUID, near: Nearness, now: datetime) -> Exception:
    row = session.execute(
        select(Task.status, Task.claim_expires_at, Campaign.status, near.is_near(Task.location))
        .join(Campaign, Campaign.id == Task.campaign_id)
        .where(Task.id == task_id)
    ).one_or_none()
    if row is None or row[2] not in (CampaignStatus.ACTIVE, CampaignStatus.PAUSED, CampaignStatus.CLOSED):
        return NotFoundError("No such task.")
    if row[0] == TaskStatus.CLAIMED and row[1] > now:
        return ConflictError("Another worker holds this task.", code="task_taken")
    if not row[3]:
        kilometres = round(near.within_m / 1000)
        return ConflictError(
            Sentence("This task is more than {km} km from you; claim it once near.", km=kilometres), code="too_far"
        )
    return ConflictError("This task is not offered right now.", code="task_unavailable")


def release_task(session: Session, task_id: uuid.UUID, worker_id: uuid.UUID, *, now: datetime) -> None:
    """Give a task back, without penalty. Releasing it again (a phone's retry) changes nothing; a task this
    worker never held, or another worker holds, is not theirs to release (NotFoundError)."""
    released = session.execute(
        update(Task)
        .where(Task.id == task_id, Task.claimed_by_id == worker_id, Task.status == TaskStatus.CLAIMED)
        .values(status=TaskStatus.OPEN, claimed_by_id=None, claimed_at=None, claim_expires_at=None, **FRESH_CLAIM)
        .returning(Task.id)
    ).scalar_one_or_none()
    if released is not None:
        session.execute(update(TaskItem).where(TaskItem.task_id == task_id).values(status=ItemStatus.PENDING))
        record_event(session, task_id, worker_id, "released", now)
        return
    task = session.get(Task, task_id)
    mine_before = select(TaskEvent.id).where(TaskEvent.task_id == task_id, TaskEvent.actor_id == worker_id).exists()
    if task is None or task.claimed_by_id not in (None, worker_id) or not session.scalar(select(mine_before)):
        raise NotFoundError("No such task of yours.")


def held_task(session: Session, task_id: uuid.UUID, worker_id: uuid.UUID, *, now: datetime) -> Task:
    """The task, locked, if this worker's claim on it is current; the refusal says what is wrong."""
    task = session.scalar(select(Task).where(Task.id == task_id).with_for_update())
    if task is None:
        raise NotFoundError("No such task.")
    if task.claimed_by_id != worker_id:
        raise ConflictError("Claim this task first.", code="not_claimed")
    if task.status == TaskStatus.SUBMITTED:
        raise ConflictError("This task is already submitted.", code="task_submitted")
    if task.status != TaskStatus.CLAIMED or task.claim_lapsed(now):
        raise ConflictError("Your claim on this task has expired; claim it again.", code="claim_expired")
    return task
