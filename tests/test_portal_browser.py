"""The clients' portal in headless Chromium, on a laptop's screen and a tablet's: a client signs up, sets a campaign
up (two products, 20 stores from a CSV of which two rows are refused and said), publishes; a worker does three
tasks; the client sees the progress, the prices, opens a proof photo, draws one product's price over time,
downloads the CSV and flags a price. axe-core finds no serious problem on any page; each page's screenshot is
written to var/screenshots/portal/ (see the README)."""

from __future__ import annotations

import csv
import uuid

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.photo_reading import run_extraction
from tests.browser import CHROMIUM, step
from tests.database import ROOT
from tests.fieldwork import EVIAN, NUTELLA, PARIS, credit, fresh_fix, upload
from tests.helpers import PASSWORD, bearer, register, sign_in, unique_email
from tests.verification import label_photo

pytestmark = pytest.mark.slow

SCREENSHOTS = ROOT / "var" / "screenshots" / "portal"
PRODUCTS = ((NUTELLA, "Nutella 400 g"), (EVIAN, "Evian 1 L"))
NUTELLA_PRICES = (349, 359, 339)  # in the three stores the worker visits


def stores_csv() -> tuple[str, list[tuple[str, float, float]]]:
    """20 stores around Paris, the 7th with a latitude off the Earth and the 13th without a longitude."""
    lines, good = ["name,address,lat,lon,store_ref"], []
    for number in range(1, 21):
        lat, lon = PARIS[0] + (number % 5) * 0.004, PARIS[1] + (number // 5) * 0.006
        name = f"Magasin {number:02d}"
        if number == 7:
            lines.append(f"{name},{number} rue Test,91.5,{lon},REF-{number}")
        elif number == 13:
            lines.append(f"{name},{number} rue Test,{lat},,REF-{number}")
        else:
            lines.append(f"{name},{number} rue Test,{lat},{lon},REF-{number}")
            good.append((name, lat, lon))
    return "\n".join(lines) + "\n", good


def do_three_tasks(app, clock, stores: list[tuple[str, float, float]]) -> None:
    """A worker, through the API as the phone would, at the first three stores; the photos read as the workers do."""
    client = app.test_client()
    worker = bearer(sign_in(client, register(client, "worker")["email"]))
    for visit, ((name, lat, lon), nutella) in enumerate(zip(stores[:3], NUTELLA_PRICES, strict=False)):
        tasks = client.get("/tasks/nearby", query_string={"lat": lat, "lon": lon}, headers=worker).json["items"]
        task = next(t for t in tasks if t["place"]["name"] == name)
        claimed = client.post(f"/tasks/{task['id']}/claim", json={"lat": lat, "lon": lon}, headers=worker)
        checked_in = client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client, lat, lon), headers=worker)
        assert (claimed.status_code, checked_in.status_code) == (200, 201)
        for seed, (gtin, cents) in enumerate(((NUTELLA, nutella), (EVIAN, 89)), start=10 * visit):
            photo = label_photo(gtin, cents, seed=seed)  # each its own shot: a copy would go to review
            sent = upload(client, worker, task["id"], str(uuid.uuid4()), photo, gtin=gtin)
            assert sent.status_code == 201, sent.json
        assert client.post(f"/tasks/{task['id']}/submit", headers=worker).status_code == 202
        clock.advance(minutes=20)  # walking to the next store
    res = app.extensions[EXTENSION]
    with res.database.unit_of_work() as db:
        photo_ids = db.execute(text("SELECT id FROM photos")).scalars().all()
    assert [run_extraction(res, photo_id, 1) for photo_id in photo_ids] == ["done"] * 6


def test_a_client_sets_up_publishes_and_reads_the_prices_in_the_portal(committing_app, live_server, engine, clock):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stores_file, good_stores = stores_csv()
    checked: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB", accept_downloads=True)
        page = context.new_page()
        page.goto(f"{live_server}/portal/signup")
        email = unique_email("client")
        page.fill("#display_name", "Anne Analyste")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.fill("#organization_name", "Supermarchés Dupont")
        step(page, SCREENSHOTS, "sign-up", checked)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/portal")
        with engine.connect() as connection:
            organization_id = connection.execute(
                text("SELECT organization_id FROM users WHERE email = :email"), {"email": email}
            ).scalar()
        credit(committing_app.test_client(), str(organization_id), 50_000)  # the platform credits the account
        page.reload()
        step(page, SCREENSHOTS, "campaigns", checked)
        page.click("text=New campaign")
        page.fill("#title", "Prix du petit-déjeuner")
        page.fill("#purpose", "Supermarchés Dupont compare breakfast prices in Paris to set their own.")
        page.fill("#instructions", "Photograph each product's shelf label, the price readable.")
        step(page, SCREENSHOTS, "new-campaign", checked)
        page.click("button[type=submit]")
        page.wait_for_url("**/products")
        page.fill("#gtin", "3017620422004")  # a typo: the page says so before anything is sent
        assert "Check digit wrong" in page.inner_text("#gtin-check")
        for gtin, name in PRODUCTS:
            page.fill("#gtin", gtin)
            assert page.inner_text("#gtin-check") == "Check digit correct."
            page.fill("#name", name)
            page.click("text=Add the product")
            page.wait_for_selector(f"text=Added: {name}.")
        step(page, SCREENSHOTS, "products", checked)
        page.click("text=Next: the stores")
        page.set_input_files("#stores-file", {"name": "stores.csv", "mimeType": "text/csv",
                                              "buffer": stores_file.encode()})  # fmt: skip
        page.click("text=Import the stores")
        page.wait_for_selector("text=18 stores added.")
        refused = page.locator("#refused tbody tr")
        assert refused.count() == 2
        assert [refused.nth(i).locator("td").first.inner_text() for i in range(2)] == ["8", "14"]  # file lines
        step(page, SCREENSHOTS, "stores-imported", checked)
        page.click("text=Next: pay and publish")
        page.fill("#reward", "0,05")
        page.fill("#estimated_minutes", "3")
        assert "Below the minimum" in page.inner_text("#hourly")  # live, before anything is saved
        page.fill("#reward", "0,50")
        page.fill("#budget", "30")
        assert "At or above the minimum" in page.inner_text("#hourly")
        assert "Publishing needs 18.00 EUR" in page.inner_text("#needed")
        step(page, SCREENSHOTS, "pay", checked)
        page.click("text=Save the pay and budget")
        page.wait_for_selector("text=Pay and budget saved.")
        page.click("text=Publish the campaign")
        page.wait_for_selector("text=Published: 18 tasks, 36 items offered to workers.")
        campaign_url = page.url
        do_three_tasks(committing_app, clock, good_stores)
        page.goto(campaign_url)
        page.wait_for_selector("figure.map", state="hidden")  # no tile server reachable here: the table alone
        assert "17 %" in page.inner_text("#progress") and "6 / 36" in page.inner_text("#progress")
        assert page.locator("#stores tbody tr").count() == 18
        step(page, SCREENSHOTS, "progress", checked)
        page.click("text=Its prices")
        assert page.locator("#prices tbody tr").count() == 6
        step(page, SCREENSHOTS, "prices", checked)
        with page.expect_popup() as popup:
            page.locator("#prices a", has_text="Photo").first.click()
        photo = popup.value
        photo.wait_for_load_state()
        assert photo.evaluate("document.contentType") == "image/jpeg"
        photo.close()
        page.select_option("#f-gtin", NUTELLA)
        page.click("text=Show")
        page.wait_for_selector("svg.chart")
        assert page.locator("svg.chart polyline").count() == 3 and page.locator("svg.chart circle").count() == 3
        step(page, SCREENSHOTS, "price-over-time", checked)
        with page.expect_download() as download:
            page.click("a:text-is('CSV')")
        with open(download.value.path(), newline="", encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
        assert sorted(int(row["price_cents"]) for row in rows) == sorted(NUTELLA_PRICES)  # the filter, every row
        page.locator("#prices summary", has_text="Flag").first.click()
        page.locator("#prices textarea").first.fill("The shelf says 3,99 since Monday.")
        page.locator("#prices button", has_text="Flag this price").first.click()
        page.wait_for_selector("text=Flagged: a moderator checks this price on its photo.")
        assert page.locator("#prices td", has_text="Flagged: open").count() == 1
        step(page, SCREENSHOTS, "price-flagged", checked)
        page.click("text=API keys and webhooks")
        page.fill("#key-name", "Our BI server")
        page.click("text=Create the key")
        assert page.inner_text("#secret").startswith("ftk_")
        step(page, SCREENSHOTS, "api-key-shown-once", checked)
        page.click("header >> text=Account")
        assert "Budget put in a campaign's escrow" in page.inner_text("main")
        step(page, SCREENSHOTS, "account", checked)
        page.set_viewport_size({"width": 768, "height": 1024})  # a tablet
        page.goto(campaign_url)
        step(page, SCREENSHOTS, "progress-on-a-tablet", checked)
        browser.close()
    written = sorted(path.name for path in SCREENSHOTS.glob("*.png"))
    assert [f"{index:02d}-{name}.png" for index, name in enumerate(checked, start=1)] == written[: len(checked)]
