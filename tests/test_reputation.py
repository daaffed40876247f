"""Reputation, explained: every event listed, no-fault outcomes and releases never count, old events fade."""

from __future__ import annotations

from datetime import timedelta

from tests.fieldwork import EVIAN, HERE, PARIS
from tests.helpers import bearer, register, sign_in
from tests.verification import hand_in, label_photo, read_photo, stores_campaign


def decide(client, moderator: dict, item_id: str, **decision) -> None:
    case = next(c for c in client.get("/moderation/cases", headers=moderator).json["items"] if c["item_id"] == item_id)
    response = client.post(f"/moderation/cases/{case['id']}/decision", json=decision, headers=moderator)
    assert response.status_code == 200, response.json


def test_reputation_lists_its_events_ignores_no_fault_and_releases_and_lets_old_ones_fade(client, staff, clock):
    moderator = bearer(sign_in(client, staff("moderator")))
    email = register(client, "worker")["email"]
    worker = bearer(sign_in(client, email))
    ends_at = (clock.now + timedelta(days=200)).isoformat()  # still running after the clock moves
    campaign = stores_campaign(client, 4, ends_at=ends_at)
    good = hand_in(client, label_photo(seed=31), campaign, worker)
    read_photo(client, good)
    wrong = hand_in(client, label_photo(gtin=EVIAN, seed=32), campaign, worker)
    read_photo(client, wrong)
    decide(client, moderator, wrong.item_id, outcome="reject", reject_reason="not_the_product",
           explanation="This is a bottle of water.")  # fmt: skip
    odd = hand_in(client, label_photo(gtin=EVIAN, seed=33), campaign, worker)
    read_photo(client, odd)
    decide(client, moderator, odd.item_id, outcome="no_fault")
    spare = next(t for t in client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]},
                                       headers=worker).json["items"] if t["campaign_id"] == campaign["id"])  # fmt: skip
    client.post(f"/tasks/{spare['id']}/claim", json=HERE, headers=worker)
    client.delete(f"/tasks/{spare['id']}/claim", headers=worker)

    mine = client.get("/me/reputation", headers=worker).json
    assert mine["score"] == 50.0  # one verified, one rejected
    outcomes = sorted((event["outcome"], event["counts"]) for event in mine["events"])
    assert outcomes == [("no_fault", False), ("rejected", True), ("released", False), ("verified", True)]
    assert any("never count" in rule for rule in mine["rules"])

    clock.advance(days=90)  # one half-life later, a new verified item weighs twice the old ones
    worker = bearer(sign_in(client, email))
    newer = hand_in(client, label_photo(seed=34), campaign, worker)
    read_photo(client, newer)
    later = client.get("/me/reputation", headers=worker).json
    assert later["score"] == 75.0  # (0.5 + 1) / (0.5 + 0.5 + 1)
    assert later["events"][0]["weight"] == 1.0
