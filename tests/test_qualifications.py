"""Qualifications: a short practice set, every attempt paid at the minimum hourly rate, then claims open."""

from __future__ import annotations

from sqlalchemy import text

from fieldtasks.practice_labels import question_prices
from tests.fieldwork import HERE, PARIS, campaign_body, new_client, new_worker
from tests.verification import stores_campaign

CODE = "reads_shelf_labels"


def practice_lines(client, worker: dict) -> list[int]:
    return [line["amount_cents"] for line in client.get("/me/ledger", headers=worker).json["items"]
            if line["kind"] == "practice"]  # fmt: skip


def test_a_worker_practises_paid_earns_the_qualification_and_may_then_claim(client, connection):
    campaign = stores_campaign(client, 1, required_qualification=CODE)
    worker = new_worker(client)
    card = client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]}, headers=worker).json["items"][0]
    assert card["required_qualification"] == CODE
    refused = client.post(f"/tasks/{card['id']}/claim", json=HERE, headers=worker)
    assert (refused.status_code, refused.json["code"]) == (409, "qualification_required")
    [offered] = client.get("/qualifications", headers=worker).json["items"]
    assert (offered["practice_minutes"], offered["practice_pay_cents"], offered["earned_at"]) == (4, 81, None)

    attempt = client.post(f"/qualifications/{CODE}/attempts", headers=worker).json
    assert client.post(f"/qualifications/{CODE}/attempts", headers=worker).json["id"] == attempt["id"]  # a retry
    image = client.get(f"/qualifications/attempts/{attempt['id']}/questions/0", headers=worker)
    assert image.status_code == 200 and image.mimetype == "image/jpeg" and image.data[:2] == b"\xff\xd8"
    assert client.get(f"/qualifications/attempts/{attempt['id']}/questions/5", headers=worker).status_code == 404
    failed = client.post(f"/qualifications/attempts/{attempt['id']}/answers", json={"answers": [1] * 5},
                         headers=worker).json  # fmt: skip
    assert (failed["correct"], failed["passed"]) == (0, False)
    assert practice_lines(client, worker) == [81]  # a failed attempt is paid too

    second = client.post(f"/qualifications/{CODE}/attempts", headers=worker).json
    assert second["id"] != attempt["id"]
    seed = connection.execute(text("SELECT seed FROM practice_attempts WHERE id = :id"), {"id": second["id"]})
    answers = question_prices(seed.scalar_one(), 5)
    answers[0] += 1  # one mistake still passes (4 of 5)
    path = f"/qualifications/attempts/{second['id']}/answers"
    passed = client.post(path, json={"answers": answers}, headers=worker).json
    assert (passed["correct"], passed["passed"]) == (4, True)
    assert client.post(path, json={"answers": [1] * 5}, headers=worker).json == passed  # graded once
    assert practice_lines(client, worker) == [81, 81]
    assert client.post(f"/tasks/{card['id']}/claim", json=HERE, headers=worker).status_code == 200
    record = client.get("/me/work-record", headers=worker).json["record"]
    assert [q["code"] for q in record["qualifications"]] == [CODE]
    assert campaign["required_qualification"] == CODE


def test_answers_are_checked_and_attempts_are_private(client):
    worker, other = new_worker(client), new_worker(client)
    attempt = client.post(f"/qualifications/{CODE}/attempts", headers=worker).json
    short = client.post(f"/qualifications/attempts/{attempt['id']}/answers", json={"answers": [1]}, headers=worker)
    assert short.json["code"] == "answers_incomplete"
    assert client.get(f"/qualifications/attempts/{attempt['id']}/questions/0", headers=other).status_code == 404
    assert client.post("/qualifications/nonsense/attempts", headers=worker).status_code == 404


def test_a_campaign_can_only_require_a_known_qualification(client):
    headers = new_client(client)
    created = client.post("/campaigns", json=campaign_body(required_qualification="juggling"), headers=headers)
    assert (created.status_code, created.json["code"]) == (422, "unknown_qualification")
