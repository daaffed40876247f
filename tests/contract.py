"""Every answer the suite gets is one the document lists for its operation, by its own status code.

Each operation also documents a `default` error, which would cover any status: a generated client then has no type
for a 409 or a 413 it receives. So the whole suite doubles as a check of the document: a response whose status the
operation does not list explicitly fails the test that provoked it. So does a JSON answer holding a timestamp that is
not RFC 3339 in UTC with milliseconds and `Z` (the one form the service writes).
"""

from __future__ import annotations

import re

import flask

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")  # what starts like a date-time
RFC3339_UTC_MS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")  # the one form the service writes
NOT_PER_OPERATION = {405, 500}  # the method is not the operation's; a crash is a bug the test reports itself
UNDOCUMENTED: list[str] = []


def _operation_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def watch_statuses(app: flask.Flask) -> None:
    documented: dict[tuple[str, str], set[int]] = {}

    @app.after_request
    def check(response: flask.Response) -> flask.Response:
        rule = flask.request.url_rule
        if rule is None or response.status_code in NOT_PER_OPERATION:
            return response
        key = (flask.request.method, _operation_path(rule.rule))
        if key in documented and response.status_code not in documented[key]:
            UNDOCUMENTED.append(f"{key[0]} {key[1]} answered {response.status_code}, which its document does not list")
        if response.is_json and not response.is_streamed:
            UNDOCUMENTED.extend(f"{key[0]} {key[1]} wrote {text!r}" for text in _odd_timestamps(response.get_json()))
        return response

    spec = app.test_client().get("/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "responses" in operation:
                codes = {int(code) for code in operation["responses"] if code.isdigit()}
                documented[(method.upper(), path)] = codes


def _odd_timestamps(value) -> list[str]:
    """The strings in a JSON value that look like a date-time but are not in the service's one form."""
    if isinstance(value, dict):
        return [odd for item in value.values() for odd in _odd_timestamps(item)]
    if isinstance(value, list):
        return [odd for item in value for odd in _odd_timestamps(item)]
    if isinstance(value, str) and TIMESTAMP.match(value) and not RFC3339_UTC_MS.fullmatch(value):
        return [value]
    return []
