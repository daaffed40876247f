"""Putting a campaign in front of workers: publish (tasks and items), pause, close."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError, InvalidError
from fieldtasks.geo import VEHICLE_GEOFENCE_M
from fieldtasks.i18n import Sentence
from fieldtasks.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    DeploySpot,
    Product,
    Store,
    Task,
    TaskItem,
    TaskStatus,
    Vehicle,
)
from fieldtasks.services.briefs import briefing_pay_cents
from fieldtasks.services.campaigns import editable_campaign
from fieldtasks.services.escrow import release_unneeded
from fieldtasks.services.floor import reward_meeting_floor
from fieldtasks.services.payments import fund_campaign


@dataclass(frozen=True)
class PublishResult:
    campaign: Campaign
    tasks_created: int
    task_count: int
    item_count: int


def publish_campaign(
    session: Session,
    organization_id: uuid.UUID,
    campaign_id: uuid.UUID,
    *,
    now: datetime,
    wages: Mapping[str, int] | None = None,
    accept_floor_top_up: bool = False,
) -> PublishResult:
    """Create the tasks not created yet (one per store or vehicle, one item per product) and open the campaign.

    Publishing again after adding stores or products, or after a pause, only adds what is new.
    The budget must cover the reward of every item (and a scooter's electricity), and is moved from
    the organization's account into the campaign's escrow (what is already there is not moved again).
    """
    campaign = editable_campaign(session, organization_id, campaign_id, lock=True)
    if campaign.ends_at <= now:
        raise ConflictError("The campaign has ended; extend ends_at first.", code="campaign_ended")
    if not accept_floor_top_up:
        _check_wage_floor(session, campaign, (wages or {}).get(campaign.currency))
    created = _create_tasks(session, campaign)
    task_count, item_count = session.execute(
        select(func.count(), func.coalesce(func.sum(Task.item_count), 0)).where(
            Task.campaign_id == campaign.id, Task.status != TaskStatus.CANCELLED
        )
    ).one()
    if item_count == 0:
        raise InvalidError("Add stores and products (or vehicles) before publishing.", code="nothing_to_publish")
    if campaign.kind == CampaignKind.SCOOTER_RECHARGE and not session.scalar(
        select(func.count()).where(DeploySpot.campaign_id == campaign.id)
    ):
        raise InvalidError("Add deploy spots: charged vehicles need somewhere to go.", code="no_deploy_spots")
    # Each task's worker may be new to the brief, and reading it is paid (at the minimum hourly rate).
    briefing = briefing_pay_cents(campaign.reading_minutes, (wages or {}).get(campaign.currency))
    needed = item_count * campaign.item_cost_cents + task_count * briefing
    if needed > campaign.budget_cents:
        message = Sentence(
            "The budget covers {budget} cents; {items} items (and their briefs) need {needed}.",
            budget=campaign.budget_cents, items=item_count, needed=needed,
        )  # fmt: skip
        at_least = Sentence("At least {needed}.", needed=needed)
        raise InvalidError(message, code="insufficient_budget", errors={"budget_cents": [at_least]})
    fund_campaign(session, campaign, now=now)
    if created or campaign.status != CampaignStatus.ACTIVE:  # publishing again with nothing new changes nothing
        campaign.version += 1
    campaign.status = CampaignStatus.ACTIVE
    campaign.published_at = campaign.published_at or now
    return PublishResult(campaign, created, task_count, item_count)


def _check_wage_floor(session: Session, campaign: Campaign, wage: int | None) -> None:
    """Refuse a campaign whose estimated hourly pay is below the minimum wage, saying the reward per item it
    needs: the floor would top the workers up at the client's expense, and the client should know before.
    Without an estimate of the minutes a task takes, nothing can be said (the floor still applies)."""
    minutes = campaign.median_task_minutes or campaign.estimated_minutes
    if not wage or not minutes:
        return
    items = 1 if campaign.kind == CampaignKind.SCOOTER_RECHARGE else session.scalar(
        select(func.count()).where(Product.campaign_id == campaign.id)
    )  # fmt: skip
    hourly = campaign.reward_cents * items * 60 / float(minutes)
    if not items or hourly >= wage:
        return
    needed = reward_meeting_floor(wage, float(minutes), items)
    message = Sentence(
        "A task of {items} item(s) at {reward} cents each, taking about {minutes:.0f} min, pays {hourly:.2f} "
        "{currency} an hour, below the minimum of {wage:.2f}: pay at least {needed} cents an item, or publish with "
        "accept_floor_top_up: true to have the floor's top-up charged to you.",
        items=items, reward=campaign.reward_cents, minutes=float(minutes), hourly=hourly / 100,
        currency=campaign.currency, wage=wage / 100, needed=needed,
    )  # fmt: skip
    figures = {"reward_cents": needed, "estimated_hourly_cents": round(hourly), "min_hourly_wage_cents": wage}
    raise InvalidError(message, code="below_wage_floor", errors=figures)


def _create_tasks(session: Session, campaign: Campaign) -> int:
    """One task per store (or vehicle) not yet offered, carrying what nearby search shows of its place."""
    place_columns = ["location", "place_name", "place_address", "geofence_m", "item_count"]
    if campaign.kind == CampaignKind.SCOOTER_RECHARGE:
        columns = ["campaign_id", "kind", "vehicle_id", *place_columns]
        place = [
            Vehicle.id,
            Vehicle.location,
            Vehicle.vehicle_code,
            literal(""),
            literal(VEHICLE_GEOFENCE_M),
            literal(1),
        ]
        source = select(literal(campaign.id), literal(campaign.kind), *place).where(Vehicle.campaign_id == campaign.id)
    else:
        columns = ["campaign_id", "kind", "store_id", *place_columns]
        place = [Store.id, Store.location, Store.name, Store.address, Store.geofence_m, literal(0)]
        source = select(literal(campaign.id), literal(campaign.kind), *place).where(
            Store.campaign_id == campaign.id, Store.removed_at.is_(None)
        )
    created = session.execute(
        pg_insert(Task).from_select(columns, source).on_conflict_do_nothing().returning(Task.id)
    ).all()
    _create_items(session, campaign)
    return len(created)


def _create_items(session: Session, campaign: Campaign) -> None:
    """Items for open tasks: every product (or the vehicle); tasks already taken keep what they had."""
    open_tasks = and_(Task.campaign_id == campaign.id, Task.status == TaskStatus.OPEN)
    if campaign.kind == CampaignKind.SCOOTER_RECHARGE:
        source = select(Task.id, Task.vehicle_id).where(open_tasks)
        columns = ["task_id", "vehicle_id"]
    else:
        source = select(Task.id, Product.id).join(Product, Product.campaign_id == Task.campaign_id).where(open_tasks)
        columns = ["task_id", "product_id"]
    session.execute(pg_insert(TaskItem).from_select(columns, source).on_conflict_do_nothing())
    item_count = select(func.count()).where(TaskItem.task_id == Task.id).scalar_subquery()
    session.execute(update(Task).where(open_tasks).values(item_count=item_count))


def pause_campaign(session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID) -> Campaign:
    """Hide the campaign's tasks from workers; claims already held stay valid until they expire."""
    campaign = editable_campaign(session, organization_id, campaign_id, lock=True)
    if campaign.status != CampaignStatus.ACTIVE:
        raise ConflictError("Only an active campaign can be paused.", code="campaign_" + campaign.status)
    campaign.status = CampaignStatus.PAUSED
    campaign.version += 1
    return campaign


def close_campaign(session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID, *, now: datetime) -> Campaign:
    """End the campaign for good: tasks nobody holds are cancelled; a worker holding one may still finish it.

    What the escrow will never pay goes back to the organization's account now; the rest once settled.
    """
    campaign = editable_campaign(session, organization_id, campaign_id, lock=True)
    session.execute(
        update(Task)
        .where(
            Task.campaign_id == campaign.id,
            (Task.status == TaskStatus.OPEN) | Task.claim_lapsed(now),
        )
        .values(status=TaskStatus.CANCELLED)
    )
    campaign.status = CampaignStatus.CLOSED
    campaign.version += 1
    session.flush()
    release_unneeded(session, campaign, now=now)
    return campaign
