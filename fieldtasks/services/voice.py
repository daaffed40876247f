"""A say for workers: rate a task's instructions and client, and hide the tasks one does not want to serve."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError, InvalidError, NotFoundError
from fieldtasks.models import Campaign, HiddenSource, Organization, Task, TaskRating, TaskStatus
from fieldtasks.services.campaigns import get_campaign
from fieldtasks.services.cursors import keyset_page

COMMENTS, HIDDEN = "r", "x"  # the tags of the ratings' and the hidden sources' page cursors


def rate_task(
    session: Session,
    task_id: uuid.UUID,
    worker_id: uuid.UUID,
    *,
    clarity: int | None,
    client: int | None,
    comment: str,
    now: datetime,
) -> TaskRating:
    """Rate a task one handed in (rating again replaces the rating); the campaign's averages follow."""
    if clarity is None and client is None:
        raise InvalidError("Rate the instructions' clarity, the client, or both.", code="nothing_rated")
    task = session.scalar(select(Task).where(Task.id == task_id, Task.claimed_by_id == worker_id))
    if task is None:
        raise NotFoundError("No such task of yours.")
    if task.status != TaskStatus.SUBMITTED:
        raise ConflictError("Rate a task once you have handed it in.", code="not_submitted")
    values = {"clarity": clarity, "client": client, "comment": comment, "rated_at": now}
    rating = session.scalar(
        pg_insert(TaskRating)
        .values(task_id=task.id, worker_id=worker_id, campaign_id=task.campaign_id, **values)
        .on_conflict_do_update(index_elements=["task_id", "worker_id"], set_=values)
        .returning(TaskRating)
    )
    ratings = select(TaskRating).where(TaskRating.campaign_id == task.campaign_id).subquery()
    session.execute(
        update(Campaign)
        .where(Campaign.id == task.campaign_id)
        .values(
            clarity_rating=select(func.avg(ratings.c.clarity)).scalar_subquery(),
            client_rating=select(func.avg(ratings.c.client)).scalar_subquery(),
            rating_count=select(func.count()).select_from(ratings).scalar_subquery(),
        )
    )
    return rating


def campaign_ratings(
    session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID, *, cursor: str | None, limit: int
) -> dict[str, Any]:
    """What workers said of a campaign, for its client: averages, and a page of comments (newest first) without who
    said them."""
    campaign = get_campaign(session, organization_id, campaign_id)
    query = select(TaskRating.clarity, TaskRating.client, TaskRating.comment, TaskRating.rated_at).where(
        TaskRating.campaign_id == campaign.id, TaskRating.comment != ""
    )
    order = [TaskRating.rated_at, TaskRating.id]
    page = keyset_page(session, query, order, tag=COMMENTS, cursor=cursor, limit=limit, descending=True)
    return {
        "campaign_id": campaign.id,
        "clarity": campaign.clarity_rating,
        "client": campaign.client_rating,
        "count": campaign.rating_count,
        "items": [dict(row._mapping) for row in page.rows],
        "next_cursor": page.next_cursor,
    }


def hide_source(
    session: Session,
    worker_id: uuid.UUID,
    *,
    client_id: uuid.UUID | None,
    campaign_id: uuid.UUID | None,
    now: datetime,
) -> dict[str, Any]:
    """Stop seeing a client's tasks, or one campaign's; hiding again returns the same hide."""
    if (client_id is None) == (campaign_id is None):
        raise InvalidError("Hide either a client (client_id) or a campaign (campaign_id).", code="client_or_campaign")
    target = session.get(Organization, client_id) if client_id else session.get(Campaign, campaign_id)
    if target is None:
        raise NotFoundError("No such client or campaign.")
    key = {"organization_id": client_id} if client_id else {"campaign_id": campaign_id}
    session.execute(pg_insert(HiddenSource).values(worker_id=worker_id, hidden_at=now, **key).on_conflict_do_nothing())
    hidden = _hidden(worker_id).where(
        HiddenSource.organization_id == client_id if client_id else HiddenSource.campaign_id == campaign_id
    )
    return _hidden_view(*session.execute(hidden).one())


def hidden_sources(
    session: Session, worker_id: uuid.UUID, *, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """What the worker chose not to see, the latest first, a page at a time."""
    order = [HiddenSource.hidden_at, HiddenSource.id]
    page = keyset_page(session, _hidden(worker_id), order, tag=HIDDEN, cursor=cursor, limit=limit, descending=True)
    return [_hidden_view(*row[:4]) for row in page.rows], page.next_cursor


def _hidden(worker_id: uuid.UUID):
    return (
        select(HiddenSource, Organization.name, Campaign.title, Campaign.purpose)
        .outerjoin(Organization, Organization.id == HiddenSource.organization_id)
        .outerjoin(Campaign, Campaign.id == HiddenSource.campaign_id)
        .where(HiddenSource.worker_id == worker_id)
    )


def _hidden_view(hide: HiddenSource, client_name: str | None, title: str | None, purpose: str | None) -> dict:
    return {
        "id": hide.id,
        "client_id": hide.organization_id,
        "client_name": client_name,
        "campaign_id": hide.campaign_id,
        "campaign_title": title,
        "purpose": purpose,
        "hidden_at": hide.hidden_at,
    }


def unhide(session: Session, worker_id: uuid.UUID, hide_id: uuid.UUID) -> None:
    """See those tasks again."""
    deleted = session.execute(
        delete(HiddenSource).where(HiddenSource.id == hide_id, HiddenSource.worker_id == worker_id)
    ).rowcount
    if not deleted:
        raise NotFoundError("No such hidden client or campaign of yours.")
