"""Builders for verification tests: real shelf-label photos and a task handed in through the API."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import uuid
from dataclasses import dataclass

from PIL import Image

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.photo_reading import run_extraction
from fieldtasks_dev.synthetic import Label, careful_photograph, render_label
from tests.conftest import make_environ
from tests.database import ROOT
from tests.fieldwork import HERE, NUTELLA, PARIS, fresh_fix, published_campaign, upload
from tests.helpers import bearer, register, sign_in

ONE_STORE = [{"name": "Monoprix Rivoli", "address": "1 rue de Rivoli", "lat": PARIS[0], "lon": PARIS[1]}]
ONE_PRODUCT = [{"gtin": NUTELLA, "name": "Nutella 400 g", "net_quantity": "400 g"}]


def label_photo(
    gtin: str = NUTELLA,
    price_cents: int = 349,
    *,
    gps: tuple[float, float] | None = None,
    exif_time: str | None = None,
    seed: int = 1,
    unit_price_cents: int | None = None,
) -> bytes:
    """A shelf label (EAN-13, a price with raised cents, its price per kg for 400 g unless told another)
    photographed straight on, as a JPEG."""
    rng = random.Random(seed)  # framing and background vary by seed, as two real photos would
    per_kg = unit_price_cents or int(price_cents / 0.4 + 0.5)
    label = render_label(Label("Nutella 400 g", price_cents, per_kg, "kg", gtin, "paper", None), rng)
    photo = careful_photograph(label, rng, (1600, 1200))
    exif = Image.Exif()
    if exif_time:
        exif.get_ifd(0x8769)[36867] = exif_time
    if gps:
        exif[0x8825] = {1: "N", 2: _dms(gps[0]), 3: "E", 4: _dms(gps[1])}
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    degrees, rest = divmod(abs(value), 1)
    minutes, seconds = divmod(rest * 60, 1)
    return (float(degrees), float(minutes), round(seconds * 60, 4))


def stores_campaign(client, stores: int, headers: dict | None = None, **overrides) -> dict:
    """One product in `stores` stores a few metres apart."""
    places = [{"name": f"Store {i}", "lat": PARIS[0] + i * 1e-4, "lon": PARIS[1]} for i in range(stores)]
    return published_campaign(client, headers, stores=places, products=ONE_PRODUCT, **overrides)


@dataclass
class HandedIn:
    worker: dict
    task_id: str
    item_id: str
    photo_id: str
    campaign: dict
    email: str | None = None  # to sign in again after the clock moved past the token's life


def hand_in(
    client,
    photo: bytes,
    campaign: dict | None = None,
    worker: dict | None = None,
    *,
    clock=None,
    minutes: float = 0,
    **form: str,
) -> HandedIn:
    """Claim the campaign's task, check in, upload `photo` for its one item, submit (`minutes` after
    the claim, on the test's `clock`)."""
    campaign = campaign or published_campaign(client, stores=ONE_STORE, products=ONE_PRODUCT)
    email = None
    if worker is None:
        email = register(client, "worker")["email"]
        worker = bearer(sign_in(client, email))
    task_id = next(
        t["id"]
        for t in client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]}, headers=worker).json[
            "items"
        ]
        if t["campaign_id"] == campaign["id"]
    )
    assert client.post(f"/tasks/{task_id}/claim", json=HERE, headers=worker).status_code == 200
    assert client.post(f"/tasks/{task_id}/checkin", json=fresh_fix(client), headers=worker).status_code == 201
    item = client.get(f"/tasks/{task_id}", headers=worker).json["items"][0]
    uploaded = upload(client, worker, task_id, f"key-{uuid.uuid4()}", photo, gtin=item["gtin"], **form)
    assert uploaded.status_code == 201, uploaded.json
    if clock is not None:
        clock.advance(minutes=minutes)
    assert client.post(f"/tasks/{task_id}/submit", headers=worker).status_code == 202
    return HandedIn(worker, task_id, item["id"], uploaded.json["id"], campaign, email)


def read_photo(client, handed_in: HandedIn, generation: int = 1) -> str:
    """Run the extraction job's body, as a worker would, in this test's transaction."""
    res = client.application.extensions[EXTENSION]
    return run_extraction(res, uuid.UUID(handed_in.photo_id), generation)


def item_of(client, handed_in: HandedIn) -> dict:
    return client.get(f"/tasks/{handed_in.task_id}", headers=handed_in.worker).json["items"][0]


def earnings(client, worker: dict) -> dict:
    rows = client.get("/me/earnings", headers=worker).json["items"]
    return next((row for row in rows if row["currency"] == "EUR"), {})


def run_worker_burst(app) -> subprocess.CompletedProcess:
    """A real worker process drains the extraction queue, then exits."""
    env = {**os.environ, **make_environ(STORAGE_URL=app.extensions[EXTENSION].config.storage_url)}
    command = [sys.executable, "worker.py", "--burst", "extraction"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
