"""A say for workers: ratings beside the task and for the client; hiding a client's or a campaign's tasks."""

from __future__ import annotations

from tests.fieldwork import HERE, PARIS, new_client, new_worker
from tests.helpers import pages
from tests.test_fair_pay import do_task
from tests.verification import stores_campaign


def cards(client, worker: dict) -> list[dict]:
    return client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]}, headers=worker).json["items"]


def rate(api, worker: dict, task_id: str, **body):
    return api.put(f"/tasks/{task_id}/rating", json=body, headers=worker)


def test_ratings_are_averaged_beside_the_task_and_read_by_the_client_without_names(client):
    headers = new_client(client)
    campaign = stores_campaign(client, 4, headers)
    first, second = new_worker(client), new_worker(client)
    mine = do_task(client, first, campaign["id"])
    assert rate(client, first, mine, clarity=2, client=5, comment="Which shelf?").status_code == 200
    assert rate(client, first, mine, clarity=3, client=5, comment="Which shelf, exactly?").status_code == 200
    theirs = do_task(client, second, campaign["id"])
    assert rate(client, second, theirs, clarity=5).status_code == 200
    card = next(card for card in cards(client, new_worker(client)) if card["campaign_id"] == campaign["id"])
    assert card["ratings"] == {"clarity": 4.0, "client": 5.0, "count": 2}  # a second rating replaced the first
    said = client.get(f"/campaigns/{campaign['id']}/ratings", headers=headers).json
    assert (said["clarity"], said["count"]) == (4.0, 2)
    assert [c["comment"] for c in said["items"]] == ["Which shelf, exactly?"]
    assert "worker" not in str(said).lower()


def test_only_a_task_one_handed_in_can_be_rated_and_with_a_score(client):
    campaign = stores_campaign(client, 2)
    worker, other = new_worker(client), new_worker(client)
    task_id = do_task(client, worker, campaign["id"])
    assert rate(client, other, task_id, clarity=1).status_code == 404
    assert rate(client, worker, task_id).json["code"] == "nothing_rated"
    assert rate(client, worker, task_id, clarity=6).status_code == 422
    held = next(card for card in cards(client, other) if card["campaign_id"] == campaign["id"])
    client.post(f"/tasks/{held['id']}/claim", json=HERE, headers=other)
    assert rate(client, other, held["id"], clarity=3).json["code"] == "not_submitted"


def test_a_worker_hides_a_clients_tasks_or_one_campaign_and_sees_them_again(client):
    first = stores_campaign(client, 1)
    second_client = new_client(client)
    second = stores_campaign(client, 1, second_client)
    third = stores_campaign(client, 1, second_client)
    worker, other = new_worker(client), new_worker(client)
    client_id = next(c["client_id"] for c in cards(client, worker) if c["campaign_id"] == second["id"])
    hidden = client.post("/me/hidden", json={"client_id": client_id}, headers=worker)
    assert hidden.status_code == 201 and hidden.json["client_name"]
    again = client.post("/me/hidden", json={"client_id": client_id}, headers=worker)
    assert again.json["id"] == hidden.json["id"]
    assert {c["campaign_id"] for c in cards(client, worker)} == {first["id"]}
    assert {c["campaign_id"] for c in cards(client, other)} == {first["id"], second["id"], third["id"]}
    client.post("/me/hidden", json={"campaign_id": first["id"]}, headers=worker)
    assert cards(client, worker) == []
    hides = pages(client, "/me/hidden", worker, limit=1)
    assert [len(page) for page in hides] == [1, 1]  # one a page
    titles = {hide["client_name"] or hide["campaign_title"] for page in hides for hide in page}
    assert titles == {hidden.json["client_name"], first["title"]}
    assert client.delete(f"/me/hidden/{hidden.json['id']}", headers=worker).status_code == 204
    assert {c["campaign_id"] for c in cards(client, worker)} == {second["id"], third["id"]}
    both = client.post("/me/hidden", json={"client_id": client_id, "campaign_id": first["id"]}, headers=worker)
    assert both.json["code"] == "client_or_campaign"
