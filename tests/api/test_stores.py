"""A campaign's stores as its client manages them: listed a page at a time, corrected, removed with their escrow
given back, and never pulled from under a worker at work there."""

from __future__ import annotations

from fieldtasks.api.context import EXTENSION
from fieldtasks.services.ledger_check import check_ledger
from tests.fieldwork import (
    HERE,
    PARIS,
    campaign_body,
    fresh_fix,
    nearby,
    new_client,
    new_worker,
    published_campaign,
    report_missing,
    task_at,
)
from tests.helpers import pages

SWAPPED = {"name": "Franprix Oberkampf", "address": "3 rue Oberkampf", "lat": 2.3708, "lon": 48.8647}  # lat <-> lon


def stores_of(client, campaign: dict, **query) -> list[dict]:
    found = pages(client, f"/campaigns/{campaign['id']}/stores", campaign["headers"], **query)
    return [store for page in found for store in page]


def escrowed(client, campaign: dict) -> int:
    account = client.get("/organization/account", headers=campaign["headers"]).json
    return next(escrow["escrowed_cents"] for escrow in account["campaigns"] if escrow["campaign_id"] == campaign["id"])


def edit(client, campaign: dict, store_id: str, **changes):
    return client.patch(f"/campaigns/{campaign['id']}/stores/{store_id}", json=changes, headers=campaign["headers"])


def remove(client, campaign: dict, store_id: str):
    return client.delete(f"/campaigns/{campaign['id']}/stores/{store_id}", headers=campaign["headers"])


def test_stores_page_by_name_with_their_tasks_and_a_store_ref_finds_one(client):
    stores = [{"name": f"Store {n}", "lat": PARIS[0], "lon": PARIS[1], "store_ref": f"S-{n}"} for n in (3, 1, 2)]
    campaign = published_campaign(client, stores=stores)
    listed = stores_of(client, campaign, limit=2)
    assert [store["name"] for store in listed] == ["Store 1", "Store 2", "Store 3"]
    assert all(store["task"]["status"] == "open" and store["lat"] == PARIS[0] for store in listed)
    [found] = stores_of(client, campaign, store_ref="S-2")
    one = client.get(f"/campaigns/{campaign['id']}/stores/{found['id']}", headers=campaign["headers"])
    assert one.json == found
    assert (
        client.get(f"/campaigns/{campaign['id']}/stores/{found['id']}", headers=new_client(client)).status_code == 404
    )


def test_a_store_put_in_the_ocean_is_moved_back_with_its_open_task(client):
    campaign = published_campaign(client, stores=[SWAPPED])
    worker = new_worker(client)
    assert nearby(client, worker, 48.8647, 2.3708) == []  # its task is off the coast of Somalia
    [store] = stores_of(client, campaign)
    moved = edit(client, campaign, store["id"], lat=48.8647, lon=2.3708, geofence_m=150)
    assert moved.status_code == 200, moved.json
    assert (moved.json["lat"], moved.json["lon"], moved.json["geofence_m"]) == (48.8647, 2.3708, 150)
    [task] = nearby(client, worker, 48.8647, 2.3708)
    assert (task["id"], task["place"]["name"]) == (store["task"]["id"], "Franprix Oberkampf")
    again = client.post(
        f"/campaigns/{campaign['id']}/stores", data=b"name,address,lat,lon\nFranprix Oberkampf,3 rue Oberkampf,1,2\n",
        headers={**campaign["headers"], "Content-Type": "text/csv"},
    )  # fmt: skip
    assert again.json["created"] == 0  # still listed: correct it, do not import it twice
    taken = edit(client, campaign, store["id"], store_ref="FPX-9")
    assert taken.status_code == 200 and taken.json["store_ref"] == "FPX-9"


def test_removing_a_store_cancels_its_task_and_gives_its_escrow_back(client):
    campaign = published_campaign(client)
    held_before, budget = escrowed(client, campaign), campaign["budget_cents"]
    bastille = next(store for store in stores_of(client, campaign) if store["name"].startswith("Carrefour"))
    assert remove(client, campaign, bastille["id"]).status_code == 204
    assert [store["name"] for store in stores_of(client, campaign)] == ["Monoprix Rivoli"]
    assert held_before - escrowed(client, campaign) == 2 * campaign["reward_cents"]  # its two products
    now = client.get(f"/campaigns/{campaign['id']}", headers=campaign["headers"]).json
    assert now["budget_cents"] == budget - 2 * campaign["reward_cents"]  # the budget says what the escrow was given
    assert [task["place"]["name"] for task in nearby(client, new_worker(client))] == ["Monoprix Rivoli"]
    res = client.application.extensions[EXTENSION]
    with res.database.unit_of_work() as session:
        assert check_ledger(session) == []
    assert remove(client, campaign, bastille["id"]).status_code == 404  # removed once


def test_a_store_a_worker_is_at_is_neither_removed_nor_moved_nor_changed_once_handed_in(client):
    campaign = published_campaign(client)
    worker = new_worker(client)
    task = task_at(client, worker)
    store = next(store for store in stores_of(client, campaign) if store["task"]["id"] == task["id"])
    assert client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker).status_code == 200
    refused = remove(client, campaign, store["id"])
    assert (refused.status_code, refused.json["code"]) == (409, "store_in_use")
    assert refused.json["errors"]["claim_expires_at"].endswith("Z")
    assert edit(client, campaign, store["id"], geofence_m=200).status_code == 200  # not there yet: it moves
    assert client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker).status_code == 201
    moved = edit(client, campaign, store["id"], lat=48.87)
    assert (moved.status_code, moved.json["code"]) == (409, "store_in_use")
    renamed = edit(client, campaign, store["id"], name="Monoprix Rivoli-Sébastopol")
    assert renamed.status_code == 200 and renamed.json["name"] == "Monoprix Rivoli-Sébastopol"
    held = client.get(f"/tasks/{task['id']}", headers=worker).json
    assert held["place"]["name"] == "Monoprix Rivoli-Sébastopol"
    for item in held["items"]:
        report_missing(client, worker, task["id"], item["gtin"])
    assert client.post(f"/tasks/{task['id']}/submit", headers=worker).status_code == 202
    for refused in (edit(client, campaign, store["id"], geofence_m=300), remove(client, campaign, store["id"])):
        assert (refused.status_code, refused.json["code"]) == (409, "store_visited")


def test_a_draft_store_is_simply_deleted_and_a_taken_name_is_refused(client):
    headers = new_client(client)
    draft = client.post("/campaigns", json=campaign_body(), headers=headers)
    campaign = {**draft.json, "headers": headers}
    rivoli, bastille = sorted(stores_of(client, campaign), key=lambda store: store["name"], reverse=True)
    clash = edit(client, campaign, bastille["id"], name=rivoli["name"], address=rivoli["address"])
    assert (clash.status_code, clash.json["code"]) == (409, "store_already_listed")
    assert remove(client, campaign, bastille["id"]).status_code == 204
    assert [store["id"] for store in stores_of(client, campaign)] == [rivoli["id"]]
    assert rivoli["task"] is None
