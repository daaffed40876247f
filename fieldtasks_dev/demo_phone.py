"""A phone playing the demo worker through each kind of task against a running API (`make run` does it:
`python -m fieldtasks_dev.demo_phone URL` once `python -m fieldtasks.demo` has seeded the demo data).

Shelf prices: claim the nearest store, check in, photograph one label of the right product (verified
and paid), one of another product (sent to review) and report the others missing. Placement: one
photo of a shelf where one product is missing (each product paid, the missing one reported). Scooter:
pick a vehicle up (its code photographed), put it back at a deploy spot whose window is open. After
each, wait for the worker process to read the photos, and print what the worker would see.

Each position fix is sent as soon as it is taken, as the server requires. Between places, the phone
waits the least time the server believes the trip takes (at MAX_PLAUSIBLE_SPEED_KMH): the demo's
places are a few hundred metres apart, so a few seconds.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from fieldtasks import demo
from fieldtasks.geo import MAX_PLAUSIBLE_SPEED_KMH
from fieldtasks.moments import rfc3339
from fieldtasks.products import parse_net_quantity
from fieldtasks_dev.scenes import shelf_photo, vehicle_photo
from fieldtasks_dev.synthetic import Label, careful_photograph, render_label

# (method, path, headers, body bytes or None, content type) -> (status, decoded JSON)
Transport = Callable[[str, str, dict[str, str], bytes | None, str | None], tuple[int, Any]]
SHELF_PRICES = {"3017620422003": 349, "3608580758686": 259, "3250390640516": 429, "3228880010125": 109}
OTHER_PRODUCT = "3068320114453"  # a bottle of water: not in the demo campaign
FIX_ACCURACY_M = 8


def http_transport(base_url: str) -> Transport:
    def send(method, path, headers, body, content_type):
        request = urllib.request.Request(base_url.rstrip("/") + path, data=body, method=method, headers=dict(headers))
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    return send


class Phone:
    def __init__(self, transport: Transport, say: Callable[[str], None] = print):
        self.send, self.say, self.headers = transport, say, {}
        self.last_fix: tuple[float, float, float] | None = None  # lat, lon, and when it reached the server

    def call(self, method: str, path: str, body: Any = None, *, expect: int = 200, **headers: str) -> Any:
        data = None if body is None else json.dumps(body).encode()
        status, answer = self.send(
            method, path, {**self.headers, **headers}, data, "application/json" if data else None
        )
        if status != expect:
            raise RuntimeError(f"{method} {path} answered {status}: {answer}")
        return answer

    def upload(self, task_id: str, photo: bytes, **fields: str) -> Any:
        """A photo for the item named by `fields` (gtin, vehicle_code; none for a shelf photo)."""
        boundary, body = encode_multipart(
            {"file": FileStorage(io.BytesIO(photo), "photo.jpg", content_type="image/jpeg"), **fields}
        )
        headers = {**self.headers, "Idempotency-Key": str(uuid.uuid4())}
        status, answer = self.send(
            "POST", f"/tasks/{task_id}/photos", headers, body, f"multipart/form-data; boundary={boundary}"
        )
        if status != 201:
            raise RuntimeError(f"upload answered {status}: {answer}")
        return answer

    def check_in(self, task_id: str, lat: float, lon: float) -> Any:
        self._travel_to(lat, lon)
        recorded_at = rfc3339(datetime.now(UTC))
        fix = {"lat": lat, "lon": lon, "accuracy_m": FIX_ACCURACY_M, "is_mock": False, "recorded_at": recorded_at}
        answer = self.call("POST", f"/tasks/{task_id}/checkin", fix, expect=201)
        self.last_fix = (lat, lon, time.monotonic())
        return answer

    def _travel_to(self, lat: float, lon: float) -> None:
        if self.last_fix is None:
            return
        metres = max(0.0, distance_m(self.last_fix[:2], (lat, lon)) - 2 * FIX_ACCURACY_M)
        wait_s = metres / (MAX_PLAUSIBLE_SPEED_KMH / 3.6) + 1.0 - (time.monotonic() - self.last_fix[2])
        if metres and wait_s > 0:
            self.say(f"   (travelling {metres:.0f} m: the demo waits {wait_s:.0f} s, the least the server believes)")
            time.sleep(wait_s)

    def nearest(self, kind: str) -> dict[str, Any]:
        return self.call("GET", f"/tasks/nearby?lat=48.8566&lon=2.3522&limit=1&kind={kind}")["items"][0]


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle metres between two (lat, lon)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def jpeg(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def label_jpeg(gtin: str, price_cents: int, rng: random.Random, net_quantity: str | None = None) -> bytes:
    """A label as the store prints it: its unit price is the price for the product's net quantity."""
    quantity = parse_net_quantity(net_quantity or "1 kg")
    per_unit = round(price_cents / quantity.amount)
    label = render_label(Label("Démo", price_cents, per_unit, quantity.unit, gtin, "paper", None), rng)
    buffer = io.BytesIO()
    careful_photograph(label, rng, (1600, 1200)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def money(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d} €"


def sign_in(phone: Phone, email: str, password: str) -> None:
    tokens = phone.call("POST", "/auth/token", {"email": email, "password": password})
    phone.headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    phone.say(f"signed in as {email}")


def play_all(phone: Phone, email: str, password: str, *, wait_s: float = 90) -> list[dict[str, Any]]:
    """Each kind of task in turn; returns the tasks as the worker sees them at the end."""
    shelf = play(phone, email, password, wait_s=wait_s)
    return [shelf, play_placement(phone, wait_s=wait_s), play_scooter(phone, wait_s=wait_s)]


def play(phone: Phone, email: str, password: str, *, wait_s: float = 90, seed: int | None = None) -> dict[str, Any]:
    """The shelf-price flow; returns the task as the worker sees it at the end (`seed`: the same photos)."""
    sign_in(phone, email, password)
    task = phone.nearest("shelf_price")
    place = task["place"]
    phone.say(
        f"1. nearest shelf-price task: {place['name']} for {task['client_name']} ({task['purpose']}), "
        f"{task['reward_cents']} cents an item, {task['item_count']} items"
    )
    phone.call("POST", f"/tasks/{task['id']}/claim", {"lat": place["lat"], "lon": place["lon"]})
    phone.check_in(task["id"], place["lat"], place["lon"])
    phone.say(f"2. claimed, checked in at {place['name']}")
    rng = random.Random(uuid.uuid4().int if seed is None else seed)  # new photos each play: copies are refused
    items = phone.call("GET", f"/tasks/{task['id']}")["items"]
    for index, item in enumerate(items):
        price = SHELF_PRICES.get(item["gtin"], 199)
        if index == 0:
            photo = label_jpeg(item["gtin"], price, rng, item.get("net_quantity"))
            phone.upload(task["id"], photo, gtin=item["gtin"], price_cents=str(price))
            phone.say(f"3. photographed the label of {item['product_name']} and typed its price, {money(price)}")
        elif index == 1:
            phone.upload(task["id"], label_jpeg(OTHER_PRODUCT, 89, rng), gtin=item["gtin"], price_cents="89")
            phone.say(f"   photographed a label for {item['product_name']}, but of another product (a mistake)")
        elif index == 2:
            typo = price + 10 if price % 100 < 90 else price - 10  # one digit off
            photo = label_jpeg(item["gtin"], price, rng, item.get("net_quantity"))
            phone.upload(task["id"], photo, gtin=item["gtin"], price_cents=str(typo))
            phone.say(f"   photographed {item['product_name']} at {money(price)} but typed {money(typo)} (a typo)")
        else:
            empty_place = label_jpeg(item["gtin"], price, rng, item.get("net_quantity"))  # its label, no product
            phone.upload(task["id"], empty_place, gtin=item["gtin"], absent="true")
            phone.say(f"   reported {item['product_name']} missing from the shelf, its empty place photographed")
    phone.call("POST", f"/tasks/{task['id']}/submit", expect=202)
    phone.say("4. submitted; the worker process reads the photos...")
    return _wait_for_verdicts(phone, task["id"], wait_s)


def play_placement(phone: Phone, *, wait_s: float = 90, seed: int | None = None) -> dict[str, Any]:
    """One shelf photo where the campaign's last product is missing (another product stands there)."""
    task = phone.nearest("product_placement")
    place = task["place"]
    phone.say(f"1. nearest placement task: {place['name']} for {task['client_name']}, {task['item_count']} products")
    phone.call("POST", f"/tasks/{task['id']}/claim", {"lat": place["lat"], "lon": place["lon"]})
    phone.check_in(task["id"], place["lat"], place["lon"])
    gtins = [item["gtin"] for item in phone.call("GET", f"/tasks/{task['id']}")["items"]]
    rng = random.Random(uuid.uuid4().int if seed is None else seed)
    phone.upload(task["id"], jpeg(shelf_photo([*gtins[:-1], OTHER_PRODUCT], rng)))
    phone.say("2. photographed the shelf section (12 MP), one product missing from it")
    phone.call("POST", f"/tasks/{task['id']}/submit", expect=202)
    return _wait_for_verdicts(phone, task["id"], wait_s)


def play_scooter(phone: Phone, *, wait_s: float = 90, seed: int | None = None) -> dict[str, Any]:
    """Pick a scooter up, charge it, put it back at the deploy spot whose release window is open."""
    task = phone.nearest("scooter_recharge")
    code, place = task["place"]["name"], task["place"]
    phone.say(
        f"1. nearest scooter: {code} for {task['client_name']}, {task['reward_cents']} cents "
        f"({task['late_reward_cents']} if late) + {task['charge_reimbursement_cents']} cents of electricity"
    )
    phone.call("POST", f"/tasks/{task['id']}/claim", {"lat": place["lat"], "lon": place["lon"]})
    phone.check_in(task["id"], place["lat"], place["lon"])
    rng = random.Random(uuid.uuid4().int if seed is None else seed)
    phone.upload(task["id"], jpeg(vehicle_photo(code, rng, (1600, 1200))), vehicle_code=code)
    pickup = phone.call("POST", f"/tasks/{task['id']}/pickup")
    phone.say(f"2. picked up {code} (code photographed); drop it off before {pickup['claim_expires_at']}")
    spots = phone.call("GET", f"/tasks/{task['id']}")["scooter"]["deploy_spots"]
    spot = next(spot for spot in spots if spot["open_now"])
    phone.check_in(task["id"], spot["lat"], spot["lon"])
    phone.upload(task["id"], jpeg(vehicle_photo(code, rng, (1600, 1200), "code128")), vehicle_code=code)
    phone.say(f"3. charged, put back at {spot['name']} (window {spot['release_window']}), code photographed")
    phone.call("POST", f"/tasks/{task['id']}/submit", expect=202)
    return _wait_for_verdicts(phone, task["id"], wait_s)


def _wait_for_verdicts(phone: Phone, task_id: str, wait_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + wait_s
    while True:
        task = phone.call("GET", f"/tasks/{task_id}")
        if all(item["verdict"] for item in task["items"]) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    for item in task["items"]:
        reasons = "; ".join(reason["message"] for reason in item["reasons"])
        shelf = {"present": ", on the shelf", "absent": ", missing from the shelf"}.get(item.get("presence"), "")
        phone.say(
            f"   {item['product_name'] or item['vehicle_code']}: {item['verdict'] or 'not read yet'}{shelf}"
            + (f" ({reasons})" if reasons else "")
        )
    for row in phone.call("GET", "/me/earnings")["items"]:
        phone.say(
            f"   earnings in {row['currency']}: {row['available_cents']} cents available, "
            f"{row['pending_cents']} pending review"
        )
    return task


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the API to play against, e.g. http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    try:
        play_all(Phone(http_transport(args.url)), demo.WORKER_EMAIL, demo.DEMO_PASSWORD)
    except (RuntimeError, OSError, IndexError) as error:
        print(f"the demo phone stopped: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
