"""The workers' app at /app, page by page: sign in, tasks near me (who the client is, why, what it pays), a task,
its claim."""

from __future__ import annotations

import re

from markupsafe import escape

from tests.fieldwork import PARIS, published_campaign
from tests.helpers import PASSWORD, register


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def signed_in(client, email: str):
    form = client.get("/app/login").get_data(as_text=True)
    return client.post("/app/login", data={"email": email, "password": PASSWORD, "csrf": csrf_of(form)})


def test_a_worker_signs_in_finds_the_task_near_them_and_claims_it(client):
    published_campaign(client, estimated_minutes=3)  # 2 items at 0.40 EUR in 3 minutes: 16.00 EUR an hour
    assert signed_in(client, register(client, "worker")["email"]).headers["Location"] == "/app"
    asking = client.get("/app").get_data(as_text=True)
    assert "Find tasks around me" in asking and "Monoprix Rivoli" not in asking  # no position yet
    near = client.get("/app", query_string={"lat": PARIS[0], "lon": PARIS[1]}).get_data(as_text=True)
    assert "Monoprix Rivoli" in near and "m away" in near
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
