"""On site: check-in refusals (recorded), not-found items, submission rules and its extraction jobs."""

import dataclasses
from datetime import UTC, datetime, timedelta

from rq.serializers import JSONSerializer
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.queues import EXTRACTION, queue
from tests.fieldwork import (
    HERE,
    NUTELLA,
    PARIS,
    checkin_body,
    fresh_fix,
    new_worker,
    photo_bytes,
    published_campaign,
    task_at,
    upload,
)


def claimed_task(client):
    published_campaign(client)
    worker = new_worker(client)
    task = task_at(client, worker)
    assert client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker).status_code == 200
    return worker, task


def test_checkin_outside_the_geofence_says_how_far(client, connection):
    worker, task = claimed_task(client)
    # About 300 m north of the store, with a 10 m fix: allowed is 100 + 10 m.
    response = client.post(
        f"/tasks/{task['id']}/checkin", json=fresh_fix(client, lat=PARIS[0] + 0.0027), headers=worker
    )
    assert response.status_code == 422
    assert response.json["code"] == "outside_geofence"
    assert 290 < response.json["errors"]["distance_m"] < 310  # numbers a program can use, not lists of them
    assert response.json["errors"]["allowed_m"] == 115.0  # 100 m and a 25 m tolerance, less the fix's 10 m
    assert "come within 115 m" in response.json["message"]  # the sentence says what the figure says
    recorded = connection.execute(text("SELECT outcome FROM checkins")).scalars().all()
    assert recorded == ["outside_geofence"]  # the refused attempt was kept


def test_a_fix_counts_only_when_its_accuracy_circle_is_inside_the_geofence(client, connection):
    worker, task = claimed_task(client)
    vague = client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client, accuracy_m=900), headers=worker)
    assert (vague.status_code, vague.json["code"]) == (422, "inaccurate_fix") and "900 m" in vague.json["message"]
    at_110_m_roughly = fresh_fix(client, lat=PARIS[0] + 0.00099, accuracy_m=30)  # reaches 140 m: beyond 100 + 25
    refused = client.post(f"/tasks/{task['id']}/checkin", json=at_110_m_roughly, headers=worker)
    assert refused.json["code"] == "inaccurate_fix"
    at_110_m_sharp = fresh_fix(client, lat=PARIS[0] + 0.00099, accuracy_m=8)  # reaches 118 m
    assert client.post(f"/tasks/{task['id']}/checkin", json=at_110_m_sharp, headers=worker).status_code == 201
    outcomes = connection.execute(text("SELECT outcome FROM checkins ORDER BY received_at, id")).scalars().all()
    assert sorted(outcomes) == ["accepted", "inaccurate_fix", "inaccurate_fix"]


def test_mock_location_is_refused(client):
    worker, task = claimed_task(client)
    response = client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client, is_mock=True), headers=worker)
    assert response.status_code == 422 and response.json["code"] == "mock_location"


def test_teleporting_is_refused(client, connection):
    worker, task = claimed_task(client)
    lyon = fresh_fix(client, lat=45.7640, lon=4.8357)
    assert client.post(f"/tasks/{task['id']}/checkin", json=lyon, headers=worker).json["code"] == "outside_geofence"
    response = client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    assert response.status_code == 422 and response.json["code"] == "implausible_speed"
    # Three hours after Lyon (the server's clock says so), the same trip is a train ride.
    three_hours = "recorded_at = recorded_at - interval '3 hours', received_at = received_at - interval '3 hours'"
    connection.execute(text(f"UPDATE checkins SET {three_hours} WHERE outcome = 'outside_geofence'"))
    assert client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker).status_code == 201


def test_an_old_fix_is_refused_however_it_is_dated(client, connection, clock):
    """Dating a fix yesterday (or in 2020) used to make any trip look slow enough: now it is just stale."""
    worker, task = claimed_task(client)
    lyon = fresh_fix(client, lat=45.7640, lon=4.8357)
    assert client.post(f"/tasks/{task['id']}/checkin", json=lyon, headers=worker).json["code"] == "outside_geofence"
    for when in (clock.now - timedelta(days=1), datetime(2020, 1, 1, tzinfo=UTC)):
        old = client.post(
            f"/tasks/{task['id']}/checkin", json=checkin_body(recorded_at=when.isoformat()), headers=worker
        )
        assert (old.status_code, old.json["code"]) == (422, "stale_fix")
        assert "fresh" in old.json["message"]
    four_minutes_ago = fresh_fix(client, ago=timedelta(minutes=4))
    refused = client.post(f"/tasks/{task['id']}/checkin", json=four_minutes_ago, headers=worker)
    assert refused.json["code"] == "stale_fix" and "at most 3 min old" in refused.json["message"]
    outcomes = connection.execute(text("SELECT outcome FROM checkins ORDER BY received_at")).scalars().all()
    assert outcomes == ["outside_geofence", "stale_fix", "stale_fix", "stale_fix"]  # every attempt recorded


def test_the_fix_age_is_configuration(app, client, clock, monkeypatch):
    res = app.extensions[EXTENSION]
    monkeypatch.setattr(res, "config", dataclasses.replace(res.config, checkin_max_fix_age_s=600))
    worker, task = claimed_task(client)
    clock.advance(minutes=8)
    eight_minutes_old = checkin_body(recorded_at=(clock.now - timedelta(minutes=8)).isoformat())
    assert client.post(f"/tasks/{task['id']}/checkin", json=eight_minutes_old, headers=worker).status_code == 201


def test_a_fix_taken_before_the_claim_is_refused(client):
    worker, task = claimed_task(client)
    earlier = fresh_fix(client, ago=timedelta(minutes=2))
    refused = client.post(f"/tasks/{task['id']}/checkin", json=earlier, headers=worker)
    assert (refused.status_code, refused.json["code"]) == (422, "fix_before_claim")
    assert "before you claimed" in refused.json["message"]
    assert client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker).status_code == 201


def test_speed_counts_from_when_the_previous_fix_arrived(client, clock):
    """A fix sent 150 s after it was taken places the worker there as of its arrival: 5 km from the
    store then, the store itself at once is teleporting, not a 120 km/h ride."""
    worker, task = claimed_task(client)
    taken = clock.now + timedelta(minutes=1)
    clock.advance(minutes=1, seconds=150)
    five_km_north = checkin_body(lat=PARIS[0] + 0.045, recorded_at=taken.isoformat())
    assert client.post(f"/tasks/{task['id']}/checkin", json=five_km_north, headers=worker).json["code"] == (
        "outside_geofence"
    )
    at_the_store = checkin_body(recorded_at=clock.now.isoformat())
    refused = client.post(f"/tasks/{task['id']}/checkin", json=at_the_store, headers=worker)
    assert (refused.status_code, refused.json["code"]) == (422, "implausible_speed")


def test_checkin_needs_a_current_claim(client):
    published_campaign(client)
    worker = new_worker(client)
    task = task_at(client, worker)
    response = client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    assert response.status_code == 409 and response.json["code"] == "not_claimed"


def test_submit_needs_a_checkin_and_every_item_done(client):
    worker, task = claimed_task(client)
    not_yet = client.post(f"/tasks/{task['id']}/submit", headers=worker)
    assert not_yet.status_code == 409 and not_yet.json["code"] == "not_checked_in"
    client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    upload(client, worker, task["id"], "key-a-000001", photo_bytes(seed=1), gtin=NUTELLA)
    incomplete = client.post(f"/tasks/{task['id']}/submit", headers=worker)
    assert incomplete.status_code == 409 and incomplete.json["code"] == "items_incomplete"
    assert len(incomplete.json["errors"]["items"]) == 1


def test_submit_records_and_enqueues_one_extraction_per_photo_and_is_idempotent(client, connection, redis):
    worker, task = claimed_task(client)
    client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    items = client.get(f"/tasks/{task['id']}", headers=worker).json["items"]
    for n, item in enumerate(items):
        assert (
            upload(client, worker, task["id"], f"key-s-{n:06d}", photo_bytes(seed=n), gtin=item["gtin"]).status_code
            == 201
        )
    first = client.post(f"/tasks/{task['id']}/submit", headers=worker)
    again = client.post(f"/tasks/{task['id']}/submit", headers=worker)
    assert first.status_code == again.status_code == 202
    assert first.json == again.json and first.json["photo_count"] == 2
    assert connection.execute(text("SELECT count(*) FROM extraction_requests")).scalar() == 2
    jobs = queue(EXTRACTION, redis).jobs
    assert len(jobs) == 2
    assert {job.func_name for job in jobs} == {"fieldtasks.jobs.photo_reading.extract_photo"}
    assert all(job.serializer is JSONSerializer and job.timeout for job in jobs)
    photo_ids = {str(row) for row in connection.execute(text("SELECT id FROM photos")).scalars()}
    assert {job.args[0] for job in jobs} == photo_ids
    detail = client.get(f"/tasks/{task['id']}", headers=worker).json
    assert detail["status"] == "submitted"
    assert [t["status"] for t in client.get("/me/tasks", headers=worker).json["items"]] == ["submitted"]


def test_not_found_item_counts_as_done(client, redis):
    worker, task = claimed_task(client)
    client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    for item in client.get(f"/tasks/{task['id']}", headers=worker).json["items"]:
        marked = client.post(f"/tasks/{task['id']}/items/{item['id']}/not-found", headers=worker)
        assert marked.status_code == 200 and marked.json["status"] == "not_found"
    submitted = client.post(f"/tasks/{task['id']}/submit", headers=worker)
    assert submitted.status_code == 202 and submitted.json["photo_count"] == 0


def test_every_step_is_in_the_task_history(client, connection, redis):
    worker, task = claimed_task(client)
    client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client, is_mock=True), headers=worker)
    client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    items = client.get(f"/tasks/{task['id']}", headers=worker).json["items"]
    upload(client, worker, task["id"], "key-h-000001", photo_bytes(), gtin=items[0]["gtin"])
    client.post(f"/tasks/{task['id']}/items/{items[1]['id']}/not-found", headers=worker)
    client.post(f"/tasks/{task['id']}/submit", headers=worker)
    events = connection.execute(text("SELECT event FROM task_events ORDER BY id")).scalars().all()
    assert events == [
        "claimed",
        "checkin_mock_location",
        "checkin_accepted",
        "photo_uploaded",
        "item_not_found",
        "submitted",
        "item_rejected",  # the product reported missing without a photo of its place: nothing to confirm
    ]


def test_a_fix_from_the_future_is_refused(client):
    worker, task = claimed_task(client)
    response = client.post(
        f"/tasks/{task['id']}/checkin", json=fresh_fix(client, ago=-timedelta(hours=1)), headers=worker
    )
    assert response.status_code == 422 and response.json["code"] == "future_fix"


def test_a_refusal_gives_its_figures_as_numbers_and_its_distance_in_words_a_person_reads(client, clock):
    published_campaign(client)
    worker = new_worker(client)
    task = task_at(client, worker)
    client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker)
    far = client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client, 48.8666, 2.3522), headers=worker)
    assert far.json["code"] == "outside_geofence" and "1.1 km from the place" in far.json["message"]
    assert far.json["errors"]["accuracy_m"] == 10.0 and 1100 < far.json["errors"]["distance_m"] < 1120
    taken = clock() + timedelta(minutes=1)
    clock.advance(minutes=10)
    stale = client.post(f"/tasks/{task['id']}/checkin", json=checkin_body(recorded_at=taken.isoformat()),
                        headers=worker)  # fmt: skip
    assert stale.json["code"] == "stale_fix"
    assert (stale.json["errors"]["fix_age_s"], stale.json["errors"]["max_fix_age_s"]) == (540, 180)
