"""Per-request bookkeeping: a request id (echoed in X-Request-Id) and one access log line."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

REQUEST_ID_HEADER = "X-Request-Id"
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

access_log = logging.getLogger("fieldtasks.access")


def _start_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    # A caller's id is kept so logs join up across services, as long as it is harmless to log.
    g.request_id = incoming if _ACCEPTED_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    access_log.info(
        "request",
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
        },
    )
    return response


def init_request_tracking(app: Flask) -> None:
    app.before_request(_start_request)
    app.after_request(_finish_request)
