"""The workers' app in headless Chromium at 360 x 800, as on a phone: the browser's geolocation finds the task,
checks in; two labels are photographed (a 12 MP photo, the second taken offline); the task is handed in offline too,
and both are sent in order when the connection returns; both items are verified and the money shows in earnings.
axe-core finds no serious accessibility problem on any page; each step's screenshot is written to
var/screenshots/app/ (see the README)."""

from __future__ import annotations

import io
import random
import uuid

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.photo_reading import run_extraction
from fieldtasks_dev.synthetic import Label, careful_photograph, render_label
from tests.browser import CHROMIUM, step
from tests.database import ROOT
from tests.fieldwork import EVIAN, NUTELLA, PARIS, published_campaign
from tests.helpers import PASSWORD, register

pytestmark = pytest.mark.slow

SCREENSHOTS = ROOT / "var" / "screenshots" / "app"
PRODUCTS = [
    {"gtin": NUTELLA, "name": "Nutella 400 g", "net_quantity": "400 g"},
    {"gtin": EVIAN, "name": "Confiture 400 g", "net_quantity": "400 g"},
]
PRICES = {NUTELLA: 349, EVIAN: 275}


def label_jpeg(gtin: str, size: tuple[int, int]) -> bytes:
    rng = random.Random(int(gtin[-4:]))
    cents = PRICES[gtin]
    label = render_label(Label("Produit", cents, round(cents / 0.4), "kg", gtin, "paper", None), rng)
    buffer = io.BytesIO()
    careful_photograph(label, rng, size).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def photograph(page, gtin: str, size: tuple[int, int]) -> None:
    form = page.locator(f"form.photo-form:has(input[name=gtin][value='{gtin}']):not(:has(input[name=absent]))")
    form.locator("input[type=file]").set_input_files(
        {"name": "label.jpg", "mimeType": "image/jpeg", "buffer": label_jpeg(gtin, size)}
    )
    form.locator("input[name=price]").fill(f"{PRICES[gtin] // 100},{PRICES[gtin] % 100:02d}")
    form.locator("button").click()


def test_a_worker_does_a_task_in_the_phones_browser_with_one_photo_sent_after_being_offline(
    committing_app, live_server, engine
):
    client = committing_app.test_client()
    published_campaign(client, products=PRODUCTS, estimated_minutes=3)
    email = register(client, "worker")["email"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    checked: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 360, "height": 800}, geolocation={"latitude": PARIS[0], "longitude": PARIS[1],
            "accuracy": 8}, permissions=["geolocation"], locale="en-GB",
        )  # fmt: skip
        page = context.new_page()
        page.goto(f"{live_server}/app")
        step(page, SCREENSHOTS, "sign-in", checked)
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/app")
        page.click("#locate")  # the browser's position, then the list
        page.wait_for_url("**/app?lat=*")
        assert "Monoprix Rivoli" in page.inner_text("main") and "per item" in page.inner_text("main")
        page.wait_for_selector("figure.map", state="hidden")  # no tile server reachable here: the list alone
        step(page, SCREENSHOTS, "tasks-near-me", checked)
        page.locator("a.card", has_text="Monoprix Rivoli").click()
        step(page, SCREENSHOTS, "task", checked)
        page.click("#claim button")
        page.click("#checkin button")
        page.wait_for_selector("text=Checked in")
        step(page, SCREENSHOTS, "checked-in", checked)
        photograph(page, NUTELLA, (4000, 3000))  # 12 MP, sent at once
        page.wait_for_selector("text=Photo sent, with the price 3.49 EUR.")
        context.set_offline(True)
        photograph(page, EVIAN, (1600, 1200))
        page.wait_for_selector("#outbox:not([hidden])")
        assert "1 photo is waiting to be sent" in page.inner_text("#outbox")
        page.click("text=Hand the task in")  # offline too: it waits behind the photo
        page.wait_for_selector("text=Handing the task in waits for the connection too.")
        step(page, SCREENSHOTS, "offline-photo-waiting", checked)
        page.click("header button")  # signing out needs the network: the page says so, nothing breaks
        page.wait_for_selector("text=This needs a connection")
        context.set_offline(False)  # the phone finds a network: the outbox sends both in order, the page shows it
        page.wait_for_selector("text=Photo sent, with the price 2.75 EUR.")
        page.wait_for_selector("text=Rate this task")  # handed in
        assert page.locator("#outbox").is_hidden()
        res = committing_app.extensions[EXTENSION]
        with engine.connect() as connection:
            photo_ids = connection.execute(text("SELECT id FROM photos ORDER BY created_at")).scalars().all()
        assert len(photo_ids) == 2  # one each: the offline one was not sent twice
        assert [run_extraction(res, uuid.UUID(str(photo_id)), 1) for photo_id in photo_ids] == ["done", "done"]
        page.reload()
        assert page.locator("text=Verified: paid.").count() == 2
        step(page, SCREENSHOTS, "verified", checked)
        page.click("text=My earnings")
        assert "0.80 EUR" in page.inner_text("main")
        step(page, SCREENSHOTS, "earnings", checked)
        with page.expect_download() as download:
            page.click("text=Download my record")
        page.click("text=Where anyone checks a record")
        page.set_input_files("#record-file", download.value.path())
        page.click("text=Check it")
        page.wait_for_selector("text=Valid: issued by this platform")
        step(page, SCREENSHOTS, "record-checked", checked)
        browser.close()
    written = sorted(path.name for path in SCREENSHOTS.glob("*.png"))
    assert [f"{index:02d}-{name}.png" for index, name in enumerate(checked, start=1)] == written[: len(checked)]
