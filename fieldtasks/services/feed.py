"""The client's price feed: verified observations of one organization, paged or streamed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session

from fieldtasks.models import (
    Campaign,
    CampaignKind,
    DeploySpot,
    Photo,
    PriceObservation,
    Product,
    ShelfCheck,
    Store,
    Task,
    TaskItem,
    Vehicle,
    Verdict,
)
from fieldtasks.services.cursors import decode_cursor, encode_cursor, keyset_page

FEED = "p"  # the tag of feed cursors
CHARGES = "c"  # the tag of charge feed cursors
SHELF = "h"  # the tag of shelf feed cursors
STREAM_BATCH = 500  # rows fetched at a time from a server-side cursor when streaming
# Rows of transactions older than every one still running, or of this one (see migration 0004).
_SETTLED = or_(
    PriceObservation.feed_xid < text("(pg_snapshot_xmin(pg_current_snapshot())::text)::bigint"),
    PriceObservation.feed_xid == text("(pg_current_xact_id_if_assigned()::text)::bigint"),
)


@dataclass(frozen=True)
class FeedFilter:
    campaign_id: uuid.UUID | None = None
    store_id: uuid.UUID | None = None
    store_ref: str | None = None  # the client's own identifier, across its campaigns
    gtin: str | None = None
    since: datetime | None = None  # observed at or after
    until: datetime | None = None  # observed before
    verified_by: str | None = None  # auto or moderator
    availability: str | None = None  # in_stock or absent


def _columns() -> list:
    geometry = func.geometry(Store.location)
    return [
        PriceObservation.seq,
        PriceObservation.feed_xid,
        PriceObservation.id,
        PriceObservation.campaign_id,
        Store.id.label("store_id"),
        Store.name.label("store_name"),
        Store.store_ref,
        Store.osm_type,
        Store.osm_id,
        func.ST_Y(geometry).label("lat"),
        func.ST_X(geometry).label("lon"),
        Product.gtin,
        Product.name.label("product_name"),
        PriceObservation.availability,
        PriceObservation.price_cents,
        PriceObservation.currency,
        PriceObservation.unit_price_cents,
        PriceObservation.unit,
        PriceObservation.promo,
        PriceObservation.observed_at,
        PriceObservation.verified_at,
        PriceObservation.verified_by,
        PriceObservation.price_source,
        PriceObservation.confidence,
        PriceObservation.photo_id,
        Photo.sha256.label("photo_sha256"),
        PriceObservation.dispute_status,
    ]


def feed_statement(organization_id: uuid.UUID, where: FeedFilter) -> Select:
    """Observations of this organization only, in the feed's order."""
    query = (
        select(*_columns())
        .join(Store, Store.id == PriceObservation.store_id)
        .join(Product, Product.id == PriceObservation.product_id)
        .outerjoin(Photo, Photo.id == PriceObservation.photo_id)
        .where(PriceObservation.organization_id == organization_id, _SETTLED)
        .order_by(PriceObservation.feed_xid, PriceObservation.seq)
    )
    conditions = [
        (where.campaign_id, lambda v: PriceObservation.campaign_id == v),
        (where.store_id, lambda v: PriceObservation.store_id == v),
        (where.store_ref, lambda v: Store.store_ref == v),
        (where.gtin, lambda v: Product.gtin == v),
        (where.since, lambda v: PriceObservation.observed_at >= v),
        (where.until, lambda v: PriceObservation.observed_at < v),
        (where.verified_by, lambda v: PriceObservation.verified_by == v),
        (where.availability, lambda v: PriceObservation.availability == v),
    ]
    for value, condition in conditions:
        if value is not None:
            query = query.where(condition(value))
    return query


def price_page(
    session: Session, organization_id: uuid.UUID, where: FeedFilter, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """One page, and the cursor to continue from: it stays valid while new observations arrive,
    which come after it. The last page returns the cursor to poll with later."""
    query = feed_statement(organization_id, where)
    if cursor:
        query = query.where(tuple_(PriceObservation.feed_xid, PriceObservation.seq) > decode_cursor(FEED, cursor, 2))
    rows = session.execute(query.limit(limit)).all()
    next_cursor = encode_cursor(FEED, rows[-1].feed_xid, rows[-1].seq) if rows else cursor
    return rows, next_cursor


def stream_prices(session: Session, organization_id: uuid.UUID, where: FeedFilter) -> Iterator[Any]:
    """Every row, fetched STREAM_BATCH at a time from a server-side cursor: memory stays flat."""
    query = feed_statement(organization_id, where).execution_options(yield_per=STREAM_BATCH)
    yield from session.execute(query)


def latest_prices_by_store(
    session: Session, organization_id: uuid.UUID, where: FeedFilter, limit: int | None = None
) -> list[Any]:
    """For each store, the latest observation of each product (the newest observed_at) among those `where` keeps,
    by store name; the first `limit` rows only, when given."""
    query = feed_statement(organization_id, where).order_by(None)
    latest = (
        query.add_columns(
            func.row_number()
            .over(partition_by=(Store.id, Product.gtin), order_by=PriceObservation.observed_at.desc())
            .label("rank")
        )
    ).subquery()
    ordered = select(latest).where(latest.c.rank == 1).order_by(latest.c.store_name, latest.c.product_name)
    return session.execute(ordered.limit(limit)).all()


def one_price(session: Session, organization_id: uuid.UUID, price_id: uuid.UUID) -> Any | None:
    """One row of the organization's feed, or None (another organization's is as if it did not exist)."""
    query = feed_statement(organization_id, FeedFilter()).where(PriceObservation.id == price_id)
    return session.execute(query).one_or_none()


def price_history(session: Session, organization_id: uuid.UUID, where: FeedFilter, limit: int) -> list[Any]:
    """The rows `where` keeps that carry a price, oldest observed first (a chart of prices over time)."""
    query = feed_statement(organization_id, where).where(PriceObservation.price_cents.is_not(None))
    return session.execute(query.order_by(None).order_by(PriceObservation.observed_at).limit(limit)).all()


def price_choices(session: Session, organization_id: uuid.UUID, limit: int) -> dict[str, list[tuple[Any, str]]]:
    """The stores and products the organization's feed has prices of, by name (a filter's choices)."""
    settled = feed_statement(organization_id, FeedFilter()).order_by(None).subquery()
    stores = select(settled.c.store_id, settled.c.store_name).distinct().order_by(settled.c.store_name)
    products = select(settled.c.gtin, settled.c.product_name).distinct().order_by(settled.c.product_name)
    return {
        "stores": [tuple(row) for row in session.execute(stores.limit(limit))],
        "products": [tuple(row) for row in session.execute(products.limit(limit))],
    }


def shelf_page(
    session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID | None, *, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """For each store and product of the organization's placement campaigns, the latest shelf check; by store name,
    then product name, a page at a time."""
    query = (
        select(
            ShelfCheck.presence,
            ShelfCheck.observed_at,
            ShelfCheck.verified_by,
            ShelfCheck.photo_id,
            Photo.sha256.label("photo_sha256"),
            ShelfCheck.campaign_id,
            Store.id.label("store_id"),
            Store.name.label("store_name"),
            Store.store_ref,
            Store.osm_type,
            Store.osm_id,
            Product.id.label("product_id"),
            Product.gtin,
            Product.name.label("product_name"),
        )
        .join(Store, Store.id == ShelfCheck.store_id)
        .join(Product, Product.id == ShelfCheck.product_id)
        .outerjoin(Photo, Photo.id == ShelfCheck.photo_id)
        .where(ShelfCheck.organization_id == organization_id)
        .ext(distinct_on(ShelfCheck.store_id, ShelfCheck.product_id))
        .order_by(ShelfCheck.store_id, ShelfCheck.product_id, ShelfCheck.observed_at.desc())
    )
    if campaign_id is not None:
        query = query.where(ShelfCheck.campaign_id == campaign_id)
    latest = query.subquery()
    order = [latest.c.store_name, latest.c.store_id, latest.c.product_name, latest.c.product_id]
    page = keyset_page(session, select(latest), order, tag=SHELF, cursor=cursor, limit=limit)
    return page.rows, page.next_cursor


def charges_page(
    session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID | None, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """Scooter charges that checked out (verified, or approved by a moderator), in the order they did: the vehicle,
    when it was picked up and dropped off, at which spot, whether on time, and its battery as the fleet gave it.
    The last page returns the cursor to poll with later."""
    spot = func.geometry(DeploySpot.location)
    query = (
        select(
            Task.id.label("task_id"),
            Task.campaign_id,
            Vehicle.vehicle_code,
            Vehicle.battery_percent,
            Task.picked_up_at,
            Task.dropped_off_at,
            Task.dropoff_due_at,
            DeploySpot.id.label("spot_id"),
            DeploySpot.name.label("spot_name"),
            func.ST_Y(spot).label("spot_lat"),
            func.ST_X(spot).label("spot_lon"),
            TaskItem.verdict_by,
            TaskItem.verdict_at,
        )
        .join(TaskItem, TaskItem.task_id == Task.id)
        .join(Vehicle, Vehicle.id == TaskItem.vehicle_id)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .outerjoin(DeploySpot, DeploySpot.id == Task.dropoff_spot_id)
        .where(Campaign.organization_id == organization_id, Campaign.kind == CampaignKind.SCOOTER_RECHARGE)
        .where(TaskItem.verdict.in_((Verdict.VERIFIED, Verdict.APPROVED)), Task.dropped_off_at.is_not(None))
    )
    if campaign_id is not None:
        query = query.where(Task.campaign_id == campaign_id)
    order = [TaskItem.verdict_at, Task.id]
    page = keyset_page(session, query, order, tag=CHARGES, cursor=cursor, limit=limit, poll=True)
    return page.rows, page.next_cursor
