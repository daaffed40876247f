"""The whole path once: campaign, publish, find, claim, check in, photograph, submit."""

from tests.fieldwork import (
    EVIAN,
    HERE,
    NUTELLA,
    fresh_fix,
    new_worker,
    photo_bytes,
    published_campaign,
    task_at,
    upload,
)


def test_the_whole_path(client, redis):
    published_campaign(client)
    worker = new_worker(client)
    task = task_at(client, worker)
    assert task["client_name"] == "Supermarchés Dupont"
    assert task["reward_total_cents"] == 80
    claim = client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker)
    assert claim.status_code == 200, claim.json
    checkin = client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    assert checkin.status_code == 201, checkin.json
    first = upload(client, worker, task["id"], "key-0000001", photo_bytes(seed=1), gtin=NUTELLA)
    assert first.status_code == 201, first.json
    detail = client.get(f"/tasks/{task['id']}", headers=worker).json
    evian = next(item for item in detail["items"] if item["gtin"] == EVIAN)
    assert client.post(f"/tasks/{task['id']}/items/{evian['id']}/not-found", headers=worker).status_code == 200
    submitted = client.post(f"/tasks/{task['id']}/submit", headers=worker)
    assert submitted.status_code == 202, submitted.json
    assert submitted.json["photo_count"] == 1
