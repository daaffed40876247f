"""The moderators' console, page by page (the browser run is in test_console_browser.py)."""

from __future__ import annotations

import html
import re
import uuid
from urllib.parse import urlsplit

import pytest
from markupsafe import escape
from sqlalchemy import text

from fieldtasks import create_app
from fieldtasks.api import console
from fieldtasks.api.console_words import REASON_WORDS
from fieldtasks.services.verdicts import REASONS
from tests.conftest import make_environ
from tests.fieldwork import EVIAN, PARIS, photo_bytes, published_campaign
from tests.helpers import PASSWORD, bearer, sign_in
from tests.test_placement import photograph_shelf, placement_campaign, read
from tests.verification import ONE_PRODUCT, earnings, hand_in, label_photo, read_photo, stores_campaign


def signed_in(client, email: str):
    form = client.get("/console/login").get_data(as_text=True)
    response = client.post("/console/login", data={"email": email, "password": PASSWORD, "csrf": csrf_of(form)})
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
    assert "1 open case(s)" in queue and f"{escape(REASON_WORDS['wrong_product'])} <strong>1</strong>" in queue
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
    feed = client.get("/feeds/prices", headers=campaign["headers"]).json["items"]
    assert [p["price_cents"] for p in feed] == [359]


def test_the_console_speaks_french_by_the_browser_or_by_its_switch(client, staff):
    campaign = stores_campaign(client, 1)
    read_photo(client, hand_in(client, label_photo(gtin=EVIAN, price_cents=349, seed=3), campaign))
    signed_in(client, staff("moderator"))
    french = client.get("/console", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fr">' in french and "Ouvrir le dossier suivant" in french and "1 dossier(s) ouvert(s)" in french
    assert "Code-barres d&#39;un autre produit lu" in french  # the reason, in the moderator's words
    switched = client.get("/console/language/en", query_string={"next": "/console?reason=wrong_product"})
    assert switched.headers["Location"] == "/console?reason=wrong_product"
    english = client.get("/console", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Open the next case" in english  # the switch wins over the browser
    elsewhere = client.get("/console/language/fr", query_string={"next": "https://elsewhere.example/"})
    assert elsewhere.headers["Location"] == "/console"  # never sent off the console
    queue = client.get("/console").get_data(as_text=True)
    opened = client.post("/console/next", data={"csrf": csrf_of(queue)})
    case_page = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert "Approuver" in case_page and "Explication pour le travailleur" in case_page and "Pas le produit" in case_page
    assert client.get("/console/language/xx").status_code == 404


def test_the_queue_pages_through_every_case_oldest_first(client, staff, monkeypatch):
    monkeypatch.setattr(console, "QUEUE_PAGE", 1)
    campaign = stores_campaign(client, 2)
    for seed in (3, 4):
        read_photo(client, hand_in(client, label_photo(gtin=EVIAN, price_cents=349, seed=seed), campaign))
    signed_in(client, staff("moderator"))
    first = client.get("/console").get_data(as_text=True)
    assert "1 open case(s) shown, the oldest; more are waiting" in first and "The oldest cases" not in first
    later = re.search(r'href="([^"]*cursor=[^"]*)">Later cases', first).group(1).replace("&amp;", "&")
    second = client.get(later).get_data(as_text=True)
    assert "1 open case(s)" in second and "Later cases" not in second and "The oldest cases" in second
    case_links = {re.search(r"/console/cases/([0-9a-f-]{36})", page).group(1) for page in (first, second)}
    assert len(case_links) == 2  # each case on one page


def test_the_console_refuses_strangers_forged_posts_and_escapes_what_people_typed(client, staff):
    store = {"name": "<b onmouseover=alert(1)>Shop</b>", "lat": PARIS[0], "lon": PARIS[1]}
    campaign = published_campaign(client, stores=[store], products=ONE_PRODUCT)
    read_photo(client, hand_in(client, label_photo(gtin=EVIAN, seed=5), campaign))
    assert client.get("/console").headers["Location"].endswith("/console/login")
    login_csrf = csrf_of(client.get("/console/login").get_data(as_text=True))
    forged = client.post("/console/login", data={"email": staff("moderator"), "password": PASSWORD})
    assert forged.status_code == 400  # a sign-in posted without the form's token (login CSRF)
    wrong = client.post("/console/login", data={"email": staff("moderator"), "password": "nope", "csrf": login_csrf})
    assert wrong.status_code == 401 and "Wrong email or password." in wrong.get_data(as_text=True)
    admin = client.post("/console/login", data={"email": staff("admin"), "password": PASSWORD, "csrf": login_csrf})
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
    [check] = client.get("/feeds/shelf", headers=campaign["headers"]).json["items"]
    assert (check["presence"], check["verified_by"]) == ("present", "moderator")


@pytest.mark.both_storages  # on S3 the photos come from the bucket's own address, presigned
def test_a_case_page_allows_images_from_where_its_photo_links_point(client, staff):
    read_photo(client, hand_in(client, label_photo(gtin=EVIAN, seed=12), stores_campaign(client, 1)))
    signed_in(client, staff("moderator"))
    queue = client.get("/console").get_data(as_text=True)
    case = client.get(client.post("/console/next", data={"csrf": csrf_of(queue)}).headers["Location"])
    policy = dict(part.strip().split(" ", 1) for part in case.headers["Content-Security-Policy"].split(";"))
    photos = re.findall(r'<img src="([^"]+)"', case.get_data(as_text=True))
    assert photos
    for link in photos:
        parts = urlsplit(html.unescape(link))
        assert parts.netloc in ("", "localhost") or f"{parts.scheme}://{parts.netloc}" in policy["img-src"].split()


def test_a_case_opened_by_its_address_is_held_and_a_settled_one_is_read_only(client, staff):
    read_photo(client, hand_in(client, label_photo(gtin=EVIAN, seed=11), stores_campaign(client, 1)))
    other = bearer(sign_in(client, staff("moderator")))
    signed_in(client, staff("moderator"))
    [case] = client.get("/moderation/cases", headers=other).json["items"]
    case_url = f"/console/cases/{case['id']}"
    page = client.get(case_url).get_data(as_text=True)  # opened by its address, not through "next"
    assert 'id="approve"' in page
    moment = r'<time datetime="[^"]+" data-precision="seconds">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</time>'
    fix = rf"accepted, [\d.]+ m \(±10\.0 m\), fix of {moment}, received {moment}"
    assert re.search(fix, page)
    refused = client.post(f"/moderation/cases/{case['id']}/decision", json={"outcome": "no_fault"}, headers=other)
    assert (refused.status_code, refused.json["code"]) == (409, "held_by_other")
    assert client.post("/moderation/cases/next", headers=other).status_code == 204  # nothing else waits
    client.post(f"{case_url}/decision", data={"csrf": csrf_of(page), "outcome": "no_fault"})
    settled = client.get(case_url).get_data(as_text=True)
    assert "Settled: no fault" in settled and 'id="approve"' not in settled and "By " in settled
    missing = client.get(f"/console/cases/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.mimetype == "text/html" and "No such case." in missing.text


def test_every_reason_has_words_for_the_moderator():
    assert set(REASONS) | {"appeal"} <= set(REASON_WORDS)
    assert all(REASON_WORDS[code] != REASONS.get(code) for code in REASON_WORDS)  # not the worker's sentence


def test_the_queue_filters_by_reason_campaign_and_client_and_shows_who_the_case_is_for(client, staff):
    prices, other_client = stores_campaign(client, 1), stores_campaign(client, 1)
    read_photo(client, hand_in(client, label_photo(gtin=EVIAN, seed=41), prices))
    read_photo(client, hand_in(client, photo_bytes(seed=42), other_client))
    signed_in(client, staff("moderator"))
    queue = client.get("/console").get_data(as_text=True)
    assert "2 open case(s)" in queue and prices["title"] in queue
    assert re.search(r'<time datetime="[^"]+\+00:00" data-precision="minutes">', queue)  # shown in their zone
    assert queue.count('class="case-row" data-href="/console/cases/') == 2
    by_reason = client.get("/console", query_string={"reason": "wrong_product"}).get_data(as_text=True)
    assert "1 open case(s)" in by_reason
    by_campaign = client.get("/console", query_string={"campaign": other_client["id"]}).get_data(as_text=True)
    assert "1 open case(s)" in by_campaign and escape(REASON_WORDS["no_barcode"]) in by_campaign
    client_id = client.get("/me", headers=prices["headers"]).json["organization"]["id"]
    by_client = client.get("/console", query_string={"client": client_id}).get_data(as_text=True)
    assert "1 open case(s)" in by_client and escape(REASON_WORDS["wrong_product"]) in by_client
    assert client.get("/console", query_string={"client": "not-a-uuid"}).status_code == 400


def test_a_case_shows_the_visit_the_workers_record_and_the_original_of_a_copy(client, staff):
    campaign = stores_campaign(client, 2)
    photo = label_photo(seed=43)
    first = hand_in(client, photo, campaign)
    read_photo(client, first)  # verified: the worker's record has one accepted item
    copy = hand_in(client, photo, campaign)  # the same bytes, from another worker
    read_photo(client, copy)
    signed_in(client, staff("moderator"))
    queue = client.get("/console").get_data(as_text=True)
    case_url = client.post("/console/next", data={"csrf": csrf_of(queue)}).headers["Location"]
    page = client.get(case_url).get_data(as_text=True)
    assert escape(REASON_WORDS["duplicate_photo"]) in page
    assert 'id="copies"' in page and f"/photos/{first.photo_id}/clean" in page  # the original, side by side
    assert "0 accepted · 0 rejected · 0 no fault · 1 in review" in page
    assert 'id="visit">no other item' in page
    first_record = client.get(f"/moderation/cases/{case_url.rsplit('/', 1)[1]}",
                              headers=bearer(sign_in(client, staff("moderator")))).json  # fmt: skip
    assert [c["id"] for c in first_record["copies"]] == [first.photo_id]


def test_skip_and_release_leave_a_case_undecided_and_a_decision_opens_the_next(client, staff, connection):
    campaign = stores_campaign(client, 3)
    for seed in (44, 45, 46):
        read_photo(client, hand_in(client, label_photo(gtin=EVIAN, seed=seed), campaign))
    signed_in(client, staff("moderator"))
    queue = client.get("/console").get_data(as_text=True)
    first = client.post("/console/next", data={"csrf": csrf_of(queue)}).headers["Location"]
    page = client.get(first).get_data(as_text=True)
    second = client.post(f"{first}/skip", data={"csrf": csrf_of(page)}).headers["Location"]
    assert second != first and "/console/cases/" in second
    page = client.get(second).get_data(as_text=True)
    third = client.post(f"{second}/decision", data={"csrf": csrf_of(page), "outcome": "no_fault"}).headers["Location"]
    assert third not in (first, second) and "/console/cases/" in third  # straight to the next case
    page = client.get(third).get_data(as_text=True)
    assert "Decision recorded." in page
    released = client.post(f"{third}/release", data={"csrf": csrf_of(page)})
    assert released.headers["Location"].endswith("/console")
    held = connection.execute(
        text("SELECT count(*) FROM review_cases WHERE held_by_id IS NOT NULL AND status = 'open'")
    )
    assert held.scalar() == 0  # the skipped and the released are anyone's again
    assert connection.execute(text("SELECT count(*) FROM review_cases WHERE status = 'open'")).scalar() == 2


def test_console_pages_run_only_their_own_scripts_in_no_frame_and_sign_out_needs_the_token(client, staff):
    signed_in(client, staff("moderator"))
    queue = client.get("/console")
    policy = queue.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'nonce-([^']+)'", policy).group(1)
    assert f'<script nonce="{nonce}">' in queue.get_data(as_text=True) and "frame-ancestors 'none'" in policy
    assert queue.headers["X-Frame-Options"] == "DENY"
    assert client.post("/console/logout").status_code == 400  # another site cannot sign a moderator out
    assert client.get("/console").status_code == 200
    out = client.post("/console/logout", data={"csrf": csrf_of(queue.get_data(as_text=True))})
    assert out.status_code == 302 and client.get("/console").status_code == 302


def test_the_console_cookie_is_https_only_unless_configured_otherwise(staff):
    app = create_app(make_environ(CONSOLE_COOKIE_SECURE="true"))
    page = app.test_client().get("/console/login")
    assert "Secure" in page.headers["Set-Cookie"] and "HttpOnly" in page.headers["Set-Cookie"]
