"""Input a hostile or careless client sends: always a 4xx in the usual error shape, never a 500."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.fieldwork import campaign_body, new_client

ERROR_KEYS = {"code", "message", "errors"}


def refused(response, status: int | tuple[int, ...] = (400, 422)) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    assert set(response.json) == ERROR_KEYS
    return response.json


def test_a_photo_link_with_a_non_ascii_signature_is_refused_not_a_crash(client):
    query = {"expires": "9999999999", "signature": "é" * 64}
    refused(client.get(f"/photos/{uuid.uuid4()}/clean", query_string=query), 422)


@pytest.mark.parametrize("text", ["Shop\x00", "Shop\ud800"])
def test_a_nul_or_a_lone_surrogate_in_a_text_field_is_refused(client, text):
    body = campaign_body(title=text)
    found = refused(client.post("/campaigns", json=body, headers=new_client(client)), 422)
    assert found["code"] == "invalid_characters"
    registered = client.post("/auth/register", json={"email": "a@b.test", "password": text * 3, "role": "worker"})
    assert refused(registered, 422)["code"] == "invalid_characters"


def test_the_console_sign_in_refuses_a_nul_too(client):
    form = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    response = client.post("/console/login", data={"email": "a\x00@b.test", "password": "x\x00" * 5, "csrf": token})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)


def test_deeply_nested_json_is_refused(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/auth/token", data=body, content_type="application/json")
    assert refused(response, 400)["code"] == "invalid_json"


def test_a_required_body_that_is_missing_is_refused_not_taken_as_an_empty_edit(client):
    owner = new_client(client)
    campaign = client.post("/campaigns", json=campaign_body(), headers=owner)
    edit = {**owner, "If-Match": campaign.headers["ETag"]}
    response = client.patch(f"/campaigns/{campaign.json['id']}", headers=edit)
    assert (refused(response, 400)["code"], response.json["errors"]) == (
        "invalid_json",
        {"json": ["A body is required."]},
    )
    assert client.patch(f"/campaigns/{campaign.json['id']}", json={}, headers=edit).status_code == 200


def test_a_5000_digit_integer_is_refused(client):
    body = '{"email": "a@b.test", "password": "x", "n": ' + "9" * 5000 + "}"
    refused(client.post("/auth/token", data=body, content_type="application/json"), (400, 422))
    huge = {"limit": "9" * 5000, "lat": "48.85", "lon": "2.35"}
    refused(client.get("/tasks/nearby", query_string=huge, headers=new_client(client)), (403, 422))


@pytest.mark.parametrize("moment", ["2026-12-03T00:00:00+23:00", "2026-12-03T00:00:00-16:30"])
def test_a_utc_offset_no_place_has_is_refused(client, moment):
    headers = new_client(client)
    feed = client.get("/feeds/prices", query_string={"since": moment}, headers=headers)
    assert refused(feed, 422)["code"] == "validation_error"
    as_csv = client.get("/feeds/prices", query_string={"since": moment, "format": "csv"}, headers=headers)
    refused(as_csv, 422)
    created = client.post("/campaigns", json=campaign_body(starts_at=moment), headers=headers)
    refused(created, 422)


def test_too_many_stores_are_refused_before_any_is_read(client):
    headers = new_client(client)
    store = {"name": "S", "lat": 48.85, "lon": 2.35}
    refused = client.post("/campaigns", json=campaign_body(stores=[store] * 100_000), headers=headers)
    assert refused.status_code == 422 and "At most 5000" in refused.json["errors"]["json"]["stores"][0]
    campaign = client.post("/campaigns", json=campaign_body(), headers=headers).json
    rows = "name,lat,lon\n" + "S,48.85,2.35\n" * 5001
    imported = client.post(f"/campaigns/{campaign['id']}/stores", data=rows, content_type="text/csv", headers=headers)
    assert (imported.status_code, imported.json["code"]) == (422, "invalid_file")
    assert "more than 5000 stores" in imported.json["message"]


def test_an_optional_body_may_be_left_out_even_under_a_json_content_type(client):
    """Generated clients send Content-Type: application/json with no body when an optional body is not given."""
    campaign = client.post("/campaigns", json=campaign_body(), headers=(owner := new_client(client))).json
    published = client.post(f"/campaigns/{campaign['id']}/publish", data=b"", content_type="application/json",
                            headers=owner)  # fmt: skip
    assert published.status_code == 200, published.json
