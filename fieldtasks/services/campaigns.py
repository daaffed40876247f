"""Campaign use cases for clients: create, edit, list stores/products/vehicles, publish, pause, close."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError, InvalidError, NotFoundError, PreconditionFailedError
from fieldtasks.geo import point_wkt
from fieldtasks.i18n import N_, Sentence
from fieldtasks.imports import RowError, StoreRow, UnreadableFileError, duplicate_key, parse_stores
from fieldtasks.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    DeploySpot,
    Product,
    Qualification,
    Store,
    Vehicle,
)
from fieldtasks.products import normalize_gtin, parse_net_quantity
from fieldtasks.services.cursors import keyset_page

EDITABLE_FIELDS = frozenset(
    {"title", "purpose", "instructions", "reward_cents", "budget_cents", "starts_at", "ends_at", "claim_minutes"}
    | {"auto_approve_hours", "currency", "late_reward_cents", "charge_reimbursement_cents", "timezone"}
    | {"reading_minutes", "estimated_minutes", "named_in_work_records", "required_qualification"}
)


STORES_PER_STATEMENT = 1000
CAMPAIGNS = "k"  # the tag of the campaign list's page cursors


@dataclass
class ImportReport:
    """What an import stored, and each row it refused with the reason."""

    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    def count(self, inserted: bool, otherwise: RowError) -> None:
        if inserted:
            self.created += 1
        else:
            self.errors.append(otherwise)


def create_campaign(
    session: Session,
    *,
    organization_id: uuid.UUID,
    user_id: uuid.UUID,
    fields: dict[str, Any],
    stores: list[StoreRow],
    products: list[dict[str, Any]],
    vehicles: list[dict[str, Any]],
    deploy_spots: list[dict[str, Any]] = (),
) -> Campaign:
    """A draft campaign with its stores and products (or vehicles and deploy spots); nothing is offered yet."""
    _check_dates(fields["starts_at"], fields["ends_at"])
    kind = fields["kind"]
    if kind == CampaignKind.SCOOTER_RECHARGE and (stores or products):
        raise InvalidError("Scooter campaigns list vehicles, not stores or products.", code="wrong_kind")
    if kind != CampaignKind.SCOOTER_RECHARGE and (vehicles or deploy_spots):
        raise InvalidError("Only scooter campaigns list vehicles and deploy spots.", code="wrong_kind")
    if kind != CampaignKind.SCOOTER_RECHARGE and (
        fields.get("late_reward_cents") or fields.get("charge_reimbursement_cents")
    ):
        raise InvalidError("Late rewards and charge reimbursements are for scooter campaigns.", code="wrong_kind")
    _check_qualification(session, fields.get("required_qualification"))
    campaign = Campaign(organization_id=organization_id, created_by_id=user_id, **fields)
    session.add(campaign)
    session.flush()
    _refuse_row_errors(add_stores(session, campaign, stores), "stores")
    _refuse_row_errors(add_products(session, campaign, products), "products")
    _refuse_row_errors(add_vehicles(session, campaign, vehicles), "vehicles")
    _refuse_row_errors(add_deploy_spots(session, campaign, deploy_spots), "deploy_spots")
    session.refresh(campaign)  # loads the organization it is serialised with
    return campaign


def _refuse_row_errors(report: ImportReport, where: str) -> None:
    if report.errors:
        errors = {str(e.line - 1): {e.field: [e.reason]} for e in report.errors}
        raise InvalidError(Sentence("Some {where} are invalid; see errors.", where=where), errors={where: errors})


def _check_qualification(session: Session, code: str | None) -> None:
    if code is not None and session.get(Qualification, code) is None:
        message = N_("No such qualification; GET /qualifications lists them.")
        raise InvalidError(message, code="unknown_qualification", errors={"required_qualification": [message]})


def _check_dates(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidError("The campaign must end after it starts.", errors={"ends_at": ["Must be after starts_at."]})


def get_campaign(
    session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID, *, lock: bool = False
) -> Campaign:
    """The campaign, if it belongs to this organization; otherwise, as if it did not exist.

    With `lock`, the row stays locked until the transaction ends (two publishes, or a publish
    and a close, then run one after the other).
    """
    query = select(Campaign).where(Campaign.id == campaign_id, Campaign.organization_id == organization_id)
    campaign = session.scalar(query.with_for_update(of=Campaign) if lock else query)
    if campaign is None:
        raise NotFoundError("No such campaign.")
    return campaign


def list_campaigns(
    session: Session, organization_id: uuid.UUID, *, cursor: str | None, limit: int
) -> tuple[list[Campaign], str | None]:
    """The organization's campaigns, newest first, a page at a time; and the next page's cursor."""
    query = select(Campaign).where(Campaign.organization_id == organization_id)
    order = [Campaign.created_at, Campaign.id]
    page = keyset_page(session, query, order, tag=CAMPAIGNS, cursor=cursor, limit=limit, descending=True)
    return [row[0] for row in page.rows], page.next_cursor


def update_campaign(
    session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID, expected_version: int, changes: dict
) -> Campaign:
    """Edit a draft or paused campaign; `expected_version` (from If-Match) must still be current."""
    campaign = get_campaign(session, organization_id, campaign_id)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.PAUSED):
        raise ConflictError("Pause the campaign before editing it.", code="campaign_" + campaign.status)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidError("These fields cannot be changed.", errors={name: ["Not editable."] for name in unknown})
    _check_dates(changes.get("starts_at", campaign.starts_at), changes.get("ends_at", campaign.ends_at))
    _check_qualification(session, changes.get("required_qualification"))
    late = changes.get("late_reward_cents", campaign.late_reward_cents)
    if late is not None and late > changes.get("reward_cents", campaign.reward_cents):
        message = N_("The late drop-off reward cannot exceed the reward.")
        raise InvalidError(message, errors={"late_reward_cents": [message]})
    if changes.get("instructions", campaign.instructions) != campaign.instructions:
        changes = {**changes, "instructions_version": campaign.instructions_version + 1}  # read and paid again
    updated = session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id, Campaign.version == expected_version)
        .values(**changes, version=Campaign.version + 1)
        .returning(Campaign.id)
    ).scalar_one_or_none()
    if updated is None:
        raise PreconditionFailedError("The campaign changed since you read it; fetch it again.")
    session.refresh(campaign)
    return campaign


def import_stores(
    session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID, data: bytes, media_type: str
) -> ImportReport:
    """Store the good rows of a CSV or GeoJSON file; report each bad one with its line, field and reason."""
    campaign = editable_campaign(session, organization_id, campaign_id)
    if campaign.kind == CampaignKind.SCOOTER_RECHARGE:
        raise InvalidError("Scooter campaigns list vehicles, not stores.", code="wrong_kind")
    try:
        rows, errors = parse_stores(data, media_type)
    except UnreadableFileError as error:
        raise InvalidError(
            Sentence("The file cannot be read: {error}.", error=str(error)), code="invalid_file"
        ) from None
    report = add_stores(session, campaign, rows)
    report.errors = sorted([*errors, *report.errors], key=lambda e: e.line)
    return report


def delete_draft(session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID) -> None:
    """A draft goes with its stores and products (the database cascades); nothing was offered or funded yet."""
    campaign = get_campaign(session, organization_id, campaign_id, lock=True)  # not while it is being published
    if campaign.status != CampaignStatus.DRAFT:
        message = N_("Only a draft can be deleted; close a published campaign instead.")
        raise ConflictError(message, code="campaign_" + campaign.status)
    session.execute(delete(Campaign).where(Campaign.id == campaign.id))


def editable_campaign(
    session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID, *, lock: bool = False
) -> Campaign:
    """The organization's campaign, unless it is closed (409)."""
    campaign = get_campaign(session, organization_id, campaign_id, lock=lock)
    if campaign.status == CampaignStatus.CLOSED:
        raise ConflictError("The campaign is closed.", code="campaign_closed")
    return campaign


def add_stores(session: Session, campaign: Campaign, rows: list[StoreRow]) -> ImportReport:
    """Insert stores, a thousand per statement (one INSERT per store made 5000 of them take seconds); a store
    already in the campaign (same name and address, or same store_ref) is a duplicate row."""
    report = ImportReport()
    seen: set[tuple[str, str]] = set()
    refs: set[str] = set()
    fresh = []
    for row in rows:
        if duplicate_key(row) in seen:
            report.errors.append(RowError(row.line, "name", N_("duplicates an earlier row (same name and address)")))
        elif row.store_ref in refs:
            report.errors.append(RowError(row.line, "store_ref", N_("duplicates an earlier row's store_ref")))
        else:
            seen.add(duplicate_key(row))
            refs.update([row.store_ref] if row.store_ref else [])
            fresh.append(row)
    for start in range(0, len(fresh), STORES_PER_STATEMENT):
        batch = fresh[start : start + STORES_PER_STATEMENT]
        values = [{"campaign_id": campaign.id, "name": row.name, "address": row.address, "geofence_m": row.geofence_m,
                   "location": point_wkt(row.lat, row.lon), "store_ref": row.store_ref, "osm_type": row.osm_type,
                   "osm_id": row.osm_id} for row in batch]  # fmt: skip
        statement = pg_insert(Store).values(values).on_conflict_do_nothing().returning(Store.name, Store.address)
        inserted = {tuple(row) for row in session.execute(statement)}
        for row in batch:
            listed = RowError(
                row.line, "name", N_("this store (its name and address, or its store_ref) is already listed")
            )
            report.count((row.name, row.address) in inserted, listed)
    report.errors.sort(key=lambda error: error.line)
    return report


def _insert_new(session: Session, row: Store | Product | Vehicle | DeploySpot) -> bool:
    """INSERT the row unless one with the same unique key is there already (the database decides)."""
    table = type(row).__table__
    values = {column.key: getattr(row, column.key) for column in table.columns if getattr(row, column.key) is not None}
    statement = pg_insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    return session.execute(statement).scalar_one_or_none() is not None


def add_products(session: Session, campaign: Campaign, products: list[dict[str, Any]]) -> ImportReport:
    """Insert products after checking each GTIN and net quantity; repeats are refused by row."""
    report = ImportReport()
    if products and campaign.kind == CampaignKind.SCOOTER_RECHARGE:
        raise InvalidError("Scooter campaigns list vehicles, not products.", code="wrong_kind")
    for line, product in enumerate(products, start=1):
        values, error = _product_values(line, product)
        if error:
            report.errors.append(error)
            continue
        product_row = Product(campaign_id=campaign.id, **values)
        report.count(_insert_new(session, product_row), RowError(line, "gtin", N_("this product is already listed")))
    return report


def _product_values(line: int, product: dict[str, Any]) -> tuple[dict[str, Any], RowError | None]:
    try:
        gtin = normalize_gtin(product["gtin"])
    except ValueError as error:
        return {}, RowError(line, "gtin", error.args[0])
    values = {"gtin": gtin, "name": product["name"], "net_quantity": product.get("net_quantity")}
    if values["net_quantity"]:
        try:
            quantity = parse_net_quantity(values["net_quantity"])
        except ValueError as error:
            return {}, RowError(line, "net_quantity", error.args[0])
        values.update(net_quantity_amount=quantity.amount, net_quantity_unit=quantity.unit)
    return values, None


def add_vehicles(session: Session, campaign: Campaign, vehicles: list[dict[str, Any]]) -> ImportReport:
    report = ImportReport()
    if vehicles and campaign.kind != CampaignKind.SCOOTER_RECHARGE:
        raise InvalidError("Only scooter campaigns list vehicles.", code="wrong_kind")
    for line, vehicle in enumerate(vehicles, start=1):
        code, location = vehicle["vehicle_code"].strip(), point_wkt(vehicle["lat"], vehicle["lon"])
        battery = vehicle.get("battery_percent")
        vehicle_row = Vehicle(campaign_id=campaign.id, vehicle_code=code, location=location, battery_percent=battery)
        report.count(
            _insert_new(session, vehicle_row), RowError(line, "vehicle_code", N_("this vehicle is already listed"))
        )
    return report


def add_deploy_spots(session: Session, campaign: Campaign, spots: list[dict[str, Any]]) -> ImportReport:
    """Where the campaign's vehicles go back, each with its geofence and daily release window."""
    report = ImportReport()
    for line, spot in enumerate(spots, start=1):
        row = DeploySpot(
            campaign_id=campaign.id,
            name=spot["name"].strip(),
            location=point_wkt(spot["lat"], spot["lon"]),
            geofence_m=spot.get("geofence_m", 50),
            release_from=spot["release_from"],
            release_until=spot["release_until"],
        )
        report.count(_insert_new(session, row), RowError(line, "name", N_("this deploy spot is already listed")))
    return report


def add_campaign_products(
    session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID, products: list[dict[str, Any]]
) -> ImportReport:
    return add_products(session, editable_campaign(session, organization_id, campaign_id), products)


def campaign_products(session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID) -> list[Product]:
    """The campaign's products, by name."""
    campaign = get_campaign(session, organization_id, campaign_id)
    listed = select(Product).where(Product.campaign_id == campaign.id).order_by(Product.name, Product.gtin)
    return list(session.scalars(listed))


def add_campaign_vehicles(
    session: Session, organization_id: uuid.UUID, campaign_id: uuid.UUID, vehicles: list[dict[str, Any]]
) -> ImportReport:
    return add_vehicles(session, editable_campaign(session, organization_id, campaign_id), vehicles)
