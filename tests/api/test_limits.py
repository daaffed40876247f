"""Brute-force limits: per account on refused sign-ins, per address on sign-in, sign-up and refresh; in Redis."""

from __future__ import annotations

import dataclasses
import re
import uuid

import pytest

from fieldtasks import create_app
from fieldtasks.api.context import EXTENSION
from fieldtasks.limits import build_auth_limits
from tests.conftest import make_environ
from tests.helpers import PASSWORD, register, unique_email


@pytest.fixture
def limited(app, monkeypatch):
    """The app with limits on (every other test runs without), counted under a prefix of this test's own."""

    def turn_on(**limits: str):
        res = app.extensions[EXTENSION]
        config = dataclasses.replace(
            res.config, rate_limits_enabled=True, rate_limit_prefix=f"test-{uuid.uuid4()}", **limits
        )
        monkeypatch.setattr(res, "auth_limits", build_auth_limits(config))

    return turn_on


def sign_in_as(client, email: str, password: str):
    return client.post("/auth/token", json={"email": email, "password": password})


def test_refused_sign_ins_lock_the_account_for_a_while_even_with_the_right_password(client, limited):
    limited(auth_limit_per_account="3 per minute", auth_limit_per_address="100 per minute")
    email, other = register(client)["email"], register(client)["email"]
    assert sign_in_as(client, email, PASSWORD).status_code == 200  # a success is not counted
    for _ in range(3):
        assert sign_in_as(client, email, "wrong password!").status_code == 401
    locked = sign_in_as(client, email, PASSWORD)
    assert (locked.status_code, locked.json["code"]) == (429, "rate_limited")
    assert 1 <= int(locked.headers["Retry-After"]) <= 60
    assert set(locked.json) == {"code", "message", "errors"}
    assert sign_in_as(client, other, PASSWORD).status_code == 200  # another account, the same address


def test_one_address_is_limited_on_sign_up_sign_in_and_refresh(client, limited):
    limited(auth_limit_per_address="4 per minute")
    emails = [register(client)["email"] for _ in range(4)]
    late = {"email": unique_email("worker"), "password": PASSWORD, "display_name": "Late", "role": "worker"}
    refused = client.post("/auth/register", json=late)
    assert (refused.status_code, refused.json["code"]) == (429, "rate_limited") and refused.headers["Retry-After"]
    for _ in range(4):  # sign-in counts apart from sign-up
        assert sign_in_as(client, emails[0], PASSWORD).status_code == 200
    assert sign_in_as(client, emails[1], PASSWORD).status_code == 429
    for _ in range(4):
        assert client.post("/auth/refresh", json={"refresh_token": "x" * 40}).status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": "x" * 40}).status_code == 429


def test_the_console_sign_in_is_limited_per_account_too(client, limited, staff):
    limited(auth_limit_per_account="2 per minute")
    email = staff("moderator")
    form = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    for _ in range(2):
        wrong = client.post("/console/login", data={"email": email, "password": "nope nope nope", "csrf": token})
        assert wrong.status_code == 401
    locked = client.post("/console/login", data={"email": email, "password": PASSWORD, "csrf": token})
    assert locked.status_code == 429 and "Too many attempts" in locked.get_data(as_text=True)


def test_without_redis_nobody_is_locked_out(app, client, monkeypatch):
    res = app.extensions[EXTENSION]
    config = dataclasses.replace(
        res.config, rate_limits_enabled=True, redis_url="redis://127.0.0.1:1/0", auth_limit_per_account="1 per hour"
    )
    monkeypatch.setattr(res, "auth_limits", build_auth_limits(config))
    email = register(client)["email"]
    for _ in range(3):
        assert sign_in_as(client, email, "wrong password!").status_code == 401
    assert sign_in_as(client, email, PASSWORD).status_code == 200


def test_behind_a_proxy_each_client_is_counted_apart():
    app = create_app(make_environ(RATE_LIMITS_ENABLED="true", PROXY_HOPS="1", AUTH_LIMIT_PER_ADDRESS="2 per minute",
                                  RATE_LIMIT_PREFIX=f"test-{uuid.uuid4()}"))  # fmt: skip
    client = app.test_client()
    body = {"refresh_token": "x" * 40}
    for _ in range(2):
        assert client.post("/auth/refresh", json=body, headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 401
    assert client.post("/auth/refresh", json=body, headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    assert client.post("/auth/refresh", json=body, headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 401
