"""Domain errors raised by services; fieldtasks.api.errors maps each to an HTTP status and a stable code."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose. `code` is stable and machine-readable."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, errors: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.errors = errors or {}


class InvalidError(DomainError):
    """The request is well-formed but its values cannot be accepted (422)."""

    code = "invalid"


class NotFoundError(DomainError):
    """No such object, or one the caller may not know exists (404)."""

    code = "not_found"


class ConflictError(DomainError):
    """The object's current state refuses the change (409)."""

    code = "conflict"


class AuthenticationError(DomainError):
    """Credentials are missing, wrong or expired (401)."""

    code = "unauthorized"


class PermissionDeniedError(DomainError):
    """The caller is known but its role may not do this (403)."""

    code = "forbidden"


class UnavailableError(DomainError):
    """A dependency is down; the caller may retry later (503)."""

    code = "unavailable"
