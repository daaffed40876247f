"""A real browser against a live server: headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from fieldtasks.api.context import EXTENSION
from fieldtasks.services import accounts
from tests.helpers import PASSWORD, unique_email

CHROMIUM = "/usr/bin/chromium"


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
