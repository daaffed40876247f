"""Every error, whoever raises it, has the shape {"code", "message", "errors"} and a stable code."""

import pytest

from fieldtasks import create_app
from tests.conftest import make_environ
from tests.helpers import bearer, register, sign_in


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.is_json
    assert set(response.json) == {"code", "message", "errors"}
    assert response.json["code"] == code
    assert response.json["message"]
    return response.json


def test_malformed_json_is_a_400(client):
    response = client.post("/auth/token", data='{"email": ', content_type="application/json")
    assert_error(response, 400, "invalid_json")


def test_non_json_body_is_a_415(client):
    response = client.post("/auth/token", data="email=a@b.org", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")


def test_missing_credentials_is_a_401(client):
    assert_error(client.get("/me"), 401, "unauthorized")


def test_wrong_role_is_a_403(client):
    tokens = sign_in(client, register(client)["email"])
    assert_error(client.post("/admin/users", json={}, headers=bearer(tokens)), 403, "forbidden")


def test_unknown_address_is_a_404(client):
    assert_error(client.get("/no/such/thing"), 404, "not_found")


def test_wrong_method_is_a_405_with_allow(client):
    response = client.delete("/auth/token")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_oversized_body_is_a_413(tmp_path):
    app = create_app(make_environ(MAX_CONTENT_LENGTH="1024", STORAGE_DIR=str(tmp_path)))
    body = '{"email": "a@b.org", "password": "' + "x" * 2000 + '"}'
    response = app.test_client().post("/auth/token", data=body, content_type="application/json")
    assert_error(response, 413, "payload_too_large")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"email": "a@b.org", "password": "p", "is_admin": True}, "is_admin", "Unknown field."),
        ({"password": "p"}, "email", "Missing data for required field."),
        ({"email": "not an email", "password": "p"}, "email", "Not a valid email address."),
    ],
)
def test_invalid_fields_are_a_422_naming_each_field(client, body, field, message):
    errors = assert_error(client.post("/auth/token", json=body), 422, "validation_error")["errors"]
    assert errors["json"][field] == [message]


def test_unexpected_failure_is_a_500_in_the_same_shape(tmp_path):
    app = create_app(make_environ(STORAGE_DIR=str(tmp_path)))

    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken", view_func=broken)
    response = app.test_client().get("/broken")
    body = assert_error(response, 500, "internal_error")
    assert "boom" not in body["message"]
    assert response.headers["X-Request-Id"]
