"""Finding tasks near a worker: the nearest first, a page at a time, through the spatial index."""

from __future__ import annotations

import functools
import math
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Float,
    Integer,
    Select,
    String,
    Uuid,
    bindparam,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from fieldtasks.geo import MERCATOR_MAX_LAT, MERCATOR_SRID, SRID, mercator_search_radius
from fieldtasks.models import Campaign, HiddenSource, Task
from fieldtasks.services.cursors import decode_keys, encode_keys
from fieldtasks.services.tasks import is_available, is_running, task_card_columns, with_campaign

MAX_RADIUS_M = 50_000
MAX_LIMIT = 100
NEARBY = "n"  # the tag of the nearby pages' cursors
MAX_AT_ONE_PLACE = 1000  # tasks at one place the nearby pages show at most


def find_nearby_tasks(
    session: Session,
    *,
    lat: float,
    lon: float,
    radius_m: float,
    kind: str | None,
    limit: int,
    now: datetime,
    worker_id: uuid.UUID | None = None,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Tasks a worker could claim now within `radius_m`, but for the sources they hid, a page at a time: nearest
    first within a page, and each page beyond the last (by the index's order, which is the true order but for a
    stretch of 1% per 50 km). Returns the page and the cursor to the next one.

    Tasks at one place (several campaigns at one store) are as far as each other, and the index walk has no second
    order: a page ends before such a group rather than split it (so it may be shorter than `limit`), unless the
    group alone fills the page: then the group is paged by task id.
    """
    params = nearby_params(lat=lat, lon=lon, radius_m=radius_m, kind=kind, limit=limit, now=now, worker_id=worker_id)
    after_knn, after_id = decode_keys(NEARBY, cursor, [_knn(), Task.id]) if cursor else (None, None)
    return _nearby_page(session, params, after_knn, after_id, limit)


def _nearby_page(
    session: Session, params: dict, after_knn: float | None, after_id: uuid.UUID | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """`limit` tasks beyond `after_knn`, or, given `after_id`, first those at `after_knn` itself after that id."""
    if after_id is not None:
        group = [row for row in _at_one_place(session, params, after_knn) if row["id"] > after_id]
        if len(group) > limit:
            return group[:limit], encode_keys(NEARBY, [after_knn, group[limit - 1]["id"]])
        if len(group) == limit:
            beyond = _nearby_rows(session, {**params, "after_knn": after_knn, "limit": 1})
            return group, encode_keys(NEARBY, [after_knn, None]) if beyond else None
        rest, cursor = _nearby_page(session, params, after_knn, None, limit - len(group))
        return group + rest, cursor
    rows = _nearby_rows(session, {**params, "after_knn": after_knn, "limit": limit + 1})
    if len(rows) <= limit:  # fewer than asked for within the radius: the last page
        return rows, None
    bound = sorted(row["knn"] for row in rows)[limit - 1]
    page = [row for row in rows if row["knn"] < bound]
    if page:
        return page, encode_keys(NEARBY, [max(row["knn"] for row in page), None])
    return _nearby_page(session, params, bound, uuid.UUID(int=0), limit)  # the first `limit` share one place


def _at_one_place(session: Session, params: dict, knn: float) -> list[dict[str, Any]]:
    """The tasks exactly as far as `knn` by the index's measure (at one place), by id."""
    at = {**params, "after_knn": math.nextafter(knn, -math.inf), "up_to_knn": knn, "limit": MAX_AT_ONE_PLACE}
    return sorted(_nearby_rows(session, at), key=lambda row: row["id"])


def _nearby_rows(session: Session, params: dict) -> list[dict[str, Any]]:
    # Through the Core connection: the statement selects columns, not entities, and this is the hot path.
    return [dict(row) for row in session.connection().execute(nearby_statement(), params).mappings()]


def nearby_params(
    *, lat: float, lon: float, radius_m: float, kind: str | None, limit: int, now: datetime, worker_id=None
) -> dict:
    return {
        "worker_id": worker_id,
        "lat": lat,
        "lon": lon,
        "radius_m": radius_m,
        "mercator_radius": mercator_search_radius(lat, radius_m),
        "kind": kind,
        "limit": limit,
        "now": now,
        "after_knn": None,
        "up_to_knn": None,
    }


def _knn():
    """The index's distance from the worker's point, in Web Mercator: the order the nearby search walks in."""
    lon, lat = bindparam("lon", type_=Float), bindparam("lat", type_=Float)
    clamped = func.least(func.greatest(lat, -MERCATOR_MAX_LAT), MERCATOR_MAX_LAT)
    mercator = func.ST_Transform(func.ST_SetSRID(func.ST_MakePoint(lon, clamped), SRID), MERCATOR_SRID)
    return Task.location_mercator.op("<->", return_type=Float)(mercator)


@functools.cache
def nearby_statement() -> Select:
    """The nearby search, built once with its values bound at execution (also what bench/ times).

    The partial GiST index over available tasks' Web Mercator points serves both the box around
    the worker (&&) and the nearest-first walk (<->), so the cost follows the answer's size, not
    the table's. The exact test is the distance in metres on the geography, and the page is sorted
    again by that exact distance (on the sphere: within 0.3% of the spheroid, and much cheaper).
    A later page starts beyond the last one's (<->).
    """
    lon, lat = bindparam("lon", type_=Float), bindparam("lat", type_=Float)
    point = func.geography(func.ST_SetSRID(func.ST_MakePoint(lon, lat), SRID))
    kind, now = bindparam("kind", type_=String), bindparam("now", type_=DateTime(timezone=True))
    after_knn, up_to_knn = bindparam("after_knn", type_=Float), bindparam("up_to_knn", type_=Float)
    knn = _knn()
    mercator_box = func.ST_Expand(knn.right, bindparam("mercator_radius", type_=Float))
    nearest = (
        with_campaign(select(*task_card_columns(func.ST_Distance(Task.location, point, False)), knn.label("knn")))
        .where(
            Task.location_mercator.op("&&")(mercator_box),
            is_available(now),
            is_running(now),
            or_(kind.is_(None), Task.kind == kind),
            ~_hidden_by(bindparam("worker_id", type_=Uuid)),
            or_(after_knn.is_(None), knn > after_knn),
            or_(up_to_knn.is_(None), knn <= up_to_knn),
        )
        .order_by(knn)
        .limit(bindparam("limit", type_=Integer))
        .subquery()
    )
    # The exact radius is tested on the page, not inside: a filter the planner cannot estimate
    # there would steer it away from walking the index. Mercator order is true order up to a
    # stretch of 1% per 50 km, so the page holds the nearest tasks within the radius.
    radius = bindparam("radius_m", type_=Float)
    return select(nearest).where(nearest.c.distance_m <= radius).order_by(nearest.c.distance_m)


def _hidden_by(worker_id):
    """The worker chose not to see this client's tasks, or this campaign's."""
    return exists().where(
        HiddenSource.worker_id == worker_id,
        or_(HiddenSource.organization_id == Campaign.organization_id, HiddenSource.campaign_id == Campaign.id),
    )
