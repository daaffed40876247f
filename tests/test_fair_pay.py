"""Paid time, visible: briefs are paid once read (again for a new version), and tasks show their real time."""

from __future__ import annotations

from datetime import timedelta

from fieldtasks.api.context import EXTENSION
from fieldtasks.services.estimates import MIN_COMPLETED, refresh_task_minutes
from tests.fieldwork import (
    HERE,
    PARIS,
    campaign_body,
    fresh_fix,
    new_client,
    new_worker,
    published_campaign,
    report_missing,
)
from tests.verification import stores_campaign

SMIC_CENTS = 1202  # the default minimum hourly rate in EUR


def do_task(client, worker: dict, campaign_id: str, clock=None, minutes: float = 0) -> str:
    """Claim a task of the campaign, check in, report every product missing, submit after `minutes`."""
    task = next(
        t
        for t in client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]}, headers=worker).json[
            "items"
        ]
        if t["campaign_id"] == campaign_id
    )
    assert client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker).status_code == 200
    assert client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker).status_code == 201
    for item in client.get(f"/tasks/{task['id']}", headers=worker).json["items"]:
        report_missing(client, worker, task["id"], item["gtin"])
    if clock is not None:
        clock.advance(minutes=minutes)
    assert client.post(f"/tasks/{task['id']}/submit", headers=worker).status_code == 202
    return task["id"]


def briefings(client, worker: dict) -> list[int]:
    lines = client.get("/me/ledger", headers=worker).json["items"]
    return [line["amount_cents"] for line in lines if line["kind"] == "briefing"]


def test_reading_the_brief_is_paid_once_per_version_with_the_next_task_submitted(client):
    headers = new_client(client)
    campaign = stores_campaign(client, 3, headers, reading_minutes=6)
    worker = new_worker(client)
    brief = client.get(f"/campaigns/{campaign['id']}/brief", headers=worker).json
    assert (brief["version"], brief["reading_minutes"], brief["paid"]) == (1, 6, False)
    assert brief["briefing_pay_cents"] == 121  # 6 minutes of 12.02 EUR an hour, rounded up
    assert brief["client_name"] and brief["purpose"] and brief["instructions"]
    do_task(client, worker, campaign["id"])
    assert briefings(client, worker) == [121]
    assert client.get(f"/campaigns/{campaign['id']}/brief", headers=worker).json["paid"] is True
    do_task(client, worker, campaign["id"])
    assert briefings(client, worker) == [121]  # once per version
    path = f"/campaigns/{campaign['id']}"
    client.post(f"{path}/pause", headers=headers)
    etag = client.get(path, headers=headers).headers["ETag"]
    edited = client.patch(path, json={"instructions": "New: photograph the shelf edge too."},
                          headers={**headers, "If-Match": etag})  # fmt: skip
    assert edited.json["instructions_version"] == 2
    client.post(f"{path}/publish", headers=headers)
    assert client.get(f"/campaigns/{campaign['id']}/brief", headers=worker).json["paid"] is False
    do_task(client, worker, campaign["id"])
    assert briefings(client, worker) == [121, 121]


def test_a_worker_who_did_not_open_the_brief_is_not_paid_for_reading_it(client):
    campaign = stores_campaign(client, 1, reading_minutes=6)
    worker = new_worker(client)
    do_task(client, worker, campaign["id"])
    assert briefings(client, worker) == []


def test_the_budget_covers_a_paid_brief_for_every_task(client):
    headers = new_client(client)
    # 2 stores x 2 products x 40 cents = 160, and 2 briefs of 121: 402
    body = campaign_body(reading_minutes=6, budget_cents=401)
    created = client.post("/campaigns", json=body, headers=headers).json
    refused = client.post(f"/campaigns/{created['id']}/publish", headers=headers)
    assert refused.json["code"] == "insufficient_budget" and "402" in refused.json["message"]


def test_a_task_shows_the_clients_estimate_then_what_completed_tasks_took(client, app, clock, connection):
    campaign = published_campaign(client, estimated_minutes=12, accept_floor_top_up=True)  # 2 x 2 items of 40 c
    worker = new_worker(client)
    card = client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]}, headers=worker).json["items"][0]
    assert (card["estimated_minutes"], card["estimate_from"]) == (12, "client")
    assert card["estimated_hourly_cents"] == 400  # 80 cents for 12 minutes
    campaign = stores_campaign(client, MIN_COMPLETED + 1, estimated_minutes=12, accept_floor_top_up=True)
    for _ in range(MIN_COMPLETED):
        do_task(client, new_worker(client), campaign["id"], clock, minutes=30)
    res = app.extensions[EXTENSION]
    with res.database.unit_of_work() as session:
        assert refresh_task_minutes(session, now=clock.now + timedelta(seconds=1)) >= 1
    card = next(t for t in client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]},
                                      headers=worker).json["items"] if t["campaign_id"] == campaign["id"])  # fmt: skip
    assert (card["estimated_minutes"], card["estimate_from"]) == (30, "completed_tasks")
    assert card["estimated_hourly_cents"] == 80  # 40 cents for 30 minutes


def test_a_campaign_paying_below_the_minimum_wage_is_published_only_once_its_client_accepts_the_top_up(client):
    owner = new_client(client)
    body = campaign_body(estimated_minutes=12)  # 2 products of 40 cents in 12 minutes: 4.00 EUR an hour
    campaign = client.post("/campaigns", json=body, headers=owner).json
    refused = client.post(f"/campaigns/{campaign['id']}/publish", headers=owner)
    assert (refused.status_code, refused.json["code"]) == (422, "below_wage_floor")
    assert refused.json["errors"] == {"reward_cents": 121, "estimated_hourly_cents": 400, "min_hourly_wage_cents": 1202}
    assert "at least 121 cents an item" in refused.json["message"]
    accepted = client.post(f"/campaigns/{campaign['id']}/publish", json={"accept_floor_top_up": True}, headers=owner)
    assert accepted.status_code == 200
    [card, *_] = client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]},
                            headers=new_worker(client)).json["items"]  # fmt: skip
    assert card["below_wage_floor"] is True
    fair = client.post("/campaigns", json=campaign_body(estimated_minutes=12, reward_cents=125), headers=owner).json
    assert client.post(f"/campaigns/{fair['id']}/publish", headers=owner).status_code == 200
