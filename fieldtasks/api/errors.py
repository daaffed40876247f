"""One JSON error shape, {"code", "message", "errors"}, for every 4xx and 5xx the API answers."""

from __future__ import annotations

import http
import logging

import marshmallow as ma
from flask import Flask, jsonify
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from fieldtasks.errors import (
    AuthenticationError,
    ConflictError,
    DomainError,
    InvalidError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    PreconditionFailedError,
    PreconditionRequiredError,
    TooManyRequestsError,
    UnavailableError,
    UnsupportedMediaTypeError,
)
from fieldtasks.i18n import N_, localized
from fieldtasks.storage import StorageUnavailableError

log = logging.getLogger(__name__)

DOMAIN_STATUS: dict[type[DomainError], int] = {
    InvalidError: 422,
    NotFoundError: 404,
    ConflictError: 409,
    AuthenticationError: 401,
    PermissionDeniedError: 403,
    PreconditionFailedError: 412,
    PayloadTooLargeError: 413,
    UnsupportedMediaTypeError: 415,
    PreconditionRequiredError: 428,
    TooManyRequestsError: 429,
    UnavailableError: 503,
}

HTTP_CODES = {
    400: ("bad_request", N_("The request could not be understood.")),
    401: ("unauthorized", N_("Sign in first: send an access token in the Authorization header.")),
    403: ("forbidden", N_("Your role may not do this.")),
    404: ("not_found", N_("There is nothing at this address.")),
    405: ("method_not_allowed", N_("This address does not accept this method.")),
    409: ("conflict", N_("The request conflicts with the current state.")),
    413: ("payload_too_large", N_("The request body is too large.")),
    412: ("precondition_failed", N_("The resource changed since you read it; fetch it again.")),
    415: ("unsupported_media_type", N_("Send the body as application/json.")),
    422: ("validation_error", N_("Some fields are missing or invalid; see errors.")),
    428: ("precondition_required", N_("Send If-Match with the ETag you last read.")),
    429: ("rate_limited", N_("Too many attempts: wait the seconds in Retry-After, then try again.")),
    500: ("internal_error", N_("Something went wrong on our side; quote the X-Request-Id header when reporting it.")),
    503: ("unavailable", N_("The service is temporarily unavailable; try again shortly.")),
}


class ErrorSchema(ma.Schema):
    """The body of every error response."""

    code = ma.fields.String(
        required=True, metadata={"description": "Stable machine-readable code", "example": "validation_error"}
    )
    message = ma.fields.String(
        required=True,
        metadata={"description": "A sentence for people", "example": "Some fields are missing or invalid; see errors."},
    )
    errors = ma.fields.Dict(
        metadata={
            "description": "Details by location and field; for a refusal with figures (a check-in), those figures as "
            "numbers",
            "example": {"json": {"email": ["Not a valid email address."]}},
        }
    )


def error_response(status: int, code: str, message: str, errors: dict | None = None, headers=None):
    """The one error body, its sentences in the reader's language (`code` and the figures as they are)."""
    response = jsonify({"code": code, "message": localized(message), "errors": localized(errors or {})})
    response.status_code = status
    for name, value in headers or []:
        response.headers[name] = value
    return response


def handle_http_exception(error: HTTPException):
    """Flask's own errors (404, 405, 413...), webargs' 422 and abort() calls."""
    status = error.code or 500
    default_code, default_message = HTTP_CODES.get(status) or _generic(status)
    data = getattr(error, "data", None) or {}
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    headers += list((data.get("headers") or {}).items())
    errors = data.get("errors") or data.get("messages") or {}
    return error_response(status, data.get("code", default_code), data.get("message", default_message), errors, headers)


def status_of(error: DomainError) -> int:
    """The HTTP status a domain error answers with (its class's, or its nearest base's)."""
    return next(status for cls, status in DOMAIN_STATUS.items() if isinstance(error, cls))


def handle_domain_error(error: DomainError):
    status = status_of(error)
    headers = [("Retry-After", str(error.retry_after))] if isinstance(error, TooManyRequestsError) else None
    return error_response(status, error.code, error.message, error.errors, headers)


def handle_backend_down(error: Exception):
    """A lost database, Redis or photo storage connection is a 503 the client may retry, not a 500."""
    log.error("backend unavailable", exc_info=error)
    return error_response(503, "backend_unavailable", N_("A backing service is unreachable; try again shortly."))


def _generic(status: int) -> tuple[str, str]:
    phrase = http.HTTPStatus(status).phrase
    return phrase.lower().replace(" ", "_").replace("-", "_"), phrase + "."


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    for cls in DOMAIN_STATUS:
        app.register_error_handler(cls, handle_domain_error)
    app.register_error_handler(RedisError, handle_backend_down)
    app.register_error_handler(OperationalError, handle_backend_down)
    app.register_error_handler(PoolTimeoutError, handle_backend_down)  # every pooled connection busy too long
    app.register_error_handler(StorageUnavailableError, handle_backend_down)
