"""Isolation, proven on every operation of the OpenAPI document.

Each operation is called as anonymous, worker A, worker B, client X, client Y (another organization),
moderator and admin, with ids that belong to X and A. Expected: 401 without credentials, 403 for a role
that may not call it, 404 (or a refusal that reveals nothing) for another tenant's object, never a 5xx,
and never X's data in an answer to client Y. A new endpoint fails this test until it is classified below.
"""

from __future__ import annotations

import re
import uuid

from tests.fieldwork import HERE, credit, fresh_fix, photo_bytes, upload
from tests.helpers import bearer, register, sign_in
from tests.verification import ONE_PRODUCT

PUBLIC = "public"
ANY = {"worker", "client", "moderator", "admin"}
# Who may call each operation, and whose object its path names: "org" (client X's), "worker" (worker A's
# held task), or None. Written by hand, independently of the code's own declarations.
OPERATIONS: dict[tuple[str, str], tuple[object, str | None]] = {
    ("get", "/healthz"): (PUBLIC, None),
    ("get", "/readyz"): (PUBLIC, None),
    ("post", "/auth/register"): (PUBLIC, None),
    ("post", "/auth/token"): (PUBLIC, None),
    ("post", "/auth/refresh"): (PUBLIC, None),
    ("post", "/auth/revoke"): (PUBLIC, None),
    ("get", "/me"): (ANY, None),
    ("delete", "/me"): ({"worker"}, None),
    ("post", "/admin/users"): ({"admin"}, None),
    ("get", "/admin/payouts"): ({"admin"}, None),
    ("post", "/admin/payouts/{payout_id}/sent"): ({"admin"}, None),
    ("post", "/admin/payouts/{payout_id}/failed"): ({"admin"}, None),
    ("get", "/me/payouts"): ({"worker"}, None),
    ("get", "/campaigns"): ({"client"}, None),
    ("post", "/campaigns"): ({"client"}, None),
    ("get", "/campaigns/{campaign_id}"): ({"client"}, "org"),
    ("patch", "/campaigns/{campaign_id}"): ({"client"}, "org"),
    ("delete", "/campaigns/{campaign_id}"): ({"client"}, "org"),
    ("get", "/organization/account"): ({"client"}, None),
    ("post", "/campaigns/{campaign_id}/stores"): ({"client"}, "org"),
    ("get", "/campaigns/{campaign_id}/stores"): ({"client"}, "org"),
    ("get", "/campaigns/{campaign_id}/stores/{store_id}"): ({"client"}, "org"),
    ("patch", "/campaigns/{campaign_id}/stores/{store_id}"): ({"client"}, "org"),
    ("delete", "/campaigns/{campaign_id}/stores/{store_id}"): ({"client"}, "org"),
    ("post", "/campaigns/{campaign_id}/products"): ({"client"}, "org"),
    ("post", "/campaigns/{campaign_id}/vehicles"): ({"client"}, "org"),
    ("post", "/campaigns/{campaign_id}/publish"): ({"client"}, "org"),
    ("get", "/campaigns/{campaign_id}/progress"): ({"client"}, "org"),
    ("post", "/campaigns/{campaign_id}/pause"): ({"client"}, "org"),
    ("post", "/campaigns/{campaign_id}/close"): ({"client"}, "org"),
    ("get", "/tasks/nearby"): ({"worker"}, None),
    ("get", "/tasks/{task_id}"): ({"worker"}, "worker"),
    ("post", "/tasks/{task_id}/claim"): ({"worker"}, "worker"),
    ("delete", "/tasks/{task_id}/claim"): ({"worker"}, "worker"),
    ("post", "/tasks/{task_id}/checkin"): ({"worker"}, "worker"),
    ("post", "/tasks/{task_id}/photos"): ({"worker"}, "worker"),
    ("post", "/tasks/{task_id}/items/{item_id}/not-found"): ({"worker"}, "worker"),
    ("post", "/tasks/{task_id}/submit"): ({"worker"}, "worker"),
    ("post", "/tasks/{task_id}/pickup"): ({"worker"}, "worker"),
    ("get", "/me/tasks"): ({"worker"}, None),
    ("post", "/admin/organizations/{organization_id}/credits"): ({"admin"}, None),
    ("get", "/me/earnings"): ({"worker"}, None),
    ("get", "/me/ledger"): ({"worker"}, None),
    ("post", "/me/payouts"): ({"worker"}, None),
    ("get", "/feeds/prices"): ({"client"}, None),
    ("get", "/feeds/stores"): ({"client"}, None),
    ("get", "/feeds/shelf"): ({"client"}, None),
    ("post", "/feeds/prices/{price_id}/dispute"): ({"client"}, "org"),
    ("get", "/feeds/charges"): ({"client"}, None),
    ("get", "/campaigns/{campaign_id}/brief"): ({"worker"}, None),
    ("get", "/me/work-record"): ({"worker"}, None),
    ("put", "/tasks/{task_id}/rating"): ({"worker"}, "worker"),
    ("get", "/campaigns/{campaign_id}/ratings"): ({"client"}, "org"),
    ("post", "/campaigns/{campaign_id}/questions"): ({"worker"}, None),
    ("get", "/campaigns/{campaign_id}/questions"): ({"worker", "client"}, None),  # workers: every answer
    ("put", "/campaigns/{campaign_id}/questions/{question_id}/answer"): ({"client"}, "org"),
    ("get", "/clients/{organization_id}/record"): (ANY, None),  # every worker's, and the client's own
    ("get", "/me/hidden"): ({"worker"}, None),
    ("get", "/me/reputation"): ({"worker"}, None),
    ("get", "/qualifications"): ({"worker"}, None),
    ("post", "/qualifications/{code}/attempts"): ({"worker"}, None),
    ("get", "/qualifications/attempts/{attempt_id}/questions/{index}"): ({"worker"}, "worker"),
    ("post", "/qualifications/attempts/{attempt_id}/answers"): ({"worker"}, "worker"),
    ("post", "/me/hidden"): ({"worker"}, None),
    ("delete", "/me/hidden/{hide_id}"): ({"worker"}, "worker"),
    ("post", "/work-records/verify"): (PUBLIC, None),
    ("get", "/.well-known/fieldtasks-work-record-key"): (PUBLIC, None),
    ("get", "/photos/{photo_id}/clean"): (PUBLIC, None),
    ("get", "/webhooks"): ({"client"}, None),
    ("post", "/webhooks"): ({"client"}, None),
    ("delete", "/webhooks/{webhook_id}"): ({"client"}, "org"),
    ("get", "/webhooks/{webhook_id}/deliveries"): ({"client"}, "org"),
    ("post", "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"): ({"client"}, "org"),
    ("get", "/api-keys"): ({"client"}, None),
    ("post", "/api-keys"): ({"client"}, None),
    ("delete", "/api-keys/{key_id}"): ({"client"}, "org"),
    ("get", "/moderation/cases"): ({"moderator"}, None),
    ("post", "/moderation/cases/next"): ({"moderator"}, None),
    ("get", "/moderation/cases/{case_id}"): ({"moderator"}, None),
    ("post", "/moderation/cases/{case_id}/decision"): ({"moderator"}, None),
    ("post", "/moderation/cases/{case_id}/release"): ({"moderator"}, None),
    ("post", "/items/{item_id}/appeal"): ({"worker"}, "worker"),
    ("get", "/metrics"): (PUBLIC, None),
}
REFUSALS_OF_OTHERS = {404, 409, 422, 428}  # not found, not yours to change, or refused before any lookup
# Releasing is idempotent (a phone retries it): releasing a task one does not hold changes nothing, quietly.
OTHERS_MAY_GET = {("delete", "/tasks/{task_id}/claim"): {204}}


def build_world(client, staff) -> dict:
    """Client X's published campaign with a webhook and an API key; worker A holding its task."""
    x = register(client, "client", organization_name="Xanadu Retail")
    credit(client, x["organization"]["id"], 1_000_000)
    y = register(client, "client", organization_name="Yonder Foods")
    actors = {
        "client_x": bearer(sign_in(client, x["email"])),
        "client_y": bearer(sign_in(client, y["email"])),
        "worker_a": bearer(sign_in(client, register(client, "worker")["email"])),
        "worker_b": bearer(sign_in(client, register(client, "worker")["email"])),
        "moderator": bearer(sign_in(client, staff("moderator"))),
        "admin": bearer(sign_in(client, staff("admin"))),
        "anonymous": {},
    }
    body = {
        "title": "Xanadu prices", "kind": "shelf_price", "purpose": "Xanadu Retail compares prices.",
        "reward_cents": 40, "budget_cents": 10_000, "starts_at": "2026-01-01T00:00:00+00:00",
        "ends_at": "2030-01-01T00:00:00+00:00", "products": ONE_PRODUCT,
        "stores": [{"name": "Xanadu Store One", "lat": 48.8566, "lon": 2.3522}],
    }  # fmt: skip
    campaign = client.post("/campaigns", json=body, headers=actors["client_x"]).json
    assert client.post(f"/campaigns/{campaign['id']}/publish", headers=actors["client_x"]).status_code == 200
    worker = actors["worker_a"]
    task = client.get("/tasks/nearby", query_string={"lat": 48.8566, "lon": 2.3522}, headers=worker).json["items"][0]
    client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker)
    client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    item = client.get(f"/tasks/{task['id']}", headers=worker).json["items"][0]
    photo = upload(client, worker, task["id"], "isolation-key-1", photo_bytes(seed=8), gtin=item["gtin"]).json
    webhook = client.post(
        "/webhooks",
        json={"url": "http://127.0.0.1:9/xanadu-hook", "events": ["price.verified"]},
        headers=actors["client_x"],
    ).json
    key = client.post("/api-keys", json={"name": "xanadu server"}, headers=actors["client_x"]).json
    hide = client.post("/me/hidden", json={"client_id": y["organization"]["id"]}, headers=worker).json
    attempt = client.post("/qualifications/reads_shelf_labels/attempts", headers=worker).json
    [store] = client.get(f"/campaigns/{campaign['id']}/stores", headers=actors["client_x"]).json["items"]
    ids = {
        "campaign_id": campaign["id"], "task_id": task["id"], "item_id": item["id"], "photo_id": photo["id"],
        "webhook_id": webhook["id"], "delivery_id": str(uuid.uuid4()), "key_id": key["id"],
        "organization_id": x["organization"]["id"], "case_id": str(uuid.uuid4()), "hide_id": hide["id"],
        "code": "reads_shelf_labels", "attempt_id": attempt["id"], "index": 0, "store_id": store["id"],
        "price_id": str(uuid.uuid4()), "payout_id": str(uuid.uuid4()), "question_id": str(uuid.uuid4()),
    }  # fmt: skip
    secrets_of_x = [campaign["id"], "Xanadu", webhook["id"], key["id"], key["prefix"], "xanadu-hook"]
    return {"actors": actors, "ids": ids, "secrets_of_x": secrets_of_x}


def role_of(actor: str) -> str | None:
    return None if actor == "anonymous" else re.sub(r"_[abxy]$", "", actor)


def call(client, method: str, path: str, headers: dict):
    if method in ("post", "patch", "put"):
        return client.open(path, method=method.upper(), json={}, headers=headers)
    return client.open(path, method=method.upper(), headers=headers)


def test_every_operation_is_classified(client):
    spec = client.get("/openapi.json").json
    documented = {
        (method, path)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert documented - set(OPERATIONS) == set(), "classify these new operations in OPERATIONS"
    assert set(OPERATIONS) - documented == set(), "these classified operations no longer exist"


def test_the_isolation_matrix(client, staff):
    world = build_world(client, staff)
    failures = []
    for (method, template), (allowed, owner) in OPERATIONS.items():
        path = template.format(**world["ids"])
        for actor, headers in world["actors"].items():
            if method != "get" and _may_change(actor, allowed, owner):
                continue  # allowed changes are tested elsewhere; here they would reshape the world
            response = call(client, method, path, headers)
            expected = _expected(actor, allowed, owner)
            if expected is REFUSALS_OF_OTHERS:
                expected = REFUSALS_OF_OTHERS | OTHERS_MAY_GET.get((method, template), set())
            status = response.status_code
            if status >= 500 or (expected is not None and status not in expected):
                failures.append(f"{method.upper()} {template} as {actor}: {status}, expected {sorted(expected or [])}")
            if actor == "client_y" and status < 300:
                text = response.get_data(as_text=True)
                leaked = [secret for secret in world["secrets_of_x"] if secret in text]
                if leaked:
                    failures.append(f"{method.upper()} {template} as client_y: leaked {leaked}")
    assert failures == []
    held = client.get("/me/tasks", headers=world["actors"]["worker_a"]).json["items"]
    assert [task["id"] for task in held] == [world["ids"]["task_id"]]  # nobody else's call changed it
    assert held[0]["status"] == "claimed"


def _may_change(actor: str, allowed, owner: str | None) -> bool:
    """The actor may make this change: its role is allowed, and the object (if any) is its own."""
    role = role_of(actor)
    if allowed == PUBLIC:
        return True
    if role not in allowed:
        return False
    return owner is None or actor in ("client_x", "worker_a")


def _expected(actor: str, allowed, owner: str | None) -> set[int] | None:
    """The statuses this actor may get; None when anything but a 5xx will do (public operations)."""
    if allowed == PUBLIC:
        return None
    role = role_of(actor)
    if role is None:
        return {401}
    if role not in allowed:
        return {403}
    if actor in ("client_y", "worker_b") and owner is not None:
        return REFUSALS_OF_OTHERS
    return None
