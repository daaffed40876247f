"""Builders for field-work tests: a published campaign, signed-in workers, photos with EXIF."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from fieldtasks.api.context import EXTENSION
from fieldtasks.services import payments
from tests.helpers import bearer, register, sign_in

ZERO = timedelta(0)

PARIS = (48.8566, 2.3522)
HERE = {"lat": PARIS[0], "lon": PARIS[1]}  # where a test worker claims from: the test campaigns are in Paris
NUTELLA = "3017620422003"
EVIAN = "3068320114453"  # EAN-13
COLA_UPC = "049000050103"  # UPC-A, stored as 0049000050103
BASTILLE = (48.8532, 2.3692)
# Open all day but the last minute: tests that are not about release windows can always drop off.
DEPLOY_SPOT = {"name": "Bastille", "lat": BASTILLE[0], "lon": BASTILLE[1], "release_from": "00:00",
               "release_until": "23:59"}  # fmt: skip


def campaign_body(kind: str = "shelf_price", **overrides) -> dict:
    now = datetime.now(UTC)
    body = {
        "title": "Prix du petit-déjeuner",
        "kind": kind,
        "purpose": "Supermarchés Dupont compare breakfast prices in Paris to set their own.",
        "instructions": "Photograph each listed product's shelf label, price readable.",
        "reward_cents": 40,
        "budget_cents": 100_000,
        "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(),
    }
    if kind == "scooter_recharge":
        body["vehicles"] = [{"vehicle_code": "SCT-0001", "lat": PARIS[0], "lon": PARIS[1], "battery_percent": 9}]
        body["deploy_spots"] = [DEPLOY_SPOT]
        body.update(late_reward_cents=20, charge_reimbursement_cents=15)
    else:
        body["stores"] = [
            {"name": "Monoprix Rivoli", "address": "1 rue de Rivoli", "lat": PARIS[0], "lon": PARIS[1]},
            {"name": "Carrefour City Bastille", "address": "2 place de la Bastille", "lat": 48.8532, "lon": 2.3692},
        ]
        body["products"] = [
            {"gtin": NUTELLA, "name": "Nutella 400 g", "net_quantity": "400 g"},
            {"gtin": EVIAN, "name": "Evian 1 L", "net_quantity": "1 L"},
        ]
    return {**body, **overrides}


def new_client(client, funds_cents: int = 1_000_000, currency: str = "EUR") -> dict:
    """A client signed in, its organization credited with `funds_cents` (as an admin would)."""
    account = register(client, "client")
    if funds_cents:
        credit(client, account["organization"]["id"], funds_cents, currency)
    return bearer(sign_in(client, account["email"]))


def credit(client, organization_id: str, amount_cents: int, currency: str = "EUR") -> None:
    """Money received from a client: set-up, done through the service the admin endpoint calls."""
    res = client.application.extensions[EXTENSION]
    with res.database.unit_of_work() as session:
        payments.credit_organization(
            session, uuid.UUID(organization_id), amount_cents, currency, key=str(uuid.uuid4()), now=res.clock()
        )


def new_worker(client) -> dict:
    account = register(client, "worker")
    return bearer(sign_in(client, account["email"]))


def published_campaign(client, headers: dict | None = None, accept_floor_top_up: bool = False, **overrides) -> dict:
    headers = headers or new_client(client)
    created = client.post("/campaigns", json=campaign_body(**overrides), headers=headers)
    assert created.status_code == 201, created.json
    options = {"json": {"accept_floor_top_up": True}} if accept_floor_top_up else {}
    published = client.post(f"/campaigns/{created.json['id']}/publish", headers=headers, **options)
    assert published.status_code == 200, published.json
    return {**published.json["campaign"], "headers": headers}


def nearby(client, worker: dict, lat: float = PARIS[0], lon: float = PARIS[1], **params) -> list[dict]:
    response = client.get("/tasks/nearby", query_string={"lat": lat, "lon": lon, **params}, headers=worker)
    assert response.status_code == 200, response.json
    return response.json["items"]


def task_at(client, worker: dict, store_name: str = "Monoprix Rivoli") -> dict:
    return next(task for task in nearby(client, worker) if task["place"]["name"] == store_name)


def on_site(client):
    """A worker who claimed a task of a new campaign and checked in at its store."""
    published_campaign(client)
    worker = new_worker(client)
    task = task_at(client, worker)
    client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker)
    client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    return worker, task


def fresh_fix(client, lat: float = PARIS[0], lon: float = PARIS[1], *, ago: timedelta = ZERO, **overrides) -> dict:
    """A check-in body taken `ago` before now by the app's clock (the test's clock, which a test may move)."""
    now = client.application.extensions[EXTENSION].clock()
    return checkin_body(lat, lon, recorded_at=(now - ago).isoformat(), **overrides)


def checkin_body(lat: float = PARIS[0], lon: float = PARIS[1], *, recorded_at: str, **overrides) -> dict:
    """A check-in body taken at `recorded_at` (never the wall clock: the app runs on the test's clock)."""
    return {"lat": lat, "lon": lon, "accuracy_m": 10, "is_mock": False, "recorded_at": recorded_at, **overrides}


def report_missing(client, worker: dict, task_id: str, gtin: str) -> str:
    """Report an item's product missing with a photo of its empty place (unread until a test reads it)."""
    seed = uuid.uuid4().int % 10_000
    uploaded = upload(client, worker, task_id, f"key-{uuid.uuid4()}", photo_bytes(seed=seed), gtin=gtin, absent="true")
    assert uploaded.status_code == 201, uploaded.json
    return uploaded.json["id"]


def photo_bytes(fmt: str = "JPEG", size=(640, 480), exif_time: str | None = None, seed: int = 0) -> bytes:
    """A small picture with some structure (so perceptual hashes differ by seed)."""
    image = Image.new("RGB", size, (240, 240, 240))
    draw = ImageDraw.Draw(image)
    for i in range(8):
        x = (seed * 37 + i * 71) % size[0]
        draw.rectangle([x, 20 + i * 40, x + 120, 50 + i * 40], fill=((seed * 50) % 255, 40 * i % 255, 90))
    buffer = io.BytesIO()
    exif = Image.Exif()
    if exif_time:
        exif.get_ifd(0x8769)[36867] = exif_time
        exif[0x0112] = 6  # rotated 90° clockwise
    image.save(buffer, fmt, exif=exif.tobytes() if exif_time else b"")
    return buffer.getvalue()


def upload(client, worker: dict, task_id: str, key: str, data: bytes, **form) -> object:
    """POST a photo as a phone would; the body is encoded in memory (no temporary file to leak)."""
    photo = FileStorage(io.BytesIO(data), filename="photo.jpg", content_type="image/jpeg")
    boundary, body = encode_multipart({"file": photo, **form})
    headers = {**worker, "Idempotency-Key": key}
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post(f"/tasks/{task_id}/photos", data=body, headers=headers, content_type=content_type)
