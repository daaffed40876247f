"""Domain errors raised by services; fieldtasks.api.errors maps each to an HTTP status and a stable code."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose. `code` is stable and machine-readable."""

    code = "domain_error"

    def __init__(
        self, message: str, *, code: str | None = None, errors: dict[str, Any] | None = None, keeps_changes=False
    ):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.errors = errors or {}
        # True when what the use case wrote before refusing must be committed (an audit record).
        self.keeps_changes = keeps_changes


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


class PreconditionFailedError(DomainError):
    """The caller's copy is stale: If-Match no longer matches (412)."""

    code = "precondition_failed"


class PreconditionRequiredError(DomainError):
    """An edit must say which version it changes, with If-Match (428)."""

    code = "precondition_required"


class PayloadTooLargeError(DomainError):
    """The body or file is too large (413)."""

    code = "payload_too_large"


class UnsupportedMediaTypeError(DomainError):
    """The body or file is of a type the endpoint does not take (415)."""

    code = "unsupported_media_type"


class TooManyRequestsError(DomainError):
    """Too many attempts in a window (429); `retry_after` says in how many seconds to try again."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
