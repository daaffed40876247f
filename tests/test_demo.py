"""`python -m fieldtasks.demo` (run by `make run`) seeds accounts and a published Paris campaign, once."""

import os
import subprocess
import sys

from sqlalchemy import text

from fieldtasks import demo
from fieldtasks.api.context import EXTENSION
from fieldtasks.demo_phone import Phone, play
from tests.conftest import make_environ
from tests.database import ROOT
from tests.helpers import bearer, sign_in


def test_demo_seeds_once_and_a_worker_finds_its_tasks(app, client, connection, capsys):
    res = app.extensions[EXTENSION]
    demo.seed(res)
    demo.seed(res)
    output = capsys.readouterr().out
    assert "published: 36 stores, 144 items" in output and "already there" in output
    assert connection.execute(text("SELECT count(*) FROM campaigns")).scalar() == 1
    worker = bearer(sign_in(client, "worker@demo.fieldtasks.test", demo.DEMO_PASSWORD))
    tasks = client.get("/tasks/nearby", query_string={"lat": 48.8566, "lon": 2.3522, "radius_m": 1000}, headers=worker)
    assert tasks.status_code == 200
    assert tasks.json[0]["place"]["name"] == "Monoprix Rivoli"
    assert tasks.json[0]["client_name"] == demo.DEMO_ORGANIZATION


def test_the_demo_phone_plays_the_whole_flow_through_a_real_worker(committing_app):
    res = committing_app.extensions[EXTENSION]
    demo.seed(res)
    client = committing_app.test_client()

    def transport(method, path, headers, body, content_type):
        response = client.open(path, method=method, headers=headers, data=body, content_type=content_type)
        return response.status_code, response.get_json()

    env = {**os.environ, **make_environ(STORAGE_DIR=str(res.config.storage_dir))}
    worker = subprocess.Popen([sys.executable, "worker.py", "--no-sweep", "extraction"], cwd=ROOT, env=env)
    lines = []
    try:
        phone = Phone(transport, lines.append)
        task = play(phone, "worker@demo.fieldtasks.test", demo.DEMO_PASSWORD, wait_s=60, seed=1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    verdicts = [item["verdict"] for item in task["items"]]
    assert verdicts == ["verified", "needs_review", "needs_review", "needs_review"]
    assert [r["code"] for r in task["items"][1]["reasons"]] == ["wrong_product"]
    assert any(line.startswith("7. earnings in EUR: 35 cents available") for line in lines), lines
