"""A campaign's stores, as its client manages them: listed, read, corrected and removed. A running campaign's
store carries a task; an edit moves the task with it, and a removal cancels it and gives its escrow back, as long
as no worker is at work there."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError, NotFoundError
from fieldtasks.geo import point_wkt
from fieldtasks.i18n import N_, Sentence
from fieldtasks.models import Campaign, Store, Task, TaskStatus
from fieldtasks.services.campaigns import editable_campaign, get_campaign
from fieldtasks.services.cursors import keyset_page
from fieldtasks.services.escrow import release_cancelled_task
from fieldtasks.services.tasks import effective_status

STORES = "t"  # the tag of the store list's page cursors


def _columns():
    geometry = func.geometry(Store.location)
    return (
        Store.id,
        Store.name,
        Store.address,
        func.ST_Y(geometry).label("lat"),
        func.ST_X(geometry).label("lon"),
        Store.geofence_m,
        Store.store_ref,
        Store.osm_type,
        Store.osm_id,
        Task.id.label("task_id"),
        Task.status.label("task_status"),
        Task.claim_expires_at,
    )


def _listed(campaign: Campaign):
    return (
        select(*_columns())
        .outerjoin(Task, Task.store_id == Store.id)
        .where(Store.campaign_id == campaign.id, Store.removed_at.is_(None))
    )


def _view(row: Any, now: datetime) -> dict[str, Any]:
    store = {key: value for key, value in row._mapping.items() if not key.startswith("page_key_")}
    status, expires = store.pop("task_status"), store.pop("claim_expires_at")
    task_id = store.pop("task_id")
    store["task"] = {"id": task_id, "status": effective_status(status, expires, now)} if task_id else None
    return store


def list_stores(
    session: Session,
    organization_id: uuid.UUID,
    campaign_id: uuid.UUID,
    *,
    store_ref: str | None,
    now: datetime,
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    """The campaign's stores (not removed) by name, a page at a time, each with its task's status."""
    query = _listed(get_campaign(session, organization_id, campaign_id))
    if store_ref is not None:
        query = query.where(Store.store_ref == store_ref)
    page = keyset_page(session, query, [Store.name, Store.id], tag=STORES, cursor=cursor, limit=limit)
    return [_view(row, now) for row in page.rows], page.next_cursor


def count_stores(session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID) -> int:
    """How many stores the campaign lists (removed ones aside)."""
    campaign = get_campaign(session, organization_id, campaign_id)
    listed = select(func.count()).where(Store.campaign_id == campaign.id, Store.removed_at.is_(None))
    return session.scalar(listed) or 0


def read_store(
    session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID, store_id: uuid.UUID, *, now: datetime
) -> dict[str, Any]:
    row = session.execute(
        _listed(get_campaign(session, organization_id, campaign_id)).where(Store.id == store_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError("No such store in this campaign.")
    return _view(row, now)


def edit_store(
    session: Session,
    organization_id: uuid.UUID,
    campaign_id: uuid.UUID,
    store_id: uuid.UUID,
    changes: dict[str, Any],
    *,
    now: datetime,
) -> dict[str, Any]:
    """Correct a store; its task, unless handed in, shows the correction. Moving a store (its coordinates or its
    geofence) is refused once a worker has checked in there or handed the task in: the evidence stands where
    it was taken."""
    campaign = editable_campaign(session, organization_id, campaign_id)
    store, task = _store_and_task(session, campaign, store_id)
    here = _where_it_is(session, store)  # what a check-in is verified against
    if task is not None and any(changes.get(key, value) != value for key, value in here.items()):
        _refuse_if_worked_at(task, now)
    lat, lon = changes.pop("lat", here["lat"]), changes.pop("lon", here["lon"])
    for key, value in {**changes, "location": point_wkt(lat, lon)}.items():
        setattr(store, key, value)
    if task is not None and task.status != TaskStatus.SUBMITTED:
        task.place_name, task.place_address, task.geofence_m = store.name, store.address, store.geofence_m
        task.location = store.location
    try:
        session.flush()
    except IntegrityError:
        message = N_("Another store of this campaign has this name and address, or this store_ref.")
        raise ConflictError(message, code="store_already_listed") from None
    return read_store(session, organization_id, campaign_id, store_id, now=now)


def remove_store(
    session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID, store_id: uuid.UUID, *, now: datetime
) -> None:
    """Take a store out of the campaign. A store without a task yet is deleted; a published one is kept (its task's
    history points at it) but removed, its task cancelled, and what the escrow held for its items given back (the
    budget lowered by as much). Refused while a worker holds its task or once the task was handed in."""
    campaign = editable_campaign(session, organization_id, campaign_id, lock=True)  # the escrow moves
    store, task = _store_and_task(session, campaign, store_id)
    if task is None:
        session.delete(store)
        return
    _refuse_if_worked_at(task, now, held=True)
    task.status = TaskStatus.CANCELLED
    store.removed_at = now
    session.flush()
    release_cancelled_task(session, campaign, task, now=now)


def _store_and_task(session: Session, campaign: Campaign, store_id: uuid.UUID) -> tuple[Store, Task | None]:
    store = session.scalar(
        select(Store)
        .where(Store.id == store_id, Store.campaign_id == campaign.id, Store.removed_at.is_(None))
        .with_for_update()
    )
    if store is None:
        raise NotFoundError("No such store in this campaign.")
    return store, session.scalar(select(Task).where(Task.store_id == store.id).with_for_update())


def _where_it_is(session: Session, store: Store) -> dict[str, Any]:
    geometry = func.geometry(Store.location)
    lat, lon = session.execute(select(func.ST_Y(geometry), func.ST_X(geometry)).where(Store.id == store.id)).one()
    return {"lat": lat, "lon": lon, "geofence_m": store.geofence_m}


def _refuse_if_worked_at(task: Task, now: datetime, *, held: bool = False) -> None:
    """409 once the task was handed in, or while a worker holds it (`held`) or has checked in under a live claim."""
    if task.status == TaskStatus.SUBMITTED:
        raise ConflictError("Work was handed in at this store; it stays as it was.", code="store_visited")
    live = task.status == TaskStatus.CLAIMED and not task.claim_lapsed(now)
    if live and (held or task.checked_in_at is not None):
        message = Sentence(
            "A worker holds this store's task until {until} UTC; try again after.",
            until=task.claim_expires_at.strftime("%Y-%m-%d %H:%M"),
        )
        raise ConflictError(message, code="store_in_use", errors={"claim_expires_at": task.claim_expires_at})
