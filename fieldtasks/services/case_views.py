"""What a moderator reads: the queue of open cases, and everything one case needs to be decided fast."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtasks.errors import NotFoundError
from fieldtasks.models import (
    Campaign,
    CaseStatus,
    Checkin,
    Organization,
    Photo,
    Product,
    ReviewCase,
    Task,
    TaskEvent,
    TaskItem,
    User,
    Vehicle,
    Verdict,
)
from fieldtasks.moments import rfc3339
from fieldtasks.services.cursors import keyset_page
from fieldtasks.services.item_photos import item_photos
from fieldtasks.services.verification import copies_of

CASES = "q"  # the tag of the queue's page cursors


@dataclass(frozen=True)
class CaseFilter:
    reason: str | None = None
    campaign_id: uuid.UUID | None = None
    older_than: timedelta | None = None
    client_id: uuid.UUID | None = None  # the campaign's organization


def _open_cases():
    return (
        select(
            ReviewCase,
            Task.campaign_id,
            Task.place_name,
            Campaign.title,
            Organization.id.label("client_id"),
            Organization.name.label("client_name"),
        )
        .join(TaskItem, TaskItem.id == ReviewCase.item_id)
        .join(Task, Task.id == TaskItem.task_id)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .join(Organization, Organization.id == Campaign.organization_id)
        .where(ReviewCase.status == CaseStatus.OPEN)
    )


def list_cases(
    session: Session, where: CaseFilter, *, now: datetime, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Open cases, oldest first, a page at a time; and the next page's cursor."""
    query = _open_cases()
    if where.reason:
        query = query.where(ReviewCase.reasons.contains([{"code": where.reason}]))
    if where.campaign_id:
        query = query.where(Task.campaign_id == where.campaign_id)
    if where.client_id:
        query = query.where(Organization.id == where.client_id)
    if where.older_than:
        query = query.where(ReviewCase.opened_at <= now - where.older_than)
    order = [ReviewCase.opened_at, ReviewCase.id]
    page = keyset_page(session, query, order, tag=CASES, cursor=cursor, limit=limit)
    return [_summary(*row[: -len(order)], now=now) for row in page.rows], page.next_cursor


def reason_counts(cases: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """How many of these cases give each reason, by reason code."""
    counts: dict[str, int] = {}
    for case in cases:
        for found in case["reasons"]:
            counts[found["code"]] = counts.get(found["code"], 0) + 1
    return sorted(counts.items())


def queue_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """What the open cases can be filtered by: their reasons, campaigns and clients, as (value, label)."""
    cases = _open_cases().subquery()
    codes = select(func.jsonb_array_elements(ReviewCase.reasons).op("->>")("code").label("code")).where(
        ReviewCase.status == CaseStatus.OPEN
    )
    reasons = session.scalars(select(codes.subquery().c.code).distinct().order_by("code"))
    campaigns = session.execute(select(cases.c.campaign_id, cases.c.title).distinct().order_by(cases.c.title))
    clients = session.execute(select(cases.c.client_id, cases.c.client_name).distinct().order_by(cases.c.client_name))
    return {
        "reasons": [(code, code) for code in reasons],
        "campaigns": [(str(value), label) for value, label in campaigns],
        "clients": [(str(value), label) for value, label in clients],
    }


def _summary(
    case: ReviewCase, campaign_id: uuid.UUID, place: str, title: str, client_id: uuid.UUID, client: str, *, now
) -> dict[str, Any]:
    held = case.held_until is not None and case.held_until > now
    return {
        "id": case.id,
        "item_id": case.item_id,
        "kind": case.kind,
        "reasons": case.reasons,
        "campaign_id": campaign_id,
        "campaign_title": title,
        "client_id": client_id,
        "client_name": client,
        "place": place,
        "opened_at": case.opened_at,
        "age_hours": round((now - case.opened_at).total_seconds() / 3600, 1),
        "due_at": case.due_at,
        "held": held,
    }


def case_detail(session: Session, case_id: uuid.UUID, *, now: datetime) -> dict[str, Any]:
    """Everything a moderator needs to decide: photos and what was read on them, what was expected, the
    other items of the visit, the check-ins, the worker's track record, the originals of a suspected copy,
    the reasons and the task's history."""
    row = session.execute(
        select(ReviewCase, TaskItem, Task, Campaign.title, Organization.id, Organization.name)
        .join(TaskItem, TaskItem.id == ReviewCase.item_id)
        .join(Task, Task.id == TaskItem.task_id)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .join(Organization, Organization.id == Campaign.organization_id)
        .where(ReviewCase.id == case_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError("No such case.")
    case, item, task, title, client_id, client = row
    product = session.get(Product, item.product_id) if item.product_id else None
    photos = item_photos(session, task, item) or []
    return {
        **_summary(case, task.campaign_id, task.place_name, title, client_id, client, now=now),
        "status": case.status,
        "outcome": case.outcome,
        "held_until": case.held_until if case.held_until and case.held_until > now else None,
        "decided_by": _name(session, case.decided_by_id),
        "decided_at": case.decided_at,
        "reject_reason": case.reject_reason,
        "explanation": case.explanation,
        "appeal_comment": case.appeal_comment,
        "task_kind": task.kind,
        "item_status": item.status,
        "expected": _expected(session, product, item),
        "photos": [
            {
                "id": photo.id,
                "sha256": photo.sha256,  # names its copies in storage
                "sensitive": photo.sensitive,
                "stage": photo.stage,
                "typed_price_cents": photo.typed_price_cents,
                "typed_unit_price_cents": photo.typed_unit_price_cents,
                "extraction": request.result,
                "error": request.error,
            }
            for photo, request in photos
        ],
        "copies": _copies(session, task, [photo for photo, _ in photos]),
        "visit": _visit(session, task, item),
        "track_record": track_record(session, task.claimed_by_id),
        "checkins": _checkins(session, task),
        "history": [
            {"event": e.event, "at": rfc3339(e.at), "details": e.details}
            for e in session.scalars(select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.id))
            if e.details.get("item_id") in (None, str(item.id))
        ],
    }


def _checkins(session: Session, task: Task) -> list[dict[str, Any]]:
    checkins = session.scalars(
        select(Checkin).where(Checkin.task_id == task.id, Checkin.claim_generation == task.claim_generation)
        .order_by(Checkin.received_at)
    )  # fmt: skip
    return [
        {
            "outcome": c.outcome,
            "distance_m": round(c.distance_m, 1),
            "accuracy_m": c.accuracy_m,
            "is_mock": c.is_mock,
            "recorded_at": rfc3339(c.recorded_at),  # the phone's word
            "received_at": rfc3339(c.received_at),  # the server's clock
        }
        for c in checkins
    ]


def _visit(session: Session, task: Task, item: TaskItem) -> list[dict[str, Any]]:
    """The other items of the same visit: what became of them says much about this one."""
    rows = session.execute(
        select(TaskItem, Product.gtin, Product.name, Vehicle.vehicle_code)
        .outerjoin(Product, Product.id == TaskItem.product_id)
        .outerjoin(Vehicle, Vehicle.id == TaskItem.vehicle_id)
        .where(TaskItem.task_id == task.id, TaskItem.id != item.id)
        .order_by(Product.name, Vehicle.vehicle_code)
    )
    return [
        {
            "item_id": other.id,
            "gtin": gtin,
            "name": name or code,
            "status": other.status,
            "verdict": other.verdict,
            "reasons": [found["code"] for found in other.reasons or []],
        }
        for other, gtin, name, code in rows
    ]


def track_record(session: Session, worker_id: uuid.UUID | None) -> dict[str, int]:
    """The worker's settled items: accepted (by the machine, a moderator or the deadline), rejected, no fault;
    and those still in review."""
    counts = dict(
        session.execute(
            select(TaskItem.verdict, func.count())
            .join(Task, Task.id == TaskItem.task_id)
            .where(Task.claimed_by_id == worker_id, TaskItem.verdict.is_not(None))
            .group_by(TaskItem.verdict)
        ).all()
    )
    return {
        "accepted": counts.get(Verdict.VERIFIED, 0) + counts.get(Verdict.APPROVED, 0),
        "rejected": counts.get(Verdict.REJECTED, 0),
        "no_fault": counts.get(Verdict.NO_FAULT, 0),
        "in_review": counts.get(Verdict.NEEDS_REVIEW, 0),
    }


def _copies(session: Session, task: Task, photos: list[Photo]) -> list[dict[str, Any]]:
    """The photos these may be copies of (another task's, or another worker's), to put side by side."""
    found = []
    for original in copies_of(session, task, photos):
        place = session.scalar(select(Task.place_name).where(Task.id == original.task_id))
        found.append(
            {
                "id": original.id,
                "sha256": original.sha256,
                "place": place,
                "created_at": original.created_at,
                "same_worker": original.worker_id == task.claimed_by_id,
                "sensitive": original.sensitive,
            }
        )
    return found


def _expected(session: Session, product: Product | None, item: TaskItem) -> dict[str, str]:
    if product is not None:
        return {"gtin": product.gtin, "name": product.name}
    code = session.scalar(select(Vehicle.vehicle_code).where(Vehicle.id == item.vehicle_id))
    return {"vehicle_id": str(item.vehicle_id), "vehicle_code": code}


def _name(session: Session, user_id: uuid.UUID | None) -> str | None:
    return session.scalar(select(User.display_name).where(User.id == user_id)) if user_id else None
