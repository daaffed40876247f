"""Campaigns: creation, tenant isolation, store import with per-row reports, publishing, editing."""

import json

import pytest

from tests.fieldwork import COLA_UPC, NUTELLA, campaign_body, new_client, new_worker, published_campaign
from tests.helpers import bearer, pages, register, sign_in


def create(client, headers, **overrides):
    return client.post("/campaigns", json=campaign_body(**overrides), headers=headers)


def test_client_creates_a_draft_campaign_with_stores_and_products(client):
    headers = new_client(client)
    response = create(client, headers)
    assert response.status_code == 201, response.json
    campaign = response.json
    assert campaign["status"] == "draft"
    assert campaign["claim_minutes"] == 120 and campaign["auto_approve_hours"] == 72
    assert campaign["organization"]["name"] == "Supermarchés Dupont"
    assert response.headers["ETag"] == f'"v{campaign["version"]}"'
    second = create(client, headers).json
    listed = [[c["id"] for c in page] for page in pages(client, "/campaigns", headers, limit=1)]
    assert sorted(listed) == sorted([[second["id"]], [campaign["id"]]])  # one a page (same created_at in a test)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purpose": ""}, "purpose"),
        ({"reward_cents": 0}, "reward_cents"),
        ({"reward_cents": 1.5}, "reward_cents"),
        ({"kind": "delivery"}, "kind"),
        ({"stores": [{"name": "X", "lat": 91, "lon": 2}]}, "stores"),
        ({"stores": [{"name": "X", "lat": 48, "lon": 2, "geofence_m": 20}]}, "stores"),
        ({"products": [{"gtin": "3017620422004", "name": "bad check digit"}]}, "products"),
        ({"products": [{"gtin": NUTELLA, "name": "N", "net_quantity": "a lot"}]}, "products"),
        ({"currency": "euro"}, "currency"),
    ],
)
def test_invalid_campaign_fields_are_refused(client, overrides, field):
    response = create(client, new_client(client), **overrides)
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


def test_campaign_must_end_after_it_starts(client):
    body = campaign_body()
    body["ends_at"] = body["starts_at"]
    response = client.post("/campaigns", json=body, headers=new_client(client))
    assert response.status_code == 422
    assert "ends_at" in response.json["errors"]


def test_upc_a_products_are_stored_as_ean13(client):
    headers = new_client(client)
    campaign = create(client, headers, products=[{"gtin": COLA_UPC, "name": "Cola"}]).json
    client.post(f"/campaigns/{campaign['id']}/publish", headers=headers)
    worker = new_worker(client)
    task_id = client.get("/tasks/nearby", query_string={"lat": 48.8566, "lon": 2.3522}, headers=worker).json["items"][
        0
    ]["id"]
    items = client.get(f"/tasks/{task_id}", headers=worker).json["items"]
    assert [item["gtin"] for item in items] == ["0" + COLA_UPC]


def test_another_organization_sees_nothing_of_a_campaign(client):
    owner = new_client(client)
    campaign = create(client, owner).json
    other = new_client(client)
    for method, path in [
        ("get", ""),
        ("patch", ""),
        ("post", "/publish"),
        ("post", "/pause"),
        ("post", "/close"),
        ("post", "/stores"),
    ]:
        response = getattr(client, method)(
            f"/campaigns/{campaign['id']}{path}", json={}, headers={**other, "If-Match": '"v1"'}
        )
        assert response.status_code == 404, (method, path, response.json)
    assert client.get("/campaigns", headers=other).json == {"items": [], "next_cursor": None}


def test_a_colleague_from_the_same_organization_sees_the_campaign(client):
    founder = register(client, "client")
    founder_headers = bearer(sign_in(client, founder["email"]))
    campaign = create(client, founder_headers).json
    colleague = register(client, "client", invitation_code=founder["organization"]["invitation_code"])
    response = client.get(f"/campaigns/{campaign['id']}", headers=bearer(sign_in(client, colleague["email"])))
    assert response.status_code == 200


def test_workers_cannot_manage_campaigns(client):
    worker = new_worker(client)
    assert client.get("/campaigns", headers=worker).status_code == 403
    assert create(client, worker).status_code == 403


CSV = (
    "name,address,lat,lon,geofence_m\n"
    "Franprix Oberkampf,10 rue Oberkampf,48.8650,2.3700,80\n"
    ",no name,48.86,2.35,\n"
    "Out of range,somewhere,95.0,2.35,\n"
    "Franprix Oberkampf,10 RUE OBERKAMPF,48.8650,2.3700,\n"
    "Tiny fence,1 rue X,48.86,2.35,10\n"
    "Monoprix Rivoli,1 rue de Rivoli,48.86,2.35,\n"
    "Lidl Nation,5 place de la Nation,48.8484,2.3958\n"
)


def test_csv_import_stores_good_rows_and_reports_each_bad_one(client):
    headers = new_client(client)
    campaign = create(client, headers).json
    response = client.post(
        f"/campaigns/{campaign['id']}/stores", data=CSV.encode(), content_type="text/csv", headers=headers
    )
    assert response.status_code == 200, response.json
    assert response.json["created"] == 2  # Franprix Oberkampf and Lidl Nation
    errors = {(e["line"], e["field"]) for e in response.json["errors"]}
    assert errors == {(3, "name"), (4, "lat"), (5, "name"), (6, "geofence_m"), (7, "name")}
    reasons = {e["line"]: e["reason"] for e in response.json["errors"]}
    assert "empty" in reasons[3] and "out of range" in reasons[4] and "already listed" in reasons[7]


def test_french_spreadsheet_export_is_read(client):
    headers = new_client(client)
    campaign = create(client, headers).json
    data = "name;address;lat;lon\nCarrefour Market Gambetta;Place Gambetta;48,8650;2,3986\n".encode("cp1252")
    response = client.post(f"/campaigns/{campaign['id']}/stores", data=data, content_type="text/csv", headers=headers)
    assert response.json == {"created": 1, "errors": []}


def test_geojson_import(client):
    headers = new_client(client)
    campaign = create(client, headers).json
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2.3333, 48.8600]},
                "properties": {"name": "A"},
            },
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": []}, "properties": {"name": "B"}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [200, 48]}, "properties": {"name": "C"}},
        ],
    }
    response = client.post(
        f"/campaigns/{campaign['id']}/stores",
        data=json.dumps(collection),
        content_type="application/geo+json",
        headers=headers,
    )
    assert response.json["created"] == 1
    assert [(e["line"], e["field"]) for e in response.json["errors"]] == [(2, "geometry"), (3, "lon")]


def test_unreadable_store_file_is_refused_whole(client):
    headers = new_client(client)
    campaign = create(client, headers).json
    response = client.post(
        f"/campaigns/{campaign['id']}/stores", data=b"\x00\x01", content_type="image/png", headers=headers
    )
    assert response.status_code == 422
    assert response.json["code"] == "invalid_file"


def test_publish_creates_one_task_per_store_with_one_item_per_product(client, connection):
    headers = new_client(client)
    campaign = create(client, headers).json
    first = client.post(f"/campaigns/{campaign['id']}/publish", headers=headers).json
    assert (first["tasks_created"], first["task_count"], first["item_count"]) == (2, 2, 4)
    assert first["campaign"]["status"] == "active"
    # Publishing again after adding a store adds only what is new.
    client.post(
        f"/campaigns/{campaign['id']}/stores",
        data=b"name,address,lat,lon\nNew,addr,48.87,2.36\n",
        content_type="text/csv",
        headers=headers,
    )
    again = client.post(f"/campaigns/{campaign['id']}/publish", headers=headers).json
    assert (again["tasks_created"], again["task_count"], again["item_count"]) == (1, 3, 6)


def test_publish_needs_a_budget_for_every_item(client):
    headers = new_client(client)
    campaign = create(client, headers, budget_cents=100).json  # 4 items x 40 cents = 160
    response = client.post(f"/campaigns/{campaign['id']}/publish", headers=headers)
    assert response.status_code == 422
    assert response.json["code"] == "insufficient_budget"
    assert client.get(f"/campaigns/{campaign['id']}", headers=headers).json["status"] == "draft"


def test_publish_needs_something_to_do(client):
    headers = new_client(client)
    campaign = create(client, headers, products=[]).json
    response = client.post(f"/campaigns/{campaign['id']}/publish", headers=headers)
    assert response.json["code"] == "nothing_to_publish"


def test_scooter_campaign_lists_vehicles_not_stores(client):
    headers = new_client(client)
    assert (
        create(client, headers, kind="scooter_recharge", stores=[{"name": "X", "lat": 1, "lon": 1}]).status_code == 422
    )
    no_spot = create(client, headers, kind="scooter_recharge", deploy_spots=[]).json
    refused = client.post(f"/campaigns/{no_spot['id']}/publish", headers=headers)
    assert (refused.status_code, refused.json["code"]) == (422, "no_deploy_spots")
    campaign = create(client, headers, kind="scooter_recharge").json
    assert (campaign["late_reward_cents"], campaign["charge_reimbursement_cents"]) == (20, 15)
    published = client.post(f"/campaigns/{campaign['id']}/publish", headers=headers).json
    assert (published["task_count"], published["item_count"]) == (1, 1)


def test_scooter_fields_are_checked(client):
    headers = new_client(client)
    too_late = create(client, headers, kind="scooter_recharge", late_reward_cents=41)  # reward is 40
    assert too_late.status_code == 422 and "late_reward_cents" in too_late.json["errors"]["json"]
    assert create(client, headers, kind="scooter_recharge", timezone="Mars/Olympus").status_code == 422
    empty_window = {"name": "X", "lat": 1, "lon": 1, "release_from": "04:00", "release_until": "04:00"}
    assert create(client, headers, kind="scooter_recharge", deploy_spots=[empty_window]).status_code == 422
    assert create(client, headers, charge_reimbursement_cents=10).json["code"] == "wrong_kind"


def test_a_scooter_budget_covers_rewards_and_electricity(client):
    headers = new_client(client)
    campaign = create(client, headers, kind="scooter_recharge", budget_cents=54).json  # 40 + 15 needed
    refused = client.post(f"/campaigns/{campaign['id']}/publish", headers=headers)
    assert refused.json["code"] == "insufficient_budget" and "55" in refused.json["message"]


def test_edit_needs_a_current_if_match_and_a_paused_or_draft_campaign(client):
    headers = new_client(client)
    campaign = create(client, headers).json
    path = f"/campaigns/{campaign['id']}"
    assert client.patch(path, json={"title": "New"}, headers=headers).status_code == 428
    edited = client.patch(path, json={"title": "New"}, headers={**headers, "If-Match": '"v1"'})
    assert edited.status_code == 200 and edited.json["title"] == "New"
    assert edited.headers["ETag"] == '"v2"'
    stale = client.patch(path, json={"title": "Newer"}, headers={**headers, "If-Match": '"v1"'})
    assert stale.status_code == 412
    assert client.patch(path, json={"status": "active"}, headers={**headers, "If-Match": '"v2"'}).status_code == 422
    client.post(f"{path}/publish", headers=headers)
    etag = client.get(path, headers=headers).headers["ETag"]
    active = client.patch(path, json={"title": "X"}, headers={**headers, "If-Match": etag})
    assert active.status_code == 409 and active.json["code"] == "campaign_active"


def test_pause_hides_tasks_and_close_is_final(client):
    headers = new_client(client)
    campaign = create(client, headers).json
    client.post(f"/campaigns/{campaign['id']}/publish", headers=headers)
    worker = new_worker(client)
    where = {"lat": 48.8566, "lon": 2.3522}
    assert len(client.get("/tasks/nearby", query_string=where, headers=worker).json["items"]) == 2
    assert client.post(f"/campaigns/{campaign['id']}/pause", headers=headers).json["status"] == "paused"
    assert client.get("/tasks/nearby", query_string=where, headers=worker).json["items"] == []
    assert client.post(f"/campaigns/{campaign['id']}/publish", headers=headers).status_code == 200
    assert len(client.get("/tasks/nearby", query_string=where, headers=worker).json["items"]) == 2
    assert client.post(f"/campaigns/{campaign['id']}/close", headers=headers).json["status"] == "closed"
    assert client.get("/tasks/nearby", query_string=where, headers=worker).json["items"] == []
    reopen = client.post(f"/campaigns/{campaign['id']}/publish", headers=headers)
    assert reopen.status_code == 409 and reopen.json["code"] == "campaign_closed"


def test_publishing_again_with_nothing_new_changes_nothing(client):
    campaign = published_campaign(client)
    path, headers = f"/campaigns/{campaign['id']}", campaign["headers"]
    etag = client.get(path, headers=headers).headers["ETag"]
    again = client.post(f"{path}/publish", headers=headers)
    assert (again.status_code, again.json["tasks_created"]) == (200, 0)
    assert client.get(path, headers=headers).headers["ETag"] == etag  # an If-Match taken before still works
    new_store = b"name,address,lat,lon\nFranprix Marais,3 rue X,48.857,2.36\n"
    assert client.post(f"{path}/stores", data=new_store, content_type="text/csv", headers=headers).json["created"] == 1
    assert client.post(f"{path}/publish", headers=headers).json["tasks_created"] == 1
    assert client.get(path, headers=headers).headers["ETag"] != etag


def test_stores_carry_the_clients_ref_and_an_openstreetmap_element(client):
    headers = new_client(client)
    campaign = create(client, headers).json
    path = f"/campaigns/{campaign['id']}/stores"
    csv_file = (
        b"name,address,lat,lon,store_ref,osm_type,osm_id\n"
        b"Monoprix Rivoli,52 rue de Rivoli,48.8566,2.3522,MPX-0142,node,2891623105\n"  # line 2: good (any case)
        b"Monoprix Bastille,2 place de la Bastille,48.8532,2.3692,MPX-0142,,\n"  # 3: the same ref twice
        b"Franprix Marais,3 rue X,48.857,2.36,FPX-7,shop,12\n"  # 4: not an OSM element type
        b"Lidl Nation,4 place de la Nation,48.848,2.396,LDL-1,,55\n"  # 5: an id without its type
        b"Lidl Gare,5 rue Y,48.84,2.37,,WAY,123456\n"  # 6: good, no ref
    )
    response = client.post(path, data=csv_file, content_type="text/csv", headers=headers)
    assert response.json["created"] == 2, response.json
    assert {(e["line"], e["field"]) for e in response.json["errors"]} == {(3, "store_ref"), (4, "osm_type"),
                                                                          (5, "osm_type")}  # fmt: skip
    again = "name,address,lat,lon,store_ref\nMonoprix Opéra,9 rue Z,48.87,2.33,MPX-0142\n".encode()
    refused = client.post(path, data=again, content_type="text/csv", headers=headers).json
    assert refused["created"] == 0 and "store_ref" in refused["errors"][0]["reason"]
    inline = campaign_body(stores=[{"name": "A", "lat": 48.85, "lon": 2.35, "store_ref": "A-1", "osm_id": 5}])
    half = client.post("/campaigns", json=inline, headers=headers)
    assert half.status_code == 422 and "osm_id" in half.json["errors"]["json"]["stores"]["0"]


def test_a_draft_can_be_deleted_and_a_published_campaign_cannot(client):
    headers = new_client(client)
    draft = create(client, headers).json
    assert client.delete(f"/campaigns/{draft['id']}", headers=new_client(client)).status_code == 404  # not theirs
    assert client.delete(f"/campaigns/{draft['id']}", headers=headers).status_code == 204
    assert client.get(f"/campaigns/{draft['id']}", headers=headers).status_code == 404
    published = published_campaign(client, headers)
    refused = client.delete(f"/campaigns/{published['id']}", headers=headers)
    assert (refused.status_code, refused.json["code"]) == (409, "campaign_active")
