"""Optimistic concurrency for edits: an ETag on reads, a required If-Match on writes."""

from __future__ import annotations

from flask import request

from fieldtasks.errors import PreconditionFailedError, PreconditionRequiredError

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string", "example": '"v3"'},
    "description": "The ETag of your last read of this resource: 428 without it, 412 when it is not the current one",
}


def etag_header(version: int) -> dict[str, str]:
    return {"ETag": f'"v{version}"'}


def expected_version() -> int:
    """The version named by If-Match; 428 without one, 412 when it is not one of ours."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequiredError("Send If-Match with the ETag from your last read of this resource.")
    value = header.removeprefix("W/").strip('"')
    if not value.startswith("v") or not value[1:].isdigit():
        raise PreconditionFailedError("If-Match does not name a version of this resource.")
    return int(value[1:])
