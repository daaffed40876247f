"""A real browser against a live server: headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import threading
from pathlib import Path

import axe_playwright_python
import pytest
from werkzeug.serving import make_server

from fieldtasks.api.context import EXTENSION
from fieldtasks.services import accounts
from tests.helpers import PASSWORD, unique_email

CHROMIUM = "/usr/bin/chromium"
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    page.evaluate(AXE)
    found = page.evaluate("axe.run().then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact)))")
    return [f"{v['id']}: {v['help']}" for v in found]


def step(page, folder: Path, name: str, checked: list[str]) -> None:
    """A screenshot of the page as it is now, numbered in order, after axe-core finds no serious problem on it."""
    page.screenshot(path=str(folder / f"{len(checked) + 1:02d}-{name}.png"), full_page=True)
    assert serious_violations(page) == [], name
    checked.append(name)


@pytest.fixture
def live_server(committing_app):
    server = make_server("127.0.0.1", 0, committing_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def new_moderator(app) -> str:
    return new_staff(app, "moderator")


def new_staff(app, role: str) -> str:
    """A moderator or an admin, made the way the CLI makes them (no one signs up as staff)."""
    res = app.extensions[EXTENSION]
    email = unique_email(role)
    with res.database.unit_of_work() as session:
        accounts.create_staff_user(
            session, email=email, password=PASSWORD, display_name=role.title(), role=role, passwords=res.passwords
        )
    return email


def open_next_case(page, live_server: str, email: str) -> None:
    """Sign in to the console and open the next case with the keyboard."""
    page.goto(f"{live_server}/console")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/console")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/cases/*")
