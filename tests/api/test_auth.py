"""Sign-up, sign-in, refresh and expiry, through the HTTP API."""

import threading

import pytest

from tests.helpers import PASSWORD, bearer, register, sign_in, unique_email


def test_worker_signs_up_signs_in_and_sees_itself(client):
    worker = register(client, "worker", display_name="Camille")
    tokens = sign_in(client, worker["email"].upper())  # emails are case-insensitive
    assert tokens["token_type"] == "Bearer"
    me = client.get("/me", headers=bearer(tokens))
    assert me.status_code == 200
    assert me.json["email"] == worker["email"]
    assert me.json["role"] == "worker"
    assert me.json["organization"] is None
    assert "password" not in me.json and "password_hash" not in me.json


def test_client_creates_an_organization_and_a_colleague_joins_it(client):
    founder = register(client, "client", organization_name="Supermarchés Dupont")
    organization = founder["organization"]
    assert organization["name"] == "Supermarchés Dupont"
    colleague = register(client, "client", invitation_code=organization["invitation_code"])
    assert colleague["organization"]["id"] == organization["id"]


def test_client_sign_up_needs_exactly_one_way_into_an_organization(client):
    base = {"email": unique_email(), "password": PASSWORD, "display_name": "X", "role": "client"}
    neither = client.post("/auth/register", json=base)
    both = client.post("/auth/register", json={**base, "organization_name": "A", "invitation_code": "abc"})
    unknown = client.post("/auth/register", json={**base, "invitation_code": "no-such-code"})
    worker_with_org = client.post("/auth/register", json={**base, "role": "worker", "organization_name": "A"})
    for response in (neither, both, unknown, worker_with_org):
        assert response.status_code == 422
        assert response.json["code"] == "invalid"


def test_staff_roles_cannot_be_self_assigned(client):
    for role in ("admin", "moderator"):
        body = {"email": unique_email(), "password": PASSWORD, "display_name": "X", "role": role}
        response = client.post("/auth/register", json=body)
        assert response.status_code == 422
        assert "role" in response.json["errors"]["json"]


def test_duplicate_email_is_a_conflict(client):
    worker = register(client)
    body = {"email": worker["email"].upper(), "password": PASSWORD, "display_name": "Y", "role": "worker"}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 409
    assert response.json["code"] == "email_taken"


def test_short_password_is_refused(client):
    body = {"email": unique_email(), "password": "short", "display_name": "Y", "role": "worker"}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 422
    assert "password" in response.json["errors"]["json"]


def test_wrong_password_and_unknown_email_look_the_same(client):
    worker = register(client)
    wrong = client.post("/auth/token", json={"email": worker["email"], "password": "not the password"})
    unknown = client.post("/auth/token", json={"email": unique_email(), "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert wrong.json["code"] == "invalid_credentials"


def test_access_token_expires_and_refresh_gives_a_new_one(client, clock):
    tokens = sign_in(client, register(client)["email"])
    clock.advance(minutes=601)
    expired = client.get("/me", headers=bearer(tokens))
    assert expired.status_code == 401
    assert expired.json["code"] == "token_expired"
    refreshed = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    assert client.get("/me", headers=bearer(refreshed.json)).status_code == 200


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaa", "1234567890", " " * 10, "Password123!", "fieldtasks2026", "camille.durand@example.org"]
)
def test_a_guessable_password_is_refused_with_a_reason(client, password):
    body = {"email": "camille.durand@example.org", "password": password, "display_name": "Camille", "role": "worker"}
    refused = client.post("/auth/register", json=body)
    assert (refused.status_code, refused.json["code"]) == (422, "weak_password")
    assert "too easy to guess" in refused.json["errors"]["password"][0]
    body["password"] = "tram blue kettle 1987"
    assert client.post("/auth/register", json=body).status_code == 201


def test_a_long_passphrase_is_judged_on_its_first_characters_and_accepted(client):
    """zxcvbn refuses input over 72 characters; a long passphrase was a 500 (found by schemathesis)."""
    passphrase = "the kettle sings at dawn over the tram line " * 5
    body = {"email": unique_email(), "password": passphrase[:200], "display_name": "Y", "role": "worker"}
    assert client.post("/auth/register", json=body).status_code == 201
    body = {"email": unique_email(), "password": "a" * 200, "display_name": "Y", "role": "worker"}
    assert client.post("/auth/register", json=body).json["code"] == "weak_password"


def test_refresh_token_works_once(client):
    tokens = sign_in(client, register(client)["email"])
    first = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    again = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert first.status_code == 200
    assert again.status_code == 401
    assert again.json["code"] == "invalid_refresh_token"


def test_a_rotated_refresh_token_presented_again_revokes_its_whole_family(client, clock):
    email = register(client)["email"]
    stolen, other_device = sign_in(client, email), sign_in(client, email)
    rotated = client.post("/auth/refresh", json={"refresh_token": stolen["refresh_token"]}).json
    clock.advance(seconds=31)  # past the grace given to a client's own two requests renewing at once
    replayed = client.post("/auth/refresh", json={"refresh_token": stolen["refresh_token"]})
    assert (replayed.status_code, replayed.json["code"]) == (401, "invalid_refresh_token")
    descendant = client.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert descendant.status_code == 401  # the thief's (or the owner's) newer token is revoked too
    elsewhere = client.post("/auth/refresh", json={"refresh_token": other_device["refresh_token"]})
    assert elsewhere.status_code == 200  # another sign-in is another family


def test_signing_out_revokes_every_refresh_token_of_that_sign_in_only(client):
    email = register(client)["email"]
    phone, laptop = sign_in(client, email), sign_in(client, email)
    rotated = client.post("/auth/refresh", json={"refresh_token": phone["refresh_token"]}).json
    assert client.post("/auth/revoke", json={"refresh_token": phone["refresh_token"]}).status_code == 204
    refused = client.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert (refused.status_code, refused.json["code"]) == (401, "invalid_refresh_token")  # its newer token too
    assert client.post("/auth/refresh", json={"refresh_token": laptop["refresh_token"]}).status_code == 200
    assert client.post("/auth/revoke", json={"refresh_token": "never-issued"}).status_code == 204  # says nothing
    assert client.post("/auth/revoke", json={}).json["code"] == "validation_error"


def test_refresh_token_expires(client, clock):
    tokens = sign_in(client, register(client)["email"])
    clock.advance(days=31)
    response = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 401
    assert response.json["code"] == "invalid_refresh_token"


def test_tampered_and_foreign_tokens_are_refused(client):
    tokens = sign_in(client, register(client)["email"])
    header, payload, signature = tokens["access_token"].split(".")
    tampered = f"{header}.{payload}.{signature[:-2]}xx"
    for value in (f"Bearer {tampered}", "Bearer not-a-jwt", f"Basic {tokens['access_token']}", "Bearer"):
        response = client.get("/me", headers={"Authorization": value})
        assert response.status_code == 401
        assert response.json["code"] == "invalid_token"


def test_concurrent_refreshes_with_one_token_give_one_new_pair(committing_app):
    client = committing_app.test_client()
    tokens = sign_in(client, register(client)["email"])
    barrier = threading.Barrier(6)
    statuses: list[int] = []
    pairs: list[dict | None] = []

    def refresh() -> None:
        barrier.wait()
        response = committing_app.test_client().post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        statuses.append(response.status_code)
        pairs.append(response.json if response.status_code == 200 else None)

    threads = [threading.Thread(target=refresh) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 401, 401, 401, 401, 401]
    [winner] = [pair for pair in pairs if pair]  # the losers raced their own client: its new pair still works
    assert client.post("/auth/refresh", json={"refresh_token": winner["refresh_token"]}).status_code == 200


def test_signing_up_signs_in_at_once(client):
    body = {"email": unique_email(), "password": PASSWORD, "display_name": "Camille", "role": "worker"}
    registered = client.post("/auth/register", json=body)
    assert registered.status_code == 201
    assert (registered.json["email"], registered.json["token_type"]) == (body["email"], "Bearer")
    me = client.get("/me", headers=bearer(registered.json))
    assert me.status_code == 200 and me.json["id"] == registered.json["id"]
    refreshed = client.post("/auth/refresh", json={"refresh_token": registered.json["refresh_token"]})
    assert refreshed.status_code == 200
