"""Who may call what: every view declares `@public` or `@roles(...)`, checked before it runs."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import Any

from flask import g, request

from fieldtasks.api.context import resources
from fieldtasks.errors import AuthenticationError, PermissionDeniedError
from fieldtasks.i18n import N_, Sentence
from fieldtasks.models import Role
from fieldtasks.security import AccessClaims
from fieldtasks.services import api_keys as api_key_tokens

PUBLIC = "public"
ANY_ROLE = frozenset(Role)
ACCESS_ATTRIBUTE = "_fieldtasks_access"

_AUTH_RESPONSES = {
    "401": "UNAUTHORIZED",
    "403": "FORBIDDEN",
}


def public(view: Callable) -> Callable:
    """Anyone may call this view, signed in or not."""
    setattr(view, ACCESS_ATTRIBUTE, PUBLIC)
    return view


def roles(*allowed: Role, api_keys: bool = False) -> Callable[[Callable], Callable]:
    """Only a signed-in caller with one of `allowed` roles (all roles when none is named);
    with `api_keys`, a client organization's API key is accepted too."""
    allowed_roles = frozenset(allowed) or ANY_ROLE

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            claims = authenticate()
            if claims.role not in allowed_roles:
                raise PermissionDeniedError(
                    Sentence("This needs one of these roles: {roles}.", roles=", ".join(sorted(allowed_roles))),
                    code="forbidden",
                )
            if claims.api_key_id and not api_keys:
                message = N_("API keys open the feeds, exports and webhooks only; sign in as a person for this.")
                raise PermissionDeniedError(message, code="api_key_not_allowed")
            g.caller = claims
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTRIBUTE, allowed_roles)
        apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
        manual = apidoc.setdefault("manual_doc", {})
        manual["security"] = [{"bearerAuth": []}]
        manual.setdefault("responses", {}).update(_AUTH_RESPONSES)
        roles_note = "Roles: " + ", ".join(sorted(allowed_roles)) + (" (or an API key)." if api_keys else ".")
        manual["description"] = (manual.get("description", "") + "\n\n" + roles_note).strip()
        wrapper._apidoc = apidoc  # type: ignore[attr-defined]
        return wrapper

    return decorator


def authenticate() -> AccessClaims:
    """The claims of the bearer token in this request, or AuthenticationError."""
    header = request.headers.get("Authorization", "")
    if not header:
        raise AuthenticationError("Sign in first: send 'Authorization: Bearer <access token>'.", code="unauthorized")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError(
            "Use the Bearer scheme: 'Authorization: Bearer <access token>'.", code="invalid_token"
        )
    res = resources()
    if api_key_tokens.is_api_key(token.strip()):
        with res.database.unit_of_work() as session:
            return api_key_tokens.authenticate_api_key(session, token.strip(), now=res.clock())
    return res.access_tokens.decode(token.strip(), now=res.clock())


def current_caller() -> AccessClaims:
    """The caller that `@roles` let in."""
    return g.caller


def organization_id():
    """The organization of the client (or API key) that `@roles` let in."""
    return current_caller().organization_id
