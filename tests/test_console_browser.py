"""End to end in headless Chromium (Debian's package, driven by Playwright): a moderator signs in, opens the
next case, corrects the price with the keyboard and approves; the worker is paid and the feed corrected."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import text

from fieldtasks.api.console_words import REASON_WORDS
from tests.browser import CHROMIUM, new_moderator, open_next_case
from tests.fieldwork import EVIAN
from tests.test_proof_photos import hand_in_photos
from tests.verification import earnings, hand_in, label_photo, read_photo, stores_campaign

pytestmark = pytest.mark.slow


def test_a_moderator_corrects_a_price_and_approves_in_a_real_browser(committing_app, live_server):
    client = committing_app.test_client()
    email = new_moderator(committing_app)
    campaign = stores_campaign(client, 1)
    handed_in = hand_in(client, label_photo(gtin=EVIAN, price_cents=349, seed=12), campaign)
    read_photo(client, handed_in)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        open_next_case(page, live_server, email)
        assert EVIAN in page.inner_text("#read")
        assert page.locator(".box.barcode").count() >= 1
        page.fill("#price", "3,59")
        page.locator("h2").click()  # leave the field, so the shortcut is not typed into it
        page.keyboard.press("a")
        page.wait_for_url(f"{live_server}/console")
        assert "Decision recorded." in page.inner_text("main")
        browser.close()
    assert earnings(client, handed_in.worker)["available_cents"] == 40


def test_a_moderator_sees_the_price_the_worker_typed_beside_what_was_read(committing_app, live_server):
    client = committing_app.test_client()
    email = new_moderator(committing_app)
    campaign = stores_campaign(client, 1)
    handed_in = hand_in(client, label_photo(price_cents=349, seed=13), campaign, price_cents="379")
    read_photo(client, handed_in)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        open_next_case(page, live_server, email)
        typed = page.inner_text("#typed")
        assert "3,79 by the worker" in typed and ("contradicted" in typed or "unconfirmed" in typed)
        words = page.inner_text("#reasons")  # what to look at, in words for the moderator
        assert words in (REASON_WORDS["price_mismatch"], REASON_WORDS["price_unconfirmed"])
        browser.close()


def test_a_moderator_picks_the_proof_photo_with_a_digit(committing_app, live_server, engine):
    client = committing_app.test_client()
    email = new_moderator(committing_app)
    other, own = label_photo(gtin=EVIAN, price_cents=299, seed=21), label_photo(price_cents=411, seed=22)
    _, _, (_, own_id) = hand_in_photos(client, stores_campaign(client, 1), [(other, {}), (own, {"price_cents": "400"})])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        open_next_case(page, live_server, email)
        page.keyboard.press("2")
        page.keyboard.press("c")
        page.keyboard.type("4,11")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        browser.close()
    with engine.connect() as connection:
        fed = connection.execute(text("SELECT price_cents, photo_id FROM price_observations")).all()
    assert [(cents, str(photo)) for cents, photo in fed] == [(411, own_id)]
