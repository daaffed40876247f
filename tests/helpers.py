"""Small helpers the API tests share: sign-up and sign-in through the real endpoints, photo links."""

from __future__ import annotations

import itertools
import urllib.error
import urllib.request
from urllib.parse import urlsplit

PASSWORD = "correct horse battery"
_counter = itertools.count()


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}{next(_counter)}@example.org"


def register(client, role: str = "worker", **fields) -> dict:
    body = {"email": unique_email(role), "password": PASSWORD, "display_name": role.title(), "role": role, **fields}
    if role == "client" and "invitation_code" not in fields:
        body.setdefault("organization_name", "Supermarchés Dupont")
    response = client.post("/auth/register", json=body)
    assert response.status_code == 201, response.json
    return {**response.json, "password": body["password"]}


def sign_in(client, email: str, password: str = PASSWORD) -> dict:
    response = client.post("/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.json
    return response.json


def bearer(tokens: dict) -> dict:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def pages(client, path: str, headers: dict, **query) -> list[list[dict]]:
    """Every page of a list, following next_cursor."""
    found, cursor = [], None
    while True:
        response = client.get(path, query_string={**query, **({"cursor": cursor} if cursor else {})}, headers=headers)
        assert response.status_code == 200, response.json
        found.append(response.json["items"])
        cursor = response.json["next_cursor"]
        if cursor is None:
            return found


def open_link(client, url: str) -> tuple[int, str, bytes]:
    """Status, media type and body of a photo link: the service's own (through the test client), or a bucket's
    presigned URL (over HTTP, from the S3 server)."""
    parts = urlsplit(url)
    if parts.hostname == "localhost":
        response = client.get(f"{parts.path}?{parts.query}")
        return response.status_code, response.mimetype, response.data
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), b""
