"""Every answer the suite gets is one the document lists for its operation, by its own status code.

Each operation also documents a `default` error, which would cover any status: a generated client then has no type
for a 409 or a 413 it receives. So the whole suite doubles as a check of the document: a response whose status the
operation does not list explicitly fails the test that provoked it.
"""

from __future__ import annotations

import re

import flask

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
        return response

    spec = app.test_client().get("/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "responses" in operation:
                codes = {int(code) for code in operation["responses"] if code.isdigit()}
                documented[(method.upper(), path)] = codes
