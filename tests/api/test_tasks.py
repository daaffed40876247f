"""Finding and claiming: nearby search, claims, expiry, release, limits."""

from sqlalchemy import text

from fieldtasks.services.nearby import nearby_params, nearby_statement
from tests.database import explain
from tests.fieldwork import HERE, PARIS, nearby, new_client, new_worker, published_campaign, task_at
from tests.helpers import pages


def test_nearby_is_nearest_first_with_everything_a_worker_needs(client):
    published_campaign(client)
    tasks = nearby(client, new_worker(client))
    assert [t["place"]["name"] for t in tasks] == ["Monoprix Rivoli", "Carrefour City Bastille"]
    first, second = tasks
    assert first["distance_m"] < 1 and 1200 < second["distance_m"] < 1400
    assert first["client_name"] == "Supermarchés Dupont"
    assert "breakfast prices" in first["purpose"]
    assert (first["reward_cents"], first["item_count"], first["reward_total_cents"]) == (40, 2, 80)
    assert first["claim_minutes"] == 120
    assert first["place"]["lat"] == PARIS[0] and first["place"]["address"] == "1 rue de Rivoli"


def test_nearby_filters_by_radius_kind_and_limit(client):
    published_campaign(client)
    published_campaign(client, kind="scooter_recharge")
    worker = new_worker(client)
    assert {t["place"]["name"] for t in nearby(client, worker, radius_m=500)} == {"Monoprix Rivoli", "SCT-0001"}
    assert [t["kind"] for t in nearby(client, worker, kind="scooter_recharge")] == ["scooter_recharge"]
    assert len(nearby(client, worker, limit=1)) == 1


def test_nearby_pages_through_every_task_once_even_when_many_share_a_place(client):
    headers = new_client(client)
    for _ in range(3):  # 3 tasks at each of two stores 1.3 km apart
        published_campaign(client, headers)
    worker = new_worker(client)
    found = pages(client, "/tasks/nearby", worker, lat=PARIS[0], lon=PARIS[1], limit=2)
    assert [len(page) for page in found] == [2, 2, 2]
    distances = [[task["distance_m"] for task in page] for page in found]
    assert all(page == sorted(page) for page in distances)
    assert max(distances[0]) <= min(distances[2])  # the nearer store's tasks first
    ids = [task["id"] for page in found for task in page]
    assert len(set(ids)) == 6
    forged = client.get("/tasks/nearby", query_string={**HERE, "cursor": "bm90IG91cnM"}, headers=worker)
    assert (forged.status_code, forged.json["code"]) == (422, "invalid_cursor")


def test_my_tasks_come_a_page_at_a_time_newest_claim_first_and_filter_by_status(client, clock):
    headers = new_client(client)
    for _ in range(2):
        published_campaign(client, headers)
    worker = new_worker(client)
    claimed = []
    for task in nearby(client, worker)[:3]:
        assert client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker).status_code == 200
        claimed.append(task["id"])
        clock.advance(minutes=1)
    found = pages(client, "/me/tasks", worker, limit=2)
    assert [[task["id"] for task in page] for page in found] == [claimed[:0:-1], claimed[:1]]
    clock.advance(minutes=117)  # the first claim (of 120 minutes) expired, the others not yet
    expired = pages(client, "/me/tasks", worker, status="claim_expired")
    assert [[task["id"] for task in page] for page in expired] == [claimed[:1]]
    assert [t["id"] for t in pages(client, "/me/tasks", worker, status="claimed")[0]] == claimed[:0:-1]


def test_nearby_refuses_out_of_range_parameters(client):
    worker = new_worker(client)
    for params in (
        {"lat": 91, "lon": 2},
        {"lat": 48, "lon": 2, "radius_m": 50_001},
        {"lat": 48, "lon": 2, "limit": 101},
    ):
        response = client.get("/tasks/nearby", query_string=params, headers=worker)
        assert response.status_code == 422
    unknown = client.get("/tasks/nearby", query_string={"lat": 48, "lon": 2, "page": 2}, headers=worker)
    assert unknown.status_code == 422 and "page" in unknown.json["errors"]["query"]


def test_nearby_query_is_served_by_the_spatial_index(client, connection, clock):
    campaign = published_campaign(client)
    # Enough tasks around Paris for the planner's choice to mean something, inside this test's transaction
    # (all of it, the dropped uniqueness included, is rolled back).
    connection.execute(text("DROP INDEX uq_tasks_campaign_store"))
    connection.execute(
        text(
            "INSERT INTO tasks (campaign_id, kind, store_id, location, place_name, geofence_m, item_count)"
            " SELECT :campaign, 'shelf_price', (SELECT id FROM stores WHERE campaign_id = :campaign LIMIT 1),"
            "  ST_SetSRID(ST_MakePoint(2.2 + random() * 0.3, 48.8 + random() * 0.1), 4326)::geography, 'S', 100, 1"
            " FROM generate_series(1, 20000)"
        ).bindparams(campaign=campaign["id"]),
    )
    connection.execute(text("ANALYZE tasks"))
    params = nearby_params(lat=PARIS[0], lon=PARIS[1], radius_m=5000, kind=None, limit=20, now=clock())
    plan = explain(connection, nearby_statement(), params)
    assert "Index Scan using ix_tasks_mercator_available" in plan, plan
    assert "Order By: (location_mercator <->" in plan, plan


def test_one_worker_gets_a_task_and_the_next_is_told_it_is_taken(client):
    published_campaign(client)
    first, second = new_worker(client), new_worker(client)
    task = task_at(client, first)
    claim = client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=first)
    assert claim.status_code == 200 and claim.json["claim_expires_at"]
    again = client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=first)
    assert again.json == claim.json  # a phone's retry gets the same claim
    taken = client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=second)
    assert taken.status_code == 409 and taken.json["code"] == "task_taken"
    assert task["id"] not in [t["id"] for t in nearby(client, second)]
    assert client.get(f"/tasks/{task['id']}", headers=second).status_code == 404


def test_an_expired_claim_frees_the_task_without_any_cron(client, clock):
    published_campaign(client)
    first, second = new_worker(client), new_worker(client)
    task = task_at(client, first)
    client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=first)
    clock.advance(minutes=121)
    assert task["id"] in [t["id"] for t in nearby(client, second)]
    assert client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=second).status_code == 200
    mine = client.get("/me/tasks", headers=first).json["items"]
    assert mine == []  # the task went to the next worker
    late = client.post(f"/tasks/{task['id']}/submit", headers=first)
    assert late.status_code == 409 and late.json["code"] == "not_claimed"


def test_release_gives_the_task_back_and_is_safe_to_repeat(client):
    published_campaign(client)
    first, second = new_worker(client), new_worker(client)
    task = task_at(client, first)
    client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=first)
    assert client.delete(f"/tasks/{task['id']}/claim", headers=first).status_code == 204
    assert client.delete(f"/tasks/{task['id']}/claim", headers=first).status_code == 204
    assert client.delete(f"/tasks/{task['id']}/claim", headers=second).status_code == 404  # never theirs
    assert client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=second).status_code == 200
    refused = client.delete(f"/tasks/{task['id']}/claim", headers=first)  # the second worker's claim now
    assert (refused.status_code, refused.json["code"]) == (404, "not_found")
    assert client.get("/me/tasks", headers=second).json["items"][0]["status"] == "claimed"


def test_a_worker_holds_at_most_three_claims(client):
    headers = new_client(client)
    for _ in range(2):  # 2 campaigns x 2 stores = 4 tasks
        published_campaign(client, headers)
    worker = new_worker(client)
    tasks = nearby(client, worker)
    assert len(tasks) == 4
    for task in tasks[:3]:
        assert client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker).status_code == 200
    refused = client.post(f"/tasks/{tasks[3]['id']}/claim", json=HERE, headers=worker)
    assert refused.status_code == 409 and refused.json["code"] == "claim_limit"
    client.delete(f"/tasks/{tasks[0]['id']}/claim", headers=worker)
    assert client.post(f"/tasks/{tasks[3]['id']}/claim", json=HERE, headers=worker).status_code == 200


def test_tasks_of_a_paused_campaign_cannot_be_claimed(client):
    campaign = published_campaign(client)
    worker = new_worker(client)
    task = task_at(client, worker)
    client.post(f"/campaigns/{campaign['id']}/pause", headers=campaign["headers"])
    refused = client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker)
    assert refused.status_code == 409 and refused.json["code"] == "task_unavailable"


def test_a_worker_claims_only_tasks_near_where_they_are(client):
    published_campaign(client)  # in Paris
    worker = new_worker(client)
    task = task_at(client, worker)
    lyon = {"lat": 45.7640, "lon": 4.8357}
    refused = client.post(f"/tasks/{task['id']}/claim", json=lyon, headers=worker)
    assert (refused.status_code, refused.json["code"]) == (409, "too_far") and "50 km" in refused.json["message"]
    nowhere = client.post(f"/tasks/{task['id']}/claim", json={}, headers=worker)
    assert nowhere.status_code == 422 and set(nowhere.json["errors"]["json"]) == {"lat", "lon"}
    versailles = {"lat": 48.8049, "lon": 2.1204}  # 18 km away: near enough
    assert client.post(f"/tasks/{task['id']}/claim", json=versailles, headers=worker).status_code == 200


def test_only_workers_claim(client):
    published_campaign(client)
    task = task_at(client, new_worker(client))
    assert client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=new_client(client)).status_code == 403
    assert client.post(f"/tasks/{task['id']}/claim", json=HERE).status_code == 401


def test_cards_written_by_hand_match_their_documented_schema(client):
    from fieldtasks.api.task_schemas import TaskCardSchema, TaskDetailSchema

    published_campaign(client)
    worker = new_worker(client)
    card = nearby(client, worker)[0]
    assert set(card) == set(TaskCardSchema().fields)
    TaskCardSchema().load(card)  # raises on a wrong type or an undocumented key
    detail = client.get(f"/tasks/{card['id']}", headers=worker).json
    assert set(detail) == set(TaskDetailSchema().fields) - {"distance_m"}
    TaskDetailSchema().load(detail)


def test_tasks_far_north_are_published_and_found(client):
    stores = [{"name": "Station Nord", "lat": 89.5, "lon": 10.0}, {"name": "Svalbard", "lat": 78.22, "lon": 15.65}]
    published_campaign(client, stores=stores)
    worker = new_worker(client)
    found = nearby(client, worker, lat=89.49, lon=10.0, radius_m=5000)
    assert [t["place"]["name"] for t in found] == ["Station Nord"]
    assert 1000 < found[0]["distance_m"] < 1200
    assert [t["place"]["name"] for t in nearby(client, worker, lat=78.2, lon=15.6, radius_m=5000)] == ["Svalbard"]


def test_results_are_sorted_by_exact_distance(client):
    # East-west and north-south neighbours at almost the same distance, where Mercator stretches most.
    stores = [
        {"name": f"S{i}", "lat": 60.0 + dlat, "lon": 10.0 + dlon}
        for i, (dlat, dlon) in enumerate([(0.009, 0), (0, 0.0179), (-0.0091, 0), (0, -0.0181), (0.02, 0.02)])
    ]
    published_campaign(client, stores=stores)
    found = nearby(client, new_worker(client), lat=60.0, lon=10.0, radius_m=5000)
    distances = [t["distance_m"] for t in found]
    assert distances == sorted(distances) and len(found) == 5
