"""Webhooks against a real local HTTP receiver that checks signatures and sometimes answers 500;
API keys for the client's servers."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rq.job import Job
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.errors import InvalidError
from fieldtasks.jobs.maintenance import run_sweep
from fieldtasks.jobs.webhooks import run_delivery, signature
from fieldtasks.services.webhooks import check_url
from tests.database import ROOT
from tests.fieldwork import EVIAN, HERE, PARIS, credit, fresh_fix, new_client
from tests.helpers import bearer, pages, register, sign_in
from tests.verification import hand_in, label_photo, read_photo, stores_campaign


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that verifies each delivery's signature as a client would."""

    def __init__(self, secret_box: dict, failures: int):
        self.received: list[dict] = []
        self.bad_signatures = 0
        self.failures_left = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fields = dict(part.split("=", 1) for part in self.headers["Fieldtasks-Signature"].split(","))
                expected = hmac.new(
                    secret_box["secret"].encode(), fields["t"].encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                if not hmac.compare_digest(expected, fields["v1"]):
                    receiver.bad_signatures += 1
                    self.send_response(400)
                elif receiver.failures_left > 0:
                    receiver.failures_left -= 1
                    self.send_response(500)
                else:
                    receiver.received.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    box: dict = {}
    made: list[Receiver] = []

    def make(failures: int = 0) -> tuple[Receiver, dict]:
        made.append(Receiver(box, failures))
        return made[-1], box

    yield make
    for one in made:
        one.close()


def deliveries(client, campaign, webhook_id):
    """The webhook's deliveries by event, read a page of one at a time."""
    found = pages(client, f"/webhooks/{webhook_id}/deliveries", campaign["headers"], limit=1)
    assert all(len(page) == 1 for page in found[:-1])
    return {d["event"]: d for page in found for d in page}


def subscribe(client, campaign, receiver_url, box, events=("price.verified", "task.completed")):
    created = client.post("/webhooks", json={"url": receiver_url, "events": list(events)}, headers=campaign["headers"])
    assert created.status_code == 201, created.json
    box["secret"] = created.json["secret"]
    assert "secret" not in client.get("/webhooks", headers=campaign["headers"]).json["items"][0]
    return created.json["id"]


def test_signed_deliveries_are_retried_after_a_500_and_recorded(client, receiver, clock, redis):
    campaign = stores_campaign(client, 1)
    server, box = receiver(failures=1)
    webhook_id = subscribe(client, campaign, server.url, box)
    read_photo(client, hand_in(client, label_photo(price_cents=349), campaign))
    pending = deliveries(client, campaign, webhook_id)
    assert set(pending) == {"price.verified", "task.completed"}
    res = client.application.extensions[EXTENSION]
    outcomes = sorted(run_delivery(res, uuid.UUID(d["id"])) for d in pending.values())
    assert outcomes == ["delivered", "pending"]  # the receiver failed the first one with a 500
    retry = next(d for d in deliveries(client, campaign, webhook_id).values() if d["status"] == "pending")
    assert retry["attempts"] == 1 and retry["last_status_code"] == 500
    assert run_delivery(res, uuid.UUID(retry["id"])) == "skipped"  # not before its time
    clock.advance(seconds=31)
    redis.flushdb()  # the retry's job is lost: the sweep finds the delivery in PostgreSQL
    assert run_sweep(res).deliveries == 1
    assert run_delivery(res, uuid.UUID(retry["id"])) == "delivered"
    assert server.bad_signatures == 0
    events = {body["event"]: body for body in server.received}
    assert events["price.verified"]["data"]["price_cents"] == 349
    assert events["task.completed"]["data"]["items"] == {"verified": 1}


def test_a_redirect_is_a_failed_attempt_never_followed(client, receiver):
    """A receiver answering 302 towards another address (an internal one, say) gets nothing further: the
    signed POST is not re-sent, and the attempt is recorded as failed with that status."""
    target, box = receiver()

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(302)
            self.send_header("Location", target.url)
            self.end_headers()

        def log_message(self, *args):
            pass

    bouncer = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=bouncer.serve_forever, daemon=True).start()
    try:
        campaign = stores_campaign(client, 1)
        url = f"http://127.0.0.1:{bouncer.server_port}/hooks"
        webhook_id = subscribe(client, campaign, url, box, events=("task.completed",))
        read_photo(client, hand_in(client, label_photo(price_cents=349), campaign))
        [pending] = deliveries(client, campaign, webhook_id).values()
        res = client.application.extensions[EXTENSION]
        assert run_delivery(res, uuid.UUID(pending["id"])) == "pending"
    finally:
        bouncer.shutdown()
        bouncer.server_close()
    [attempted] = deliveries(client, campaign, webhook_id).values()
    assert attempted["last_status_code"] == 302 and "redirect is not followed" in attempted["last_error"]
    assert target.received == []


def test_a_webhook_url_with_an_impossible_port_is_refused(client):
    campaign = stores_campaign(client, 1)
    created = client.post("/webhooks", json={"url": "https://example.com:99999/h", "events": ["task.completed"]},
                          headers=campaign["headers"])  # fmt: skip
    assert (created.status_code, created.json["code"]) == (422, "webhook_url_not_allowed")


def test_a_delivery_fails_after_24_hours_of_retries_and_can_be_redelivered(client, receiver, clock, connection):
    owner = register(client, "client")
    credit(client, owner["organization"]["id"], 1_000_000)
    campaign = stores_campaign(client, 1, bearer(sign_in(client, owner["email"])))
    server, box = receiver(failures=1000)
    webhook_id = subscribe(client, campaign, server.url, box, events=["price.verified"])
    read_photo(client, hand_in(client, label_photo(), campaign))
    delivery_id = uuid.UUID(deliveries(client, campaign, webhook_id)["price.verified"]["id"])
    res = client.application.extensions[EXTENSION]
    attempts = 0
    while run_delivery(res, delivery_id) == "pending":
        attempts += 1
        clock.advance(hours=2, seconds=1)
    status, tries = connection.execute(
        text("SELECT status, attempts FROM webhook_deliveries WHERE id = :d"), {"d": delivery_id}
    ).one()
    assert status == "failed" and tries == attempts + 1 and 10 <= tries <= 20
    server.failures_left = 0
    headers = bearer(sign_in(client, owner["email"]))  # a day later: a fresh sign-in
    again = client.post(f"/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver", headers=headers)
    assert again.status_code == 202 and again.json["status"] == "pending"
    assert run_delivery(res, delivery_id) == "delivered"


def test_another_organization_sees_no_webhook_of_mine(client, receiver):
    campaign = stores_campaign(client, 1)
    server, box = receiver()
    webhook_id = subscribe(client, campaign, server.url, box)
    stranger = new_client(client)
    assert client.get(f"/webhooks/{webhook_id}/deliveries", headers=stranger).status_code == 404
    assert client.delete(f"/webhooks/{webhook_id}", headers=stranger).status_code == 404
    assert client.get("/webhooks", headers=stranger).json == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/x", "http://10.1.2.3/x", "http://[::1]/x", "ftp://x.org"])
def test_webhooks_to_private_addresses_are_refused_by_default(url):
    with pytest.raises(InvalidError) as refused:
        check_url(url, allow_private=False)
    assert refused.value.code == "webhook_url_not_allowed"


def test_api_keys_open_feeds_and_webhooks_only_until_revoked(client):
    campaign = stores_campaign(client, 1)
    created = client.post("/api-keys", json={"name": "pricing server"}, headers=campaign["headers"])
    assert created.status_code == 201
    key = created.json["key"]
    listed = client.get("/api-keys", headers=campaign["headers"]).json["items"]
    assert listed[0]["prefix"] == key[:12] and "key" not in listed[0]
    server = {"Authorization": f"Bearer {key}"}
    assert client.get("/feeds/prices", headers=server).status_code == 200
    assert client.get("/webhooks", headers=server).status_code == 200
    refused = client.get("/campaigns", headers=server)
    assert refused.status_code == 403 and refused.json["code"] == "api_key_not_allowed"
    assert client.post("/api-keys", json={"name": "x"}, headers=server).status_code == 403
    assert client.delete(f"/api-keys/{created.json['id']}", headers=campaign["headers"]).status_code == 204
    revoked = client.get("/feeds/prices", headers=server)
    assert revoked.status_code == 401 and revoked.json["code"] == "invalid_api_key"


def test_the_readme_verification_snippet_accepts_our_signature_and_refuses_a_forgery():
    readme = (ROOT / "README.md").read_text()
    snippet = readme.split("Checking a delivery:\n\n```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(snippet, namespace)  # the code a client would copy
    body = b'{"event":"price.verified"}'
    header = signature("whsec_test", int(time.time()), body)
    assert namespace["is_genuine"]("whsec_test", header, body)
    assert not namespace["is_genuine"]("whsec_other", header, body)
    assert not namespace["is_genuine"]("whsec_test", header, body + b" ")


def test_budget_low_is_announced_once_when_the_escrow_falls_below_a_tenth(client, receiver):
    campaign = stores_campaign(client, 3, budget_cents=120)  # exactly 3 items at 40 cents
    server, box = receiver()
    webhook_id = subscribe(client, campaign, server.url, box, events=["campaign.budget_low"])
    res = client.application.extensions[EXTENSION]
    for seed in range(2):
        read_photo(client, hand_in(client, label_photo(seed=20 + seed), campaign))
    assert deliveries(client, campaign, webhook_id) == {}  # 40 cents left: a third of the budget
    read_photo(client, hand_in(client, label_photo(seed=23), campaign))
    announced = deliveries(client, campaign, webhook_id)
    assert list(announced) == ["campaign.budget_low"]
    assert run_delivery(res, uuid.UUID(announced["campaign.budget_low"]["id"])) == "delivered"
    assert server.received[0]["data"]["left_cents"] == 0


def test_a_price_approved_by_a_moderator_is_announced_too(client, receiver, staff):
    campaign = stores_campaign(client, 1)
    server, box = receiver()
    webhook_id = subscribe(client, campaign, server.url, box, events=["price.verified"])
    read_photo(client, hand_in(client, label_photo(gtin=EVIAN, seed=40), campaign))  # to review: wrong product
    assert deliveries(client, campaign, webhook_id) == {}
    moderator = bearer(sign_in(client, staff("moderator")))
    case = client.post("/moderation/cases/next", headers=moderator).json
    decision = {"outcome": "approve", "price_cents": 359}
    assert client.post(f"/moderation/cases/{case['id']}/decision", json=decision, headers=moderator).status_code == 200
    announced = deliveries(client, campaign, webhook_id)["price.verified"]
    res = client.application.extensions[EXTENSION]
    # Enqueued by the decision itself, after its commit: no sweep needed.
    assert Job.exists(f"webhook-{announced['id']}", connection=res.redis)
    assert run_delivery(res, uuid.UUID(announced["id"])) == "delivered"
    assert server.received[0]["data"]["verified_by"] == "moderator"
    assert server.received[0]["data"]["price_cents"] == 359


def test_a_task_settled_at_submission_announces_itself_from_the_submit(client, receiver):
    campaign = stores_campaign(client, 1)
    server, box = receiver()
    webhook_id = subscribe(client, campaign, server.url, box, events=["task.completed"])
    worker = bearer(sign_in(client, register(client, "worker")["email"]))
    task_id = client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]}, headers=worker).json[
        "items"
    ][0]["id"]
    assert client.post(f"/tasks/{task_id}/claim", json=HERE, headers=worker).status_code == 200
    assert client.post(f"/tasks/{task_id}/checkin", json=fresh_fix(client), headers=worker).status_code == 201
    [item] = client.get(f"/tasks/{task_id}", headers=worker).json["items"]
    assert client.post(f"/tasks/{task_id}/items/{item['id']}/not-found", headers=worker).status_code == 200
    assert client.post(f"/tasks/{task_id}/submit", headers=worker).status_code == 202
    announced = deliveries(client, campaign, webhook_id)["task.completed"]
    res = client.application.extensions[EXTENSION]
    assert Job.exists(f"webhook-{announced['id']}", connection=res.redis)  # no photo to read, no sweep to wait for
    assert run_delivery(res, uuid.UUID(announced["id"])) == "delivered"
    assert server.received[0]["data"]["items"] == {"rejected": 1}  # missing, with nothing to show it
