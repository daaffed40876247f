"""Every endpoint declares who may call it; roles are enforced and staff accounts come from admins."""

from fieldtasks.api.access import ACCESS_ATTRIBUTE
from tests.helpers import PASSWORD, bearer, register, sign_in, unique_email

# Served by flask-smorest and Flask themselves: the API document, its UI and static files.
UNDECLARED_ENDPOINTS = {"static", "docs_asset"}


def test_every_endpoint_declares_who_may_call_it(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDECLARED_ENDPOINTS or rule.endpoint.startswith("api-docs."):
            continue
        view_class = getattr(app.view_functions[rule.endpoint], "view_class", None)
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        for method in methods:
            view = app.view_functions[rule.endpoint]
            handler = getattr(view_class, method.lower(), None) if view_class else view  # console pages
            if handler is None or not hasattr(handler, ACCESS_ATTRIBUTE):
                undeclared.append(f"{method} {rule.rule}")
    assert undeclared == []


def test_admin_creates_a_moderator_who_can_sign_in(client, staff):
    admin = sign_in(client, staff("admin"))
    email = unique_email("moderator")
    body = {"email": email, "password": PASSWORD, "display_name": "Mo", "role": "moderator"}
    created = client.post("/admin/users", json=body, headers=bearer(admin))
    assert created.status_code == 201
    assert created.json["role"] == "moderator"
    me = client.get("/me", headers=bearer(sign_in(client, email)))
    assert me.json["role"] == "moderator"


def test_admin_cannot_create_workers_or_clients_through_the_staff_endpoint(client, staff):
    admin = sign_in(client, staff("admin"))
    body = {"email": unique_email(), "password": PASSWORD, "display_name": "W", "role": "worker"}
    response = client.post("/admin/users", json=body, headers=bearer(admin))
    assert response.status_code == 422


def test_other_roles_are_refused_the_admin_endpoint(client, staff):
    body = {"email": unique_email(), "password": PASSWORD, "display_name": "M", "role": "moderator"}
    callers = [
        sign_in(client, register(client, "worker")["email"]),
        sign_in(client, register(client, "client")["email"]),
        sign_in(client, staff("moderator")),
    ]
    for tokens in callers:
        response = client.post("/admin/users", json=body, headers=bearer(tokens))
        assert response.status_code == 403
        assert response.json["code"] == "forbidden"
    anonymous = client.post("/admin/users", json=body)
    assert anonymous.status_code == 401
