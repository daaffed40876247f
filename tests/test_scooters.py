"""Scooter recharge, end to end: pickup with the code read, drop-off at a deploy spot in its window, paid."""

from __future__ import annotations

import io
import random
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.photo_reading import run_extraction
from fieldtasks_dev.scenes import vehicle_photo
from tests.fieldwork import BASTILLE, HERE, PARIS, checkin_body, published_campaign, upload
from tests.helpers import bearer, register, sign_in
from tests.verification import earnings, run_worker_burst

PARIS_TIME = ZoneInfo("Europe/Paris")
MORNING = {
    "name": "Bastille",
    "lat": BASTILLE[0],
    "lon": BASTILLE[1],
    "release_from": "04:00",
    "release_until": "07:00",
}


def code_jpeg(code: str, symbology: str = "qr", seed: int = 1) -> bytes:
    buffer = io.BytesIO()
    vehicle_photo(code, random.Random(seed), (1600, 1200), symbology).save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


class Scooter:
    """A worker's phone going through one scooter task, on the test's clock."""

    def __init__(self, client, clock, **campaign):
        self.client, self.clock = client, clock
        self.campaign = published_campaign(client, kind="scooter_recharge", **campaign)
        self.email = register(client, "worker")["email"]
        self.worker = bearer(sign_in(client, self.email))
        self.task = next(t for t in self.get_nearby() if t["campaign_id"] == self.campaign["id"])
        self.photos: list[str] = []

    def get_nearby(self) -> list[dict]:
        query = {"lat": PARIS[0], "lon": PARIS[1], "kind": "scooter_recharge"}
        return self.client.get("/tasks/nearby", query_string=query, headers=self.worker).json["items"]

    def wait(self, **delta: float) -> None:
        """Time passes; the phone signs in again (access tokens are short-lived)."""
        self.clock.advance(**delta)
        self.worker = bearer(sign_in(self.client, self.email))

    def post(self, action: str, **kwargs):
        return self.client.post(f"/tasks/{self.task['id']}/{action}", headers=self.worker, **kwargs)

    def check_in(self, place: tuple[float, float]):
        return self.post("checkin", json=checkin_body(*place, recorded_at=self.clock.now.isoformat()))

    def photograph(self, photo: bytes):
        uploaded = upload(self.client, self.worker, self.task["id"], f"key-{uuid.uuid4()}", photo,
                          vehicle_code="SCT-0001")  # fmt: skip
        assert uploaded.status_code == 201, uploaded.json
        self.photos.append(uploaded.json["id"])
        return uploaded.json

    def pick_up(self, photo: bytes | None = None):
        assert self.post("claim", json=HERE).status_code == 200
        assert self.check_in(PARIS).status_code == 201
        self.photograph(photo or code_jpeg("SCT-0001"))
        return self.post("pickup")

    def read_photos(self) -> None:
        res = self.client.application.extensions[EXTENSION]
        for photo_id in self.photos:
            run_extraction(res, uuid.UUID(photo_id), 1)

    def detail(self) -> dict:
        return self.client.get(f"/tasks/{self.task['id']}", headers=self.worker).json

    def ledger_kinds(self) -> list[tuple[str, int]]:
        lines = self.client.get("/me/ledger", headers=self.worker).json["items"]
        return sorted((line["kind"], line["amount_cents"]) for line in lines)


def test_a_vehicle_picked_up_charged_and_put_back_is_paid_with_its_electricity(client, clock):
    phone = Scooter(client, clock)
    assert (phone.task["late_reward_cents"], phone.task["charge_reimbursement_cents"]) == (20, 15)  # before the claim
    assert phone.post("pickup").json["code"] == "not_claimed"
    assert phone.post("claim", json=HERE).status_code == 200
    assert phone.post("pickup").json["code"] == "not_checked_in"
    assert phone.check_in(PARIS).status_code == 201
    assert phone.post("pickup").json["code"] == "missing_photo"
    assert phone.photograph(code_jpeg("SCT-0001"))["stage"] == "pickup"
    picked = phone.post("pickup")
    assert picked.status_code == 200 and phone.post("pickup").json == picked.json  # a retry changes nothing
    expires = datetime.fromisoformat(picked.json["claim_expires_at"])  # written to the millisecond
    assert timedelta(0) <= clock.now + timedelta(hours=48) - expires < timedelta(milliseconds=1)
    assert phone.detail()["scooter"]["pickup_code"] == "reading"
    phone.read_photos()  # the pickup photo is read at once, in the background
    assert phone.detail()["scooter"]["pickup_code"] == "matches"
    assert phone.post("submit").json["code"] == "not_checked_in"  # the drop-off check-in is still to come
    phone.wait(hours=8)  # charging at home
    assert phone.check_in(BASTILLE).status_code == 201
    assert phone.photograph(code_jpeg("SCT-0001", "code128", seed=2))["stage"] == "dropoff"
    assert phone.post("submit").status_code == 202
    phone.read_photos()  # the pickup photo's run is skipped: it was read already
    [item] = phone.detail()["items"]
    assert item["verdict"] == "verified", item["reasons"]
    assert phone.detail()["scooter"]["late"] is False
    assert phone.ledger_kinds() == [("charge_reimbursement", 15), ("item_reward", 40)]
    assert earnings(client, phone.worker)["earned_cents"] == 40  # electricity is repaid, not earned
    campaign = phone.campaign
    budget = client.get(f"/campaigns/{campaign['id']}/progress", headers=campaign["headers"]).json["budget"]
    assert budget["spent_cents"] == 55 and budget["budget_cents"] - budget["spent_cents"] == budget["left_cents"]
    page = client.get("/feeds/charges", headers=campaign["headers"]).json  # the client's feed of charges
    [charge] = page["items"]
    assert (charge["vehicle_code"], charge["battery_percent"], charge["on_time"]) == ("SCT-0001", 9, True)
    assert (charge["spot"]["name"], charge["verified_by"], charge["task_id"]) == ("Bastille", "auto", phone.task["id"])
    later = client.get("/feeds/charges", query_string={"cursor": page["next_cursor"]}, headers=campaign["headers"])
    assert later.json == {"items": [], "next_cursor": page["next_cursor"]}  # nothing new yet: poll with it


def test_a_drop_off_outside_the_release_window_is_refused_and_a_late_one_paid_the_late_rate(client, clock):
    evening = datetime.now(PARIS_TIME).replace(hour=20, minute=0, second=0, microsecond=0)
    clock.now = evening.astimezone(UTC)
    phone = Scooter(client, clock, deploy_spots=[MORNING])
    fleet = client.post("/api-keys", json={"name": "fleet system"}, headers=phone.campaign["headers"]).json
    assert phone.pick_up().status_code == 200
    scooter = phone.detail()["scooter"]
    due_closes = datetime.fromisoformat(scooter["deploy_spots"][0]["due_window"]["closes_at"])
    assert due_closes == (evening + timedelta(days=1)).replace(hour=7)
    assert datetime.fromisoformat(scooter["dropoff_due_at"]) == due_closes  # known from the pickup on
    phone.wait(hours=14)  # 10:00 the next morning: the window closed at 07:00
    refused = phone.check_in(BASTILLE)
    assert (refused.status_code, refused.json["code"]) == (422, "outside_release_window")
    assert "opens at 04:00" in refused.json["message"]
    phone.wait(hours=19)  # 05:00 the day after: inside a window, but not the one due
    assert phone.check_in(BASTILLE).status_code == 201
    phone.photograph(code_jpeg("SCT-0001", seed=3))
    assert phone.post("submit").status_code == 202
    phone.read_photos()
    assert phone.detail()["scooter"]["late"] is True
    assert phone.ledger_kinds() == [("charge_reimbursement", 15), ("item_reward", 20)]
    late = client.get("/feeds/charges", headers={"Authorization": f"Bearer {fleet['key']}"})  # a day later
    assert late.status_code == 200, late.json
    [charge] = late.json["items"]
    assert charge["on_time"] is False and charge["dropped_off_at"] > charge["due_at"]


def test_a_wrong_vehicle_is_told_at_pickup_and_goes_to_review_unpaid(client, clock):
    phone = Scooter(client, clock)
    assert phone.pick_up(code_jpeg("SCT-0555", seed=5)).status_code == 200  # the wrong scooter, at once
    phone.read_photos()
    assert phone.detail()["scooter"]["pickup_code"] == "no_match"
    phone.wait(hours=6)
    assert phone.check_in(BASTILLE).status_code == 201
    phone.photograph(code_jpeg("SCT-0777", seed=4))
    assert phone.post("submit").status_code == 202
    phone.read_photos()
    [item] = phone.detail()["items"]
    assert item["verdict"] == "needs_review"
    assert [reason["code"] for reason in item["reasons"]] == ["wrong_vehicle", "wrong_vehicle"]  # both stages
    assert "SCT-0555" in item["reasons"][0]["message"] and "SCT-0777" in item["reasons"][1]["message"]
    assert phone.ledger_kinds() == []


def test_a_claim_not_picked_up_in_time_expires(client, clock):
    phone = Scooter(client, clock, claim_minutes=30)
    assert phone.post("claim", json=HERE).status_code == 200
    phone.wait(minutes=31)
    assert phone.check_in(PARIS).json["code"] == "claim_expired"


@pytest.mark.slow
def test_a_real_worker_reads_both_codes_and_pays_the_drop_off(committing_app, engine, redis, clock):
    phone = Scooter(committing_app.test_client(), clock)
    assert phone.pick_up(code_jpeg("SCT-0001", seed=7)).status_code == 200
    phone.wait(hours=7)
    assert phone.check_in(BASTILLE).status_code == 201
    phone.photograph(code_jpeg("SCT-0001", "code128", seed=8))
    assert phone.post("submit").status_code == 202
    result = run_worker_burst(committing_app)
    assert result.returncode == 0, result.stderr
    with engine.connect() as connection:
        lines = connection.execute(
            text(
                "SELECT t.kind, e.amount_cents FROM ledger_entries e JOIN ledger_transactions t ON t.id ="
                " e.transaction_id JOIN ledger_accounts a ON a.id = e.account_id WHERE a.kind = 'worker' ORDER BY 1"
            )
        ).all()
    assert [tuple(line) for line in lines] == [("charge_reimbursement", 15), ("item_reward", 40)]
