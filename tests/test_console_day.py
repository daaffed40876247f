"""A moderator's working day, measured: 20 mixed cases decided in headless Chromium with the keyboard only.

Prints the median seconds per case (server, page, and key-to-next-case in all), recorded in BENCHMARKS.md;
the test itself asserts what was decided, never how fast.
"""

from __future__ import annotations

import statistics
import time

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import text

from tests.browser import CHROMIUM, new_moderator, open_next_case
from tests.fieldwork import EVIAN, photo_bytes
from tests.verification import hand_in, label_photo, read_photo, stores_campaign

pytestmark = pytest.mark.slow

# What the moderator sees, and does with the keyboard: a typed price the label contradicts (correct it),
# another product's label (reject), an empty place (approve the absence), an unreadable photo (no fault).
MIX = ("price_mismatch", "wrong_product", "not_found", "no_barcode")
TIMING = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return {server: n.responseStart - n.startTime, page: n.loadEventEnd - n.responseStart};
}"""


def make_cases(client, count: int) -> None:
    for n in range(count):
        campaign = stores_campaign(client, 1)  # a client each: the queue has many
        kind = MIX[n % len(MIX)]
        if kind == "price_mismatch":
            handed_in = hand_in(client, label_photo(price_cents=349, seed=100 + n), campaign, price_cents="379")
        elif kind == "wrong_product":
            handed_in = hand_in(client, label_photo(gtin=EVIAN, seed=100 + n), campaign)
        elif kind == "not_found":
            handed_in = hand_in(client, label_photo(seed=100 + n), campaign, absent="true")
        else:
            handed_in = hand_in(client, photo_bytes(seed=100 + n), campaign)
        read_photo(client, handed_in)


def decide_by_keyboard(page) -> None:
    """One case, the way a moderator who knows the keys does it."""
    reasons = page.get_attribute("#case", "data-reasons").split()
    if "price_mismatch" in reasons or "price_unconfirmed" in reasons:
        page.keyboard.press("c")
        page.keyboard.type("3,49")
        page.keyboard.press("Enter")
    elif "wrong_product" in reasons:
        page.keyboard.press("r")  # focuses the reason; the first one is the wrong product
        page.keyboard.press("Tab")
        page.keyboard.type("This is the label of another product.")
        page.keyboard.press("Control+Enter")
    elif "not_found" in reasons:
        page.keyboard.press("a")
    else:
        page.keyboard.press("n")


def test_a_moderator_decides_twenty_mixed_cases_by_keyboard(committing_app, live_server, engine, capsys):
    client = committing_app.test_client()
    make_cases(client, 20)
    email = new_moderator(committing_app)
    server, page_time, total = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768}, timezone_id="Europe/Paris")
        open_next_case(page, live_server, email)
        assert "UTC" not in page.inner_text("#checkins")  # times in the moderator's zone
        for _ in range(20):
            started = time.perf_counter()
            with page.expect_navigation():
                decide_by_keyboard(page)
            page.wait_for_load_state("load")
            total.append(time.perf_counter() - started)
            timing = page.evaluate(TIMING)
            server.append(timing["server"] / 1000)
            page_time.append(timing["page"] / 1000)
        assert "No case is waiting" in page.inner_text("main")
        browser.close()
    with engine.connect() as connection:
        outcomes = connection.execute(
            text("SELECT outcome, count(*) FROM review_cases WHERE status = 'decided' GROUP BY outcome")
        ).all()
        fed = connection.execute(text("SELECT availability, price_cents FROM price_observations")).all()
    assert dict(outcomes) == {"approve": 10, "reject": 5, "no_fault": 5}
    assert sorted(fed, key=str) == sorted([("absent", None)] * 5 + [("in_stock", 349)] * 5, key=str)
    with capsys.disabled():
        print(
            f"\n20 cases by keyboard: median {statistics.median(total):.3f} s from key to next case "
            f"(server {statistics.median(server):.3f} s, page {statistics.median(page_time):.3f} s); "
            f"all 20 in {sum(total):.1f} s"
        )
