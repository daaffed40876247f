"""A phone playing the demo worker through the whole flow against a running API (`make run` does it).

Claim the nearest task, check in on site, photograph one label of the right product (verified and
paid), one of another product (sent to review) and report the others missing, submit, then wait for
the worker process to read the photos, and print what the worker would see at each step.
"""

from __future__ import annotations

import io
import json
import random
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from fieldtasks.ocr.synthetic import Label, careful_photograph, render_label

# (method, path, headers, body bytes or None, content type) -> (status, decoded JSON)
Transport = Callable[[str, str, dict[str, str], bytes | None, str | None], tuple[int, Any]]
SHELF_PRICES = {"3017620422003": 349, "3608580758686": 259, "3250390640516": 429, "3228880010125": 109}
OTHER_PRODUCT = "3068320114453"  # a bottle of water: not in the demo campaign


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

    def call(self, method: str, path: str, body: Any = None, *, expect: int = 200, **headers: str) -> Any:
        data = None if body is None else json.dumps(body).encode()
        status, answer = self.send(
            method, path, {**self.headers, **headers}, data, "application/json" if data else None
        )
        if status != expect:
            raise RuntimeError(f"{method} {path} answered {status}: {answer}")
        return answer

    def upload(self, task_id: str, gtin: str, photo: bytes) -> Any:
        boundary, body = encode_multipart(
            {"file": FileStorage(io.BytesIO(photo), "label.jpg", content_type="image/jpeg"), "gtin": gtin}
        )
        headers = {**self.headers, "Idempotency-Key": str(uuid.uuid4())}
        status, answer = self.send(
            "POST", f"/tasks/{task_id}/photos", headers, body, f"multipart/form-data; boundary={boundary}"
        )
        if status != 201:
            raise RuntimeError(f"upload answered {status}: {answer}")
        return answer


def label_jpeg(gtin: str, price_cents: int, rng: random.Random) -> bytes:
    label = render_label(Label("Démo", price_cents, price_cents * 2, "kg", gtin, "paper", None), rng)
    buffer = io.BytesIO()
    careful_photograph(label, rng, (1600, 1200)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def play(phone: Phone, email: str, password: str, *, wait_s: float = 90, seed: int | None = None) -> dict[str, Any]:
    """The whole flow; returns the task as the worker sees it at the end (`seed`: the same photos)."""
    tokens = phone.call("POST", "/auth/token", {"email": email, "password": password})
    phone.headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    phone.say(f"1. signed in as {email}")
    task = phone.call("GET", "/tasks/nearby?lat=48.8566&lon=2.3522&limit=1")[0]
    place = task["place"]
    phone.say(
        f"2. nearest task: {place['name']} for {task['client_name']} ({task['purpose']}), "
        f"{task['reward_cents']} cents an item, {task['item_count']} items"
    )
    phone.call("POST", f"/tasks/{task['id']}/claim")
    fix = {
        "lat": place["lat"],
        "lon": place["lon"],
        "accuracy_m": 8,
        "is_mock": False,
        "recorded_at": datetime.now(UTC).isoformat(),
    }
    phone.call("POST", f"/tasks/{task['id']}/checkin", fix, expect=201)
    phone.say(f"3. claimed, checked in at {place['name']}")
    rng = random.Random(uuid.uuid4().int if seed is None else seed)  # new photos each play: copies are refused
    items = phone.call("GET", f"/tasks/{task['id']}")["items"]
    for index, item in enumerate(items):
        if index == 0:
            phone.upload(task["id"], item["gtin"], label_jpeg(item["gtin"], SHELF_PRICES.get(item["gtin"], 199), rng))
            phone.say(f"4. photographed the label of {item['product_name']}")
        elif index == 1:
            phone.upload(task["id"], item["gtin"], label_jpeg(OTHER_PRODUCT, 89, rng))
            phone.say(f"   photographed a label for {item['product_name']}, but of another product (a mistake)")
        else:
            phone.call("POST", f"/tasks/{task['id']}/items/{item['id']}/not-found")
            phone.say(f"   reported {item['product_name']} missing from the shelf")
    phone.call("POST", f"/tasks/{task['id']}/submit", expect=202)
    phone.say("5. submitted; the worker process reads the photos...")
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
        phone.say(
            f"6. {item['product_name']}: {item['verdict'] or 'not read yet'}" + (f" ({reasons})" if reasons else "")
        )
    for row in phone.call("GET", "/me/earnings"):
        phone.say(
            f"7. earnings in {row['currency']}: {row['available_cents']} cents available, "
            f"{row['pending_cents']} pending review"
        )
    return task
