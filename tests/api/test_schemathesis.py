"""The published contract, tried by a tool nobody on the project wrote: schemathesis reads /openapi.json and sends
every operation schema-valid and schema-breaking requests, as each role, against a live server.

Path parameters name real records (a campaign, a claimed task, its item and photo, a webhook), so that requests
reach the code behind the 404s. Positive data acceptance is left out: a schema cannot say that a campaign ends
after it starts, or that a late reward is below the reward, and those refusals (422) are the service's job.
"""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser import live_server, new_staff  # noqa: F401  (fixture)
from tests.conftest import METRICS_TOKEN
from tests.fieldwork import HERE, NUTELLA, fresh_fix, new_client, new_worker, photo_bytes, published_campaign, upload
from tests.helpers import bearer, sign_in

pytestmark = pytest.mark.slow

CHECKS = ",".join((
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
    "response_headers_conformance", "negative_data_rejection", "missing_required_header",
))  # fmt: skip
EXAMPLES_PER_OPERATION = 8
# One thread per run: hypothesis parses lambda sources with `ast`, which CPython 3.11 can break across threads
# ("SystemError: AST constructor recursion depth mismatch", python/cpython#106905).
METHODS = ("get", "put", "post", "delete", "patch")
ROLES = ("anonymous", "worker", "client", "api_key", "moderator", "admin", "metrics")


def _world(app) -> tuple[dict[str, dict], dict[str, str]]:
    """One of each role, and the records their requests name: a published campaign, a task claimed and checked
    in with one photo uploaded, a webhook and an API key."""
    client = app.test_client()
    owner = new_client(client)
    campaign = published_campaign(client, owner)
    worker = new_worker(client)
    task = client.get("/tasks/nearby", query_string=HERE, headers=worker).json["items"][0]
    assert client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker).status_code == 200
    assert client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker).status_code == 201
    photo = upload(client, worker, task["id"], "schemathesis-photo", photo_bytes(), gtin=NUTELLA, price_cents="199")
    assert photo.status_code == 201, photo.json
    hook = client.post(
        "/webhooks", json={"url": "http://127.0.0.1:9/hook", "events": ["price.verified"]}, headers=owner
    )
    key = client.post("/api-keys", json={"name": "schemathesis"}, headers=owner)
    assert (hook.status_code, key.status_code) == (201, 201), (hook.json, key.json)
    item = next(
        item for item in client.get(f"/tasks/{task['id']}", headers=worker).json["items"] if item["gtin"] == NUTELLA
    )
    headers = {
        "anonymous": {},
        "worker": worker,
        "client": owner,
        "api_key": {"Authorization": f"Bearer {key.json['key']}"},
        "moderator": bearer(sign_in(client, new_staff(app, "moderator"))),
        "admin": bearer(sign_in(client, new_staff(app, "admin"))),
        "metrics": {"Authorization": f"Bearer {METRICS_TOKEN}"},
    }
    ids = {
        "campaign_id": campaign["id"],
        "organization_id": campaign["organization"]["id"],
        "task_id": task["id"],
        "item_id": item["id"],
        "photo_id": photo.json["id"],
        "webhook_id": hook.json["id"],
    }
    return headers, ids


def _config(folder: Path, ids: dict[str, str]) -> Path:
    lines = [
        "[checks.missing_required_header]",
        "expected-statuses = [400, 401, 403, 406, 415, 422, 428]  # 428: a PATCH without If-Match (RFC 6585)",
        "[parameters]",
        *(f'"path.{name}" = "{value}"' for name, value in ids.items()),
    ]
    path = folder / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _operations(spec: dict) -> dict[str, list[str]]:
    """Who may call what, as the document says: its security and its "Roles:" note."""
    names: dict[str, list[str]] = {role: [] for role in ROLES}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            name = f"{method.upper()} {path}"
            schemes = {scheme for requirement in operation.get("security") or [] for scheme in requirement}
            allowed = re.search(r"Roles: ([a-z, ]+)", operation.get("description", ""))
            if not schemes:
                names["anonymous"].append(name)
            if "metricsToken" in schemes:
                names["metrics"].append(name)
            for role in allowed.group(1).strip().split(", ") if allowed else ():
                names[role].append(name)
            if "(or an API key)" in operation.get("description", ""):
                names["api_key"].append(name)
    return names


def _schemathesis(server: str, config: Path, headers: dict, operations: list[str], phases: str, examples: int):
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color", "run",
        f"{server}/openapi.json", "--phases", phases, "--checks", CHECKS, "--max-examples", str(examples),
        "--seed", "19", "--workers", "1", "--generation-database", "none", "--suppress-health-check", "all",
        "--request-timeout", "30", *(option for name in operations for option in ("--include-name", name)),
    ]  # fmt: skip
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    return subprocess.run(command, cwd=config.parent, capture_output=True, text=True, timeout=600)


def test_every_operation_as_every_role_answers_as_documented(committing_app, live_server, tmp_path):  # noqa: F811
    """Each role over the operations it may call, every phase; then everything without credentials, briefly."""
    headers, ids = _world(committing_app)
    config = _config(tmp_path, ids)
    spec = committing_app.test_client().get("/openapi.json").json
    everything = [
        f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops if method in METHODS
    ]
    runs = [(role, operations, "examples,coverage,fuzzing", EXAMPLES_PER_OPERATION)
            for role, operations in _operations(spec).items()]  # fmt: skip
    runs.append(("anonymous", everything, "examples,fuzzing", 2))
    failed = {}
    with ThreadPoolExecutor(2) as pool:  # two runs at a time, each on one thread (see EXAMPLES_PER_OPERATION)
        done = pool.map(lambda run: _schemathesis(live_server, config, headers[run[0]], *run[1:]), runs)
        finished = list(zip(runs, done, strict=True))
    for (role, operations, phases, _), run in finished:
        last = (run.stdout.strip().splitlines() or [f"exit {run.returncode}"])[-1]
        print(f"schemathesis as {role} over {len(operations)} operations ({phases}): {last.strip('= ')}")
        if run.returncode != 0:
            failed[role] = run.stdout[-6000:] + run.stderr[-2000:]
    assert not failed, "\n\n".join(f"=== as {role}\n{output}" for role, output in failed.items())
