"""The moderators' console, page by page (the browser run is in test_console_browser.py)."""

from __future__ import annotations

import re
import uuid

from tests.fieldwork import EVIAN, PARIS, photo_bytes, published_campaign
from tests.helpers import PASSWORD, bearer, sign_in
from tests.test_placement import photograph_shelf, placement_campaign, read
from tests.verification import ONE_PRODUCT, earnings, hand_in, label_photo, read_photo, stores_campaign


def signed_in(client, email: str):
    response = client.post("/console/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_a_moderator_signs_in_opens_the_next_case_and_approves_a_corrected_price(client, staff):
    campaign = stores_campaign(client, 1)
    handed_in = hand_in(client, label_photo(gtin=EVIAN, price_cents=349, seed=3), campaign)
    read_photo(client, handed_in)
    signed_in(client, staff("moderator"))
    queue = client.get("/console").get_data(as_text=True)
    assert "1 open case(s)" in queue and "wrong_product: 1" in queue
    opened = client.post("/console/next", data={"csrf": csrf_of(queue)})
    case_page = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert "3017620422003" in case_page and EVIAN in case_page and 'class="box barcode"' in case_page
    decided = client.post(
        f"{opened.headers['Location']}/decision",
        data={"csrf": csrf_of(case_page), "outcome": "approve", "price": "3,59"},
    )
    assert decided.status_code == 302
    assert "Decision recorded." in client.get("/console").get_data(as_text=True)
    assert earnings(client, handed_in.worker)["available_cents"] == 40
    feed = client.get("/feeds/prices", headers=campaign["headers"]).json["prices"]
    assert [p["price_cents"] for p in feed] == [359]


def test_the_console_refuses_strangers_forged_posts_and_escapes_what_people_typed(client, staff):
    store = {"name": "<b onmouseover=alert(1)>Shop</b>", "lat": PARIS[0], "lon": PARIS[1]}
    campaign = published_campaign(client, stores=[store], products=ONE_PRODUCT)
    read_photo(client, hand_in(client, label_photo(gtin=EVIAN, seed=5), campaign))
    assert client.get("/console").headers["Location"].endswith("/console/login")
    wrong = client.post("/console/login", data={"email": staff("moderator"), "password": "nope"})
    assert wrong.status_code == 401 and "Wrong email or password." in wrong.get_data(as_text=True)
    admin = client.post("/console/login", data={"email": staff("admin"), "password": PASSWORD})
    assert client.get(admin.headers["Location"]).status_code == 302  # signed in, but not a moderator
    signed_in(client, staff("moderator"))
    assert client.post("/console/next", data={"csrf": "forged"}).status_code == 400
    queue = client.get("/console").get_data(as_text=True)
    assert "&lt;b onmouseover=alert(1)&gt;Shop&lt;/b&gt;" in queue and "<b onmouseover" not in queue
    case_url = client.post("/console/next", data={"csrf": csrf_of(queue)}).headers["Location"]
    page = client.get(case_url).get_data(as_text=True)
    assert "&lt;b onmouseover=alert(1)&gt;" in page and "<b onmouseover" not in page


def test_a_placement_case_is_approved_with_what_the_moderator_saw_on_the_shelf(client, staff):
    campaign = placement_campaign(client)
    _, _, photo_id = photograph_shelf(client, campaign, photo_bytes(seed=5))
    read(client, photo_id)
    signed_in(client, staff("moderator"))
    queue = client.get("/console").get_data(as_text=True)
    case_url = client.post("/console/next", data={"csrf": csrf_of(queue)}).headers["Location"]
    case_page = client.get(case_url).get_data(as_text=True)
    assert 'name="presence"' in case_page and 'name="price"' not in case_page
    client.post(f"{case_url}/decision", data={"csrf": csrf_of(case_page), "outcome": "approve", "presence": "present"})
    [check] = client.get("/feeds/shelf", headers=campaign["headers"]).json
    assert (check["presence"], check["verified_by"]) == ("present", "moderator")


def test_a_case_opened_by_its_address_is_held_and_a_settled_one_is_read_only(client, staff):
    read_photo(client, hand_in(client, label_photo(gtin=EVIAN, seed=11), stores_campaign(client, 1)))
    other = bearer(sign_in(client, staff("moderator")))
    signed_in(client, staff("moderator"))
    [case] = client.get("/moderation/cases", headers=other).json
    case_url = f"/console/cases/{case['id']}"
    page = client.get(case_url).get_data(as_text=True)  # opened by its address, not through "next"
    assert 'id="approve"' in page
    assert re.search(r"accepted, [\d.]+ m \(±10\.0 m\), fix of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d, received ", page)
    refused = client.post(f"/moderation/cases/{case['id']}/decision", json={"outcome": "no_fault"}, headers=other)
    assert (refused.status_code, refused.json["code"]) == (409, "held_by_other")
    assert client.post("/moderation/cases/next", headers=other).status_code == 204  # nothing else waits
    client.post(f"{case_url}/decision", data={"csrf": csrf_of(page), "outcome": "no_fault"})
    settled = client.get(case_url).get_data(as_text=True)
    assert "Settled: no fault" in settled and 'id="approve"' not in settled and "By " in settled
    missing = client.get(f"/console/cases/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.mimetype == "text/html" and "No such case." in missing.text
