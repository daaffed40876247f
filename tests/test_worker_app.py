"""The workers' app at /app, page by page: sign in, tasks near me (who the client is, why, what it pays), a task,
its claim."""

from __future__ import annotations

import dataclasses
import io
import json
import re

from markupsafe import escape
from PIL import Image
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.api.tile_map import tile_map
from fieldtasks.jobs.photo_reading import run_extraction
from tests.fieldwork import BASTILLE, HERE, NUTELLA, PARIS, fresh_fix, published_campaign
from tests.helpers import PASSWORD, bearer, register, sign_in
from tests.test_placement import GTINS as PLACEMENT_GTINS
from tests.test_placement import ONE_STORE as PLACEMENT_STORE
from tests.test_placement import PRODUCTS as PLACEMENT_PRODUCTS
from tests.test_placement import shelf_jpeg
from tests.test_scooters import code_jpeg
from tests.verification import label_photo, stores_campaign


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def signed_in(client, email: str):
    form = client.get("/app/login").get_data(as_text=True)
    return client.post("/app/login", data={"email": email, "password": PASSWORD, "csrf": csrf_of(form)})


def test_a_worker_signs_in_finds_the_task_near_them_and_claims_it(client):
    published_campaign(client, estimated_minutes=3)  # 2 items at 0.40 EUR in 3 minutes: 16.00 EUR an hour
    placement = published_campaign(client, kind="product_placement", title="Placement", stores=[
        {"name": "Franprix Marais", "lat": PARIS[0] + 1e-4, "lon": PARIS[1]}])  # fmt: skip
    assert signed_in(client, register(client, "worker")["email"]).headers["Location"] == "/app"
    asking = client.get("/app").get_data(as_text=True)
    assert "Find tasks around me" in asking and "Monoprix Rivoli" not in asking  # no position yet
    near = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(as_text=True)
    assert "Monoprix Rivoli" in near and "m away" in near
    assert placement["id"] and "Franprix Marais" in near  # placement, in the app too
    assert escape("For Supermarchés Dupont: Supermarchés Dupont compare breakfast prices") in near
    assert "0.40 EUR per item, 2 items" in near and "About 16.00 EUR an hour" in near
    task_link = re.search(r'href="(/app/tasks/[^"?]+)', near).group(1)
    page = client.get(task_link, query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(as_text=True)
    assert "Claim this task" in page and "Photograph each listed product" in page
    claimed = client.post(f"{task_link}/claim", data={"csrf": csrf_of(page), "lat": PARIS[0], "lon": PARIS[1]})
    assert claimed.status_code == 302
    mine = client.get(task_link).get_data(as_text=True)
    assert "This task is yours." in mine and "Claim this task" not in mine


def test_a_refusal_is_a_page_in_words_and_a_form_from_elsewhere_is_refused(client):
    published_campaign(client)
    signed_in(client, register(client, "worker")["email"])
    near = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(as_text=True)
    task_link = re.search(r'href="(/app/tasks/[^"?]+)', near).group(1)
    assert client.post(f"{task_link}/claim", data={"lat": PARIS[0], "lon": PARIS[1]}).status_code == 400  # no CSRF
    far = client.post(f"{task_link}/claim", data={"csrf": csrf_of(near), "lat": 45.764, "lon": 4.8357})  # Lyon
    assert far.status_code == 409 and "<!doctype html>" in far.get_data(as_text=True)
    missing = client.get("/app/tasks/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and "No such task." in missing.get_data(as_text=True)


def test_the_app_is_for_workers_signed_in_and_speaks_french(client, staff):
    assert client.get("/app").headers["Location"] == "/app/login"
    signed_in(client, staff("moderator"))
    assert client.get("/app").headers["Location"] == "/app/login"  # a moderator is sent back, signed out
    signed_in(client, register(client, "worker")["email"])
    french = client.get("/app", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="fr">' in french.get_data(as_text=True)
    assert "Trouver les tâches autour de moi" in french.get_data(as_text=True)
    assert "script-src 'nonce-" in french.headers["Content-Security-Policy"]


def fix_form(client, page: str, lat: float = PARIS[0], lon: float = PARIS[1], accuracy_m: float = 12) -> dict:
    """What the check-in form's script fills in from the browser's fix (taken now, by the app's clock)."""
    now = client.application.extensions[EXTENSION].clock()
    return {"csrf": csrf_of(page), "lat": lat, "lon": lon, "accuracy_m": accuracy_m, "recorded_at": now.isoformat()}


def test_a_worker_checks_in_photographs_the_label_types_its_price_hands_in_and_sees_it_paid(
    client, connection, clock, monkeypatch
):
    stores_campaign(client, 1)
    signed_in(client, register(client, "worker")["email"])
    near = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(as_text=True)
    task_link = re.search(r'href="(/app/tasks/[^"?]+)', near).group(1)
    client.post(f"{task_link}/claim", data={"csrf": csrf_of(near), "lat": PARIS[0], "lon": PARIS[1]})
    page = client.get(task_link).get_data(as_text=True)
    far = client.post(f"{task_link}/checkin", data=fix_form(client, page, lat=PARIS[0] + 0.0027), follow_redirects=True)
    assert "You are 300 m from the place; come within 113 m." in far.get_data(as_text=True)  # in words, how far
    clock.advance(minutes=1)  # walking the 300 m to the shop
    checked = client.post(f"{task_link}/checkin", data=fix_form(client, page), follow_redirects=True)
    page = checked.get_data(as_text=True)
    assert "Checked in" in page and 'capture="environment"' in page and 'placeholder="3,49"' in page
    assert 'value=""' not in page.split('name="price"')[1].split(">")[0]  # the price is never pre-filled
    form = {"csrf": csrf_of(page), "key": re.search(r'name="key" value="([^"]+)"', page).group(1), "gtin": NUTELLA}
    for _ in range(2):  # sent twice (a retry): one photo
        sent = client.post(
            f"{task_link}/photos", data={**form, "price": "3,49", "file": (io.BytesIO(label_photo()), "label.jpg")},
            content_type="multipart/form-data", follow_redirects=True,
        )  # fmt: skip
        assert "Photo sent, with the price 3.49 EUR." in sent.get_data(as_text=True)
    assert connection.execute(text("SELECT count(*) FROM photos")).scalar() == 1
    handed = client.post(f"{task_link}/submit", data={"csrf": csrf_of(page)}, follow_redirects=True)
    assert "Handed in" in handed.get_data(as_text=True)
    photo_id = connection.execute(text("SELECT id FROM photos")).scalar()
    assert run_extraction(client.application.extensions[EXTENSION], photo_id, 1) == "done"
    assert "Verified: paid." in client.get(task_link).get_data(as_text=True)
    earned = client.get("/app/earnings").get_data(as_text=True)
    assert "0.40 EUR" in earned and "Item paid" in earned and "You can withdraw from 10.00 EUR." in earned
    res = client.application.extensions[EXTENSION]
    monkeypatch.setattr(res, "config", dataclasses.replace(res.config, payout_minimum_cents=10))
    earned = client.get("/app/earnings").get_data(as_text=True)
    withdrawal = {
        "csrf": csrf_of(earned),
        "currency": "EUR",
        "key": re.search(r'name="key" value="([^"]+)"', earned)[1],
    }
    for _ in range(2):  # a second tap: the same payout
        paid = client.post("/app/payouts", data=withdrawal, follow_redirects=True).get_data(as_text=True)
    assert "Payout requested" in paid and "0.40 EUR · requested" in paid
    assert connection.execute(text("SELECT count(*) FROM payouts")).scalar() == 1
    record = client.get("/app/record")
    assert record.headers["Content-Disposition"] == 'attachment; filename="fieldtasks-work-record.json"'
    document = record.json
    assert document["signature"]["alg"] == "Ed25519"
    assert client.post("/work-records/verify", json=json.loads(record.get_data())).json["valid"] is True
    assert "/app/record/check" in earned
    anyone = client.application.test_client()  # the person the worker shows it to: no account
    checked = anyone.post("/app/record/check", data={"file": (io.BytesIO(record.get_data()), "record.json")},
                          content_type="multipart/form-data")  # fmt: skip
    assert checked.status_code == 200 and "Valid: issued by this platform" in checked.get_data(as_text=True)
    changed = record.get_data().replace(b'"cents": 40', b'"cents": 4000')
    assert changed != record.get_data()
    refused = anyone.post("/app/record/check", data={"file": (io.BytesIO(changed), "record.json")},
                          headers={"Accept-Language": "fr"}, content_type="multipart/form-data")  # fmt: skip
    assert refused.status_code == 422 and "Non valide" in refused.get_data(as_text=True)
    assert "La signature ne correspond pas" in refused.get_data(as_text=True)
    junk = anyone.post("/app/record/check", data={"file": (io.BytesIO(b"\xff"), "x.json")},
                       content_type="multipart/form-data")  # fmt: skip
    assert junk.status_code == 422 and "Not a work record" in junk.get_data(as_text=True)
    rated = client.post(f"{task_link}/rating", data={"csrf": csrf_of(page), "clarity": "5", "client": "4"})
    assert "Thank you" in client.get(rated.headers["Location"]).get_data(as_text=True)


def test_a_rejected_item_can_be_appealed_from_its_task_page(client):
    stores_campaign(client, 1)
    account = register(client, "worker")
    worker = bearer(sign_in(client, account["email"]))
    task = client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]}, headers=worker).json["items"][0]
    client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker)
    client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    [item] = client.get(f"/tasks/{task['id']}", headers=worker).json["items"]
    client.post(f"/tasks/{task['id']}/items/{item['id']}/not-found", headers=worker)  # missing, and no photo of it
    assert client.post(f"/tasks/{task['id']}/submit", headers=worker).status_code == 202
    signed_in(client, account["email"])
    page = client.get(f"/app/tasks/{task['id']}").get_data(as_text=True)
    assert "Not paid." in page and "Why is this rejection wrong?" in page
    appealed = client.post(
        f"/app/tasks/{task['id']}/items/{item['id']}/appeal",
        data={"csrf": csrf_of(page), "comment": "The shelf was empty; I forgot the photo."},
        follow_redirects=True,
    )
    page = appealed.get_data(as_text=True)
    assert "Appeal sent" in page and "Your appeal is with another moderator." in page


def test_the_app_installs_as_a_pwa_and_its_pages_allow_only_its_own_worker_and_scripts(client):
    manifest = client.get("/app/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert (manifest.json["start_url"], manifest.json["scope"], manifest.json["display"]) == (
        "/app",
        "/app/",
        "standalone",
    )
    for icon in manifest.json["icons"]:
        image = Image.open(io.BytesIO(client.get(icon["src"]).get_data()))
        assert f"{image.width}x{image.height}" == icon["sizes"] and image.format == "PNG"
    worker = client.get("/app/sw.js")
    assert worker.mimetype == "text/javascript" and worker.headers["Service-Worker-Allowed"] == "/app/"
    assert "caches" in worker.get_data(as_text=True)
    page = client.get("/app/login")
    assert "worker-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'rel="manifest"' in page.get_data(as_text=True) and "indexedDB" in client.get("/app/offline.js").get_data(
        as_text=True
    )


def test_the_outbox_sends_with_the_sessions_csrf_token_of_the_moment_never_a_cached_one(client):
    assert client.get("/app/csrf").headers["Location"] == "/app/login"  # signed out: the outbox waits
    signed_in(client, register(client, "worker")["email"])
    token = client.get("/app/csrf")
    assert token.json["csrf"] == csrf_of(client.get("/app").get_data(as_text=True))
    assert token.headers["Cache-Control"] == "no-store"  # and the service worker keeps no copy of it
    assert "no-store" in client.get("/app/sw.js").get_data(as_text=True)


def test_a_worker_stays_signed_in_past_the_access_tokens_life(client, clock):
    signed_in(client, register(client, "worker")["email"])
    clock.advance(hours=11)  # past the access token's life (600 min in tests): renewed with the refresh token
    assert client.get("/app").status_code == 200
    clock.advance(days=31)  # past the refresh token's life too: signed out
    assert client.get("/app").headers["Location"] == "/app/login"


def test_signing_out_ends_the_session_for_a_copy_of_its_cookie_too(client, clock):
    signed_in(client, register(client, "worker")["email"])
    page = client.get("/app").get_data(as_text=True)
    copied = client.get_cookie("session").value  # kept by whoever saw the cookie
    assert client.post("/app/logout", data={"csrf": csrf_of(page)}).headers["Location"] == "/app/login"
    client.set_cookie("session", copied)
    clock.advance(hours=11)  # its access token has expired: renewing it with the refresh token is refused
    assert client.get("/app").headers["Location"] == "/app/login"


def test_a_worker_signs_up_from_the_app_and_opening_a_task_records_its_brief_as_read(client, connection):
    published_campaign(client)
    form = client.get("/app/signup").get_data(as_text=True)
    account = {"csrf": csrf_of(form), "display_name": "Amina", "password": PASSWORD}
    refused = client.post("/app/signup", data={**account, "email": "not an address"})
    assert refused.status_code == 422 and "Not a valid email address." in refused.get_data(as_text=True)
    created = client.post("/app/signup", data={**account, "email": "amina@example.org"})
    assert created.headers["Location"] == "/app"
    other_phone = client.application.test_client()
    again = {**account, "csrf": csrf_of(other_phone.get("/app/signup").get_data(as_text=True))}
    taken = other_phone.post("/app/signup", data={**again, "email": "amina@example.org"})
    assert taken.status_code == 409 and 'class="flash"' in taken.get_data(as_text=True)
    near = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(as_text=True)
    client.get(re.search(r'href="(/app/tasks/[^"?]+)', near).group(1))
    assert connection.execute(text("SELECT count(*) FROM brief_reads")).scalar() == 1  # paid with the next hand-in


def test_tasks_near_me_come_with_a_small_map_whose_tile_server_is_configuration(app, client, monkeypatch):
    published_campaign(client)
    signed_in(client, register(client, "worker")["email"])
    near = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]})
    page = near.get_data(as_text=True)
    assert page.count('<img src="https://tile.openstreetmap.org/15/') == 9
    assert '<span class="pin"' in page and "https://tile.openstreetmap.org" in near.headers["Content-Security-Policy"]
    assert "Carrefour City Bastille" in page and "1300 m away" in page  # the list, with distances, either way
    res = app.extensions[EXTENSION]
    monkeypatch.setattr(res, "config", dataclasses.replace(res.config, map_tile_url=""))  # MAP_TILE_URL=off
    bare = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]})
    assert 'class="map"' not in bare.get_data(as_text=True) and "1300 m away" in bare.get_data(as_text=True)
    assert "img-src 'self' data:;" in bare.headers["Content-Security-Policy"]


def test_the_map_places_each_task_where_it_is_around_the_phone():
    here = (48.8566, 2.3522)
    shown = tile_map("https://tiles.example/{z}/{x}/{y}.png", here, [here, (48.8566, 2.3622), (45.764, 4.8357)])
    assert len(shown.tiles) == 9 and shown.tiles[0][0].startswith("https://tiles.example/15/")
    assert 33 <= shown.here[0] <= 67 and 33 <= shown.here[1] <= 67  # the phone is on the middle tile
    [(one, left, top), (two, east, level)] = shown.pins  # Lyon is off the map
    assert (one, left, top) == (1, *shown.here) and two == 2 and east > left and abs(level - top) < 0.01


def test_a_worker_hides_a_client_from_its_task_and_shows_it_again_from_earnings(client):
    published_campaign(client)
    signed_in(client, register(client, "worker")["email"])
    near = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(as_text=True)
    page = client.get(re.search(r'href="(/app/tasks/[^"?]+)', near).group(1)).get_data(as_text=True)
    client_id = re.search(r'name="client_id" value="([^"]+)"', page).group(1)
    hidden = client.post(re.search(r'action="(/app/tasks/[^"]+/hide)"', page).group(1),
                         data={"csrf": csrf_of(page), "client_id": client_id}, follow_redirects=True)  # fmt: skip
    assert "You will not see this client" in hidden.get_data(as_text=True)
    assert "Monoprix Rivoli" not in client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(
        as_text=True
    )
    earnings = client.get("/app/earnings").get_data(as_text=True)
    assert escape("Supermarchés Dupont") in earnings
    shown = client.post(re.search(r'action="(/app/hidden/[^"]+/show)"', earnings).group(1),
                        data={"csrf": csrf_of(earnings)}, follow_redirects=True)  # fmt: skip
    assert "Their tasks show again." in shown.get_data(as_text=True)
    assert "Monoprix Rivoli" in client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(
        as_text=True
    )


def test_a_placement_task_takes_one_photo_of_the_shelf_and_says_what_is_on_it(client, connection):
    published_campaign(client, kind="product_placement", stores=PLACEMENT_STORE, products=PLACEMENT_PRODUCTS)
    signed_in(client, register(client, "worker")["email"])
    near = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(as_text=True)
    task_link = re.search(r'href="(/app/tasks/[^"?]+)', near).group(1)
    client.post(f"{task_link}/claim", data={"csrf": csrf_of(near), "lat": PARIS[0], "lon": PARIS[1]})
    page = client.get(task_link).get_data(as_text=True)
    page = client.post(f"{task_link}/checkin", data=fix_form(client, page), follow_redirects=True).get_data(
        as_text=True
    )
    assert "Photo of the whole shelf" in page and 'name="price"' not in page  # no price, no product to name
    shelf = shelf_jpeg([*PLACEMENT_GTINS[:2], "3000000000007"])  # the third product is not there
    form = {"csrf": csrf_of(page), "key": re.search(r'name="key" value="([^"]+)"', page)[1]}
    client.post(f"{task_link}/photos", data={**form, "file": (io.BytesIO(shelf), "shelf.jpg")},
                content_type="multipart/form-data")  # fmt: skip
    client.post(f"{task_link}/submit", data={"csrf": csrf_of(page)})
    photo_id = connection.execute(text("SELECT id FROM photos")).scalar()
    assert run_extraction(client.application.extensions[EXTENSION], photo_id, 1) == "done"
    page = client.get(task_link).get_data(as_text=True)
    assert page.count("Verified: paid.") == 3 and page.count("On the shelf") == 2 and "Not on the shelf" in page


def test_text_the_database_cannot_store_is_refused_on_every_form_not_a_500(client):
    form = client.get("/app/signup").get_data(as_text=True)
    account = {"csrf": csrf_of(form), "display_name": "A\x00b", "email": "nul@example.org", "password": PASSWORD}
    refused = client.post("/app/signup", data=account)
    assert refused.status_code == 400 and "NUL characters" in refused.get_data(as_text=True)
    published_campaign(client)
    signed_in(client, register(client, "worker")["email"])
    near = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(as_text=True)
    task_link = re.search(r'href="(/app/tasks/[^"?]+)', near).group(1)
    rating = client.post(f"{task_link}/rating", data={"csrf": csrf_of(near), "clarity": "5", "comment": "ok\x00"})
    assert rating.status_code == 400 and "NUL characters" in rating.get_data(as_text=True)  # any signed-in form


def photo_form(page: str, client, input_id: str, photo: bytes) -> dict:
    """The photo form whose file input is `input_id`, filled: its hidden fields as the page wrote them, the photo."""
    form = page.split(f'id="{input_id}"')[0].rsplit("<form", 1)[1]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return {**fields, "file": (io.BytesIO(photo), "code.jpg")}


def test_a_scooter_is_picked_up_charged_and_put_back_at_a_deploy_spot_from_the_app(client, connection, clock):
    published_campaign(client, kind="scooter_recharge")
    signed_in(client, register(client, "worker")["email"])
    near = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(as_text=True)
    assert "SCT-0001" in near and "0.40 EUR, 0.20 EUR if late, and 0.15 EUR of electricity repaid" in near
    task_link = re.search(r'href="(/app/tasks/[^"?]+)', near).group(1)
    client.post(f"{task_link}/claim", data={"csrf": csrf_of(near), "lat": PARIS[0], "lon": PARIS[1]})
    page = client.get(task_link).get_data(as_text=True)
    assert "I am at the vehicle: check in" in page
    page = client.post(f"{task_link}/checkin", data=fix_form(client, page), follow_redirects=True).get_data(True)
    assert "Checked in at the vehicle: photograph its code, then pick it up." in page
    early = client.post(f"{task_link}/pickup", data={"csrf": csrf_of(page)}, follow_redirects=True)
    assert "Photograph the vehicle&#39;s code before picking it up." in early.get_data(as_text=True)
    [code_input] = re.findall(r'id="(code-[^"]+)" name="file"', page)
    sent = client.post(f"{task_link}/photos", data=photo_form(page, client, code_input, code_jpeg("SCT-0001")),
                       content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "Photo received." in sent.get_data(as_text=True)
    picked = client.post(f"{task_link}/pickup", data={"csrf": csrf_of(page)}, follow_redirects=True).get_data(True)
    assert "Picked up: charge it" in picked and "Its code is being read from your photo." in picked
    pickup_photo = connection.execute(text("SELECT id FROM photos")).scalar()
    assert run_extraction(client.application.extensions[EXTENSION], pickup_photo, 1) == "done"
    page = client.get(task_link).get_data(as_text=True)
    assert "Your photo shows this vehicle&#39;s code." in page and "Bastille" in page and "open now" in page
    assert f'href="geo:{BASTILLE[0]},{BASTILLE[1]}"' in page and "I am at a deploy spot: check in" in page
    clock.advance(hours=6)  # charging at home
    page = client.get(task_link).get_data(as_text=True)
    at_spot = fix_form(client, page, lat=BASTILLE[0], lon=BASTILLE[1])
    page = client.post(f"{task_link}/checkin", data=at_spot, follow_redirects=True).get_data(as_text=True)
    assert "Checked in at the deploy spot" in page and "Photo of the vehicle's code at the deploy spot" in page
    [code_input] = re.findall(r'id="(code-[^"]+)" name="file"', page)
    client.post(f"{task_link}/photos", data=photo_form(page, client, code_input, code_jpeg("SCT-0001", "code128", 2)),
                content_type="multipart/form-data")  # fmt: skip
    handed = client.post(f"{task_link}/submit", data={"csrf": csrf_of(page)}, follow_redirects=True)
    assert "Handed in" in handed.get_data(as_text=True)
    dropoff_photo = connection.execute(text("SELECT id FROM photos WHERE stage = 'dropoff'")).scalar()
    assert run_extraction(client.application.extensions[EXTENSION], dropoff_photo, 1) == "done"
    page = client.get(task_link).get_data(as_text=True)
    assert "Verified: paid." in page and "Put back on" in page
    earned = client.get("/app/earnings").get_data(as_text=True)
    assert "0.40 EUR" in earned and "0.15 EUR" in earned


def test_a_worker_asks_about_the_brief_from_the_task_page_and_reads_the_answer_there(client):
    campaign = published_campaign(client)
    signed_in(client, register(client, "worker")["email"])
    near = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(as_text=True)
    assert "Not enough data yet on this client (0 tasks in 90 days)." in near  # its track record, in short
    task_link = re.search(r'href="(/app/tasks/[^"?]+)', near).group(1)
    page = client.get(task_link).get_data(as_text=True)  # the brief, opened
    assert "No answered question yet." in page
    asked = client.post(f"{task_link}/questions", data={"csrf": csrf_of(page), "question": "Promotions count?"},
                        follow_redirects=True)  # fmt: skip
    assert "Question sent" in asked.get_data(as_text=True)
    [question] = client.get(f"/campaigns/{campaign['id']}/questions", headers=campaign["headers"]).json["items"]
    client.put(f"/campaigns/{campaign['id']}/questions/{question['id']}/answer", headers=campaign["headers"],
               json={"answer": "Yes, the price the shopper pays that day."})  # fmt: skip
    assert "Yes, the price the shopper pays that day." in client.get(task_link).get_data(as_text=True)


def test_a_worker_closes_their_account_from_the_app_and_keeps_the_final_record(client, connection):
    email = register(client, "worker")["email"]
    signed_in(client, email)
    page = client.get("/app/earnings").get_data(as_text=True)
    unticked = client.post("/app/account/close", data={"csrf": csrf_of(page)}, follow_redirects=True)
    assert "Tick the box" in unticked.get_data(as_text=True)
    closed = client.post("/app/account/close", data={"csrf": csrf_of(page), "confirm": "1"}).get_data(as_text=True)
    assert "Your account is closed" in closed and 'download="fieldtasks-work-record.json"' in closed
    assert client.get("/app").headers["Location"] == "/app/login"  # signed out
    assert connection.execute(text("SELECT count(*) FROM users WHERE email = :email"), {"email": email}).scalar() == 0
