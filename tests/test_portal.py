"""The clients' portal at /portal, page by page: sign up, set a campaign up step by step (products checked, stores
from a file with each refused row said), pay against the minimum and the budget against the account, publish, the
progress, the prices with their proof photo, a chart and the downloads, a flagged price, keys and webhooks."""

from __future__ import annotations

import io
import json
import re
import uuid

from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.api.price_chart import Point, price_chart
from fieldtasks.api.tile_map import fitted_map, zoom_to_fit
from fieldtasks.jobs.photo_reading import run_extraction
from fieldtasks.services import webhooks
from tests.fieldwork import EVIAN, NUTELLA, PARIS, credit, fresh_fix, upload
from tests.helpers import PASSWORD, bearer, register, sign_in, unique_email
from tests.verification import label_photo

STORES_CSV = (
    "name,address,lat,lon,store_ref\n"
    f"Monoprix Rivoli,1 rue de Rivoli,{PARIS[0]},{PARIS[1]},MPX-1\n"
    "Franprix Marais,3 rue des Archives,48.8589,2.3561,FPX-2\n"
    "Nowhere,0 rue du Vide,95.0,2.35,BAD-1\n"
    "Carrefour Bastille,2 place de la Bastille,48.8532,not-a-number,BAD-2\n"
)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def signed_up(client, organization: str = "Supermarchés Dupont") -> dict:
    """A new client and organization through the portal's own form; its id and the page it lands on."""
    form = client.get("/portal/signup").get_data(as_text=True)
    email = unique_email()
    landed = client.post("/portal/signup", data={
        "csrf": csrf_of(form), "email": email, "password": PASSWORD, "display_name": "Anne Analyste",
        "organization_name": organization,
    }, follow_redirects=True)  # fmt: skip
    assert landed.status_code == 200, landed.get_data(as_text=True)
    res = client.application.extensions[EXTENSION]
    with res.database.unit_of_work() as db:
        organization_id = db.execute(
            text("SELECT organization_id FROM users WHERE email = :email"), {"email": email}
        ).scalar()
    return {"email": email, "organization_id": str(organization_id), "page": landed.get_data(as_text=True)}


def set_up_campaign(client, title: str = "Prix du petit-déjeuner") -> str:
    """Steps 1 to 3 through the portal's forms: the campaign's id."""
    page = client.get("/portal/campaigns/new").get_data(as_text=True)
    created = client.post("/portal/campaigns/new", data={
        "csrf": csrf_of(page), "kind": "shelf_price", "title": title,
        "purpose": "Supermarchés Dupont compare breakfast prices in Paris to set their own.",
        "instructions": "Photograph each product's shelf label.", "starts": "2026-01-01", "ends": "2027-12-31",
    })  # fmt: skip
    assert created.status_code == 302, created.get_data(as_text=True)
    campaign_id = created.headers["Location"].split("/")[3]
    for gtin, name in ((NUTELLA, "Nutella 400 g"), (EVIAN, "Evian 1 L")):
        client.post(
            f"/portal/campaigns/{campaign_id}/products", data={"csrf": csrf_of(page), "gtin": gtin, "name": name}
        )
    client.post(f"/portal/campaigns/{campaign_id}/stores", data={
        "csrf": csrf_of(page), "file": (io.BytesIO(STORES_CSV.encode()), "stores.csv"),
    }, content_type="multipart/form-data")  # fmt: skip
    return campaign_id


def test_a_client_signs_up_and_sets_a_campaign_up_step_by_step(client, connection):
    account = signed_up(client)
    assert "New campaign" in account["page"] and "The account holds nothing yet" in account["page"]
    assert "Your track record, as workers read it" in account["page"] and "not enough data" in account["page"]
    page = client.get("/portal/campaigns/new").get_data(as_text=True)
    no_purpose = client.post("/portal/campaigns/new", data={
        "csrf": csrf_of(page), "kind": "shelf_price", "title": "Sans but", "purpose": "", "starts": "2026-01-01",
        "ends": "2026-12-31",
    })  # fmt: skip
    assert no_purpose.status_code == 422 and 'id="purpose-error"' in no_purpose.get_data(as_text=True)
    created = client.post("/portal/campaigns/new", data={
        "csrf": csrf_of(page), "kind": "shelf_price", "title": "Prix du petit-déjeuner",
        "purpose": "Supermarchés Dupont compare breakfast prices in Paris to set their own.",
        "starts": "2026-12-01", "ends": "2026-12-31",
    }, follow_redirects=True)  # fmt: skip
    products = created.get_data(as_text=True)
    assert "Draft saved" in products and "Check digit" in products  # the page checks a barcode as it is typed
    campaign_id = re.search(r"/portal/campaigns/([0-9a-f-]{36})/products", products).group(1)
    typo = client.post(f"/portal/campaigns/{campaign_id}/products", data={
        "csrf": csrf_of(products), "gtin": "3017620422004", "name": "Nutella"}, follow_redirects=True)  # fmt: skip
    assert "Not added: " in typo.get_data(as_text=True) and "check digit" in typo.get_data(as_text=True)
    added = client.post(f"/portal/campaigns/{campaign_id}/products", data={
        "csrf": csrf_of(products), "gtin": NUTELLA, "name": "Nutella 400 g"}, follow_redirects=True)  # fmt: skip
    assert "Added: Nutella 400 g." in added.get_data(as_text=True) and NUTELLA in added.get_data(as_text=True)
    imported = client.post(f"/portal/campaigns/{campaign_id}/stores", data={
        "csrf": csrf_of(products), "file": (io.BytesIO(STORES_CSV.encode()), "stores.csv"),
    }, content_type="multipart/form-data")  # fmt: skip
    report = imported.get_data(as_text=True)
    assert imported.status_code == 422 and "2 stores added." in report and "2 rows refused:" in report
    refused = re.findall(r"<tr><td class=\"number\">(\d+)</td><td>(\w+)</td>", report.split('id="refused"')[1])
    assert refused == [("4", "lat"), ("5", "lon")]  # each with its file line and field, and the reason beside
    assert connection.execute(text("SELECT count(*) FROM stores")).scalar() == 2
    again = client.post(f"/portal/campaigns/{campaign_id}/stores", headers={"Accept-Language": "fr"}, data={
        "csrf": csrf_of(products), "file": (io.BytesIO(STORES_CSV.encode()), "magasins.csv"),
    }, content_type="multipart/form-data").get_data(as_text=True)  # fmt: skip
    assert "est hors limites (lat -90..90, lon -180..180)" in again and "est déjà dans la liste" in again
    pay = client.get(f"/portal/campaigns/{campaign_id}/pay").get_data(as_text=True)
    assert "A task is one store: 1 products to photograph there; 2 stores." in pay
    assert "The account holds 0.00 EUR." in pay
    for reward, minutes in (("", "2"), ("0,50", "-3"), ("abc", "2")):  # refused in words, never a 500
        wrong = client.post(
            f"/portal/campaigns/{campaign_id}/pay",
            data={"csrf": csrf_of(pay), "reward": reward, "estimated_minutes": minutes, "budget": "5"},
            follow_redirects=True,
        )
        assert wrong.status_code == 200 and "Write amounts as 0,40" in wrong.get_data(as_text=True)
    saved = client.post(f"/portal/campaigns/{campaign_id}/pay", data={
        "csrf": csrf_of(pay), "reward": "0,50", "estimated_minutes": "2", "reading_minutes": "1", "budget": "5",
    }, follow_redirects=True)  # fmt: skip
    assert "Pay and budget saved." in saved.get_data(as_text=True)
    unfunded = client.post(f"/portal/campaigns/{campaign_id}/publish", data={"csrf": csrf_of(pay)},
                           follow_redirects=True)  # fmt: skip
    assert "the account holds 0" in unfunded.get_data(as_text=True)  # refused in words, back on the pay page
    credit(client, account["organization_id"], 10_000)
    published = client.post(f"/portal/campaigns/{campaign_id}/publish", data={"csrf": csrf_of(pay)},
                            follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Published: 2 tasks, 2 items offered to workers." in published and "Stores covered" in published
    assert "Monoprix Rivoli" in published and "MPX-1" in published and "Open" in published
    paused = client.post(f"/portal/campaigns/{campaign_id}/pause", data={"csrf": csrf_of(pay)}, follow_redirects=True)
    assert "Paused" in paused.get_data(as_text=True)
    listed = client.get("/portal").get_data(as_text=True)
    assert "Prix du petit-déjeuner" in listed and "Paused" in listed and "0.50 EUR" in listed


def test_the_pay_page_says_the_hourly_pay_against_the_minimum(client):
    signed_up(client)
    campaign_id = set_up_campaign(client)
    page = client.get(f"/portal/campaigns/{campaign_id}/pay").get_data(as_text=True)
    figures = json.loads(re.search(r'<script type="application/json" id="pay-figures">(.*?)</script>', page, re.S)[1])
    assert (figures["items"], figures["stores"], figures["wage"]) == (2, 2, 1202)  # the SMIC in cents an hour
    saved = client.post(
        f"/portal/campaigns/{campaign_id}/pay",
        data={"csrf": csrf_of(page), "reward": "0,05", "estimated_minutes": "10", "budget": "50"},
        follow_redirects=True,
    )
    refused = client.post(f"/portal/campaigns/{campaign_id}/publish", data={"csrf": csrf_of(page)},
                          follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert saved.status_code == 200 and "below the minimum of 12.02" in refused and "pay at least 101 cents" in refused


def test_a_client_sees_prices_opens_the_proof_photo_downloads_them_and_flags_one(client, connection):
    account = signed_up(client)
    campaign_id = set_up_campaign(client)
    credit(client, account["organization_id"], 100_000)
    page = client.get(f"/portal/campaigns/{campaign_id}/pay").get_data(as_text=True)
    client.post(f"/portal/campaigns/{campaign_id}/pay", data={
        "csrf": csrf_of(page), "reward": "0,40", "estimated_minutes": "2", "budget": "10"})  # fmt: skip
    assert client.post(f"/portal/campaigns/{campaign_id}/publish", data={"csrf": csrf_of(page)}).status_code == 302
    worker = bearer(sign_in(client, register(client, "worker")["email"]))
    task = next(
        t
        for t in client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]}, headers=worker).json[
            "items"
        ]
        if t["place"]["name"] == "Monoprix Rivoli"
    )
    assert (
        client.post(f"/tasks/{task['id']}/claim", json={"lat": PARIS[0], "lon": PARIS[1]}, headers=worker).status_code
        == 200
    )
    assert client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker).status_code == 201
    for gtin in (NUTELLA, EVIAN):
        sent = upload(client, worker, task["id"], str(uuid.uuid4()), label_photo(gtin), gtin=gtin)
        assert sent.status_code == 201, sent.json
    assert client.post(f"/tasks/{task['id']}/submit", headers=worker).status_code == 202
    res = client.application.extensions[EXTENSION]
    for photo_id in connection.execute(text("SELECT id FROM photos")).scalars():
        run_extraction(res, photo_id, 1)
    prices = client.get("/portal/prices").get_data(as_text=True)
    assert "Nutella 400 g" in prices and "3.49 EUR" in prices and "by the machine" in prices
    photo_link = re.search(r'href="(/portal/prices/[0-9a-f-]+/photo)"', prices).group(1)
    proof = client.get(photo_link)
    assert proof.status_code == 302 and client.get(proof.headers["Location"]).mimetype == "image/jpeg"
    chart = client.get("/portal/prices", query_string={"gtin": NUTELLA}).get_data(as_text=True)
    assert "<svg" in chart and "Monoprix Rivoli" in chart.split("<svg")[1] and "3.49 EUR" in chart
    downloaded = client.get("/portal/prices/export.csv", query_string={"gtin": NUTELLA})
    assert downloaded.headers["Content-Disposition"] == 'attachment; filename="fieldtasks-prices.csv"'
    rows = downloaded.get_data(as_text=True).strip().splitlines()
    assert len(rows) == 2 and NUTELLA in rows[1]  # the header and the one Nutella price
    geojson = json.loads(client.get("/portal/prices/export.geojson").get_data())
    assert [f["properties"]["name"] for f in geojson["features"]] == ["Monoprix Rivoli"]
    assert len(client.get("/portal/prices/export.ndjson").get_data(as_text=True).splitlines()) == 2
    assert client.get("/portal/prices", query_string={"campaign": "not-an-id"}).status_code == 400
    price_id = re.search(r'action="/portal/prices/([0-9a-f-]+)/dispute"', prices).group(1)
    flagged = client.post(f"/portal/prices/{price_id}/dispute", data={
        "csrf": csrf_of(prices), "comment": "The shelf says 3,99 since Monday."}, follow_redirects=True)  # fmt: skip
    assert "Flagged: a moderator checks this price" in flagged.get_data(as_text=True)
    assert "Flagged: open" in flagged.get_data(as_text=True)
    assert connection.execute(text("SELECT count(*) FROM review_cases WHERE kind = 'dispute'")).scalar() == 1


def test_api_keys_and_webhooks_show_their_secret_once_and_deliveries_can_be_sent_again(client):
    signed_up(client)
    page = client.get("/portal/integrations").get_data(as_text=True)
    created = client.post("/portal/api-keys", data={"csrf": csrf_of(page), "name": "Our BI server"})
    shown = created.get_data(as_text=True)
    key = re.search(r'<p class="secret" id="secret">([^<]+)</p>', shown).group(1)
    assert created.headers["Cache-Control"] == "no-store" and "shown this once" in shown
    assert client.get("/feeds/prices", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert key not in client.get("/portal/integrations").get_data(as_text=True)  # never again
    key_id = re.search(r'action="/portal/api-keys/([0-9a-f-]+)/revoke"', shown).group(1)
    client.post(f"/portal/api-keys/{key_id}/revoke", data={"csrf": csrf_of(page)})
    assert client.get("/feeds/prices", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    refused = client.post("/portal/webhooks", data={"csrf": csrf_of(page), "url": "ftp://example.org/hook",
                                                    "events": ["price.verified"]}, follow_redirects=True)  # fmt: skip
    assert "Give an http:// or https:// URL with a host." in refused.get_data(as_text=True)  # in words, not JSON
    hooked = client.post("/portal/webhooks", data={"csrf": csrf_of(page), "url": "http://127.0.0.1:9/hook",
                                                   "events": ["price.verified"]}).get_data(as_text=True)  # fmt: skip
    secret = re.search(r'<p class="secret" id="secret">([^<]+)</p>', hooked).group(1)
    assert secret.startswith("whsec_") and secret not in client.get("/portal/integrations").get_data(as_text=True)
    res = client.application.extensions[EXTENSION]
    with res.database.unit_of_work() as db:  # an event of the organization's, as a verified price records one
        organization_id = db.execute(text("SELECT organization_id FROM webhooks")).scalar()
        webhooks.record_event(db, organization_id, "price.verified", "price:1", {"id": 1}, now=res.clock())
    hook_link = re.search(r'href="(/portal/webhooks/[0-9a-f-]+)"', hooked).group(1)
    deliveries = client.get(hook_link).get_data(as_text=True)
    assert "price.verified" in deliveries and "waiting to be sent" in deliveries
    again = client.post(re.search(r'action="([^"]+/redeliver)"', deliveries).group(1), data={"csrf": csrf_of(page)},
                        follow_redirects=True)  # fmt: skip
    assert "Sent again." in again.get_data(as_text=True)


def test_the_portal_is_for_clients_signed_in_and_speaks_french(client, staff):
    assert client.get("/portal").headers["Location"] == "/portal/login"
    form = client.get("/portal/login").get_data(as_text=True)
    worker = register(client, "worker")["email"]
    client.post("/portal/login", data={"csrf": csrf_of(form), "email": worker, "password": PASSWORD})
    assert client.get("/portal").headers["Location"] == "/portal/login"  # a worker is sent back, signed out
    signed_up(client)
    french = client.get("/portal", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr">' in french and "Nouvelle campagne" in french
    switched = client.get("/portal/language/en", query_string={"next": "/portal"})
    assert switched.headers["Location"] == "/portal"
    assert "New campaign" in client.get("/portal", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "script-src 'nonce-" in client.get("/portal").headers["Content-Security-Policy"]


def test_the_chart_draws_a_line_per_store_and_the_map_fits_every_store():
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 12, 1, tzinfo=UTC)
    series = {"A": [Point(start, 349), Point(start + timedelta(days=3), 359)], "B": [Point(start, 399)]}
    svg = str(price_chart(series, currency="EUR", title="Nutella"))
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 3 and "A, 04/12/2026 00:00: 3.59 EUR" in svg
    assert str(price_chart({}, currency="EUR", title="x")) == ""
    stores = [(48.8566, 2.3522), (43.2965, 5.3698)]  # Paris and Marseille
    shown = fitted_map("https://tiles.example/{z}/{x}/{y}.png", stores)
    assert len(shown.pins) == 2 and zoom_to_fit(stores) < 8 and f"/{zoom_to_fit(stores)}/" in shown.tiles[0][0]


def test_a_client_answers_a_workers_question_from_the_campaigns_page(client):
    signed_up(client)
    campaign_id = set_up_campaign(client)
    account = client.get("/portal").get_data(as_text=True)
    res = client.application.extensions[EXTENSION]
    with res.database.unit_of_work() as db:
        organization_id = db.execute(text("SELECT organization_id FROM campaigns WHERE id = :id"),
                                     {"id": campaign_id}).scalar()  # fmt: skip
    credit(client, str(organization_id), 100_000)
    page = client.get(f"/portal/campaigns/{campaign_id}/pay").get_data(as_text=True)
    client.post(f"/portal/campaigns/{campaign_id}/pay", data={
        "csrf": csrf_of(page), "reward": "0,50", "estimated_minutes": "2", "budget": "10"})  # fmt: skip
    client.post(f"/portal/campaigns/{campaign_id}/publish", data={"csrf": csrf_of(page)})
    worker = bearer(sign_in(client, register(client, "worker")["email"]))
    client.get(f"/campaigns/{campaign_id}/brief", headers=worker)
    client.post(f"/campaigns/{campaign_id}/questions", json={"question": "Is the promo price the one?"}, headers=worker)
    shown = client.get(f"/portal/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Is the promo price the one?" in shown and "Send the answer" in shown
    action = re.search(r'action="(/portal/campaigns/[^"]+/answer)"', shown).group(1)
    answered = client.post(action, data={"csrf": csrf_of(account), "answer": "Yes: the price paid that day."},
                           follow_redirects=True)  # fmt: skip
    assert "Answered: every worker reads it" in answered.get_data(as_text=True)
    brief = client.get(f"/campaigns/{campaign_id}/brief", headers=worker).json
    assert [q["answer"] for q in brief["questions"]] == ["Yes: the price paid that day."] and brief["version"] == 2
