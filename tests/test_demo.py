"""`python -m fieldtasks.demo` (run by `make run`) seeds accounts and three published campaigns, once;
its phone plays each kind of task through a real worker."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from fieldtasks import demo
from fieldtasks.api.context import EXTENSION
from fieldtasks_dev.demo_phone import SHELF_PRICES, Phone, play, play_placement, play_scooter
from tests.conftest import make_environ
from tests.database import ROOT
from tests.helpers import bearer, sign_in


def test_demo_seeds_once_and_a_worker_finds_its_tasks(app, client, connection, capsys):
    res = app.extensions[EXTENSION]
    demo.seed(res)
    demo.seed(res)
    output = capsys.readouterr().out
    assert "(shelf_price): published: 36 tasks, 144 items" in output and "already there" in output
    assert "(product_placement): published: 3 tasks, 9 items" in output
    assert "(scooter_recharge): published: 3 tasks, 3 items" in output
    assert connection.execute(text("SELECT count(*) FROM campaigns")).scalar() == 3
    worker = bearer(sign_in(client, "worker@demo.fieldtasks.test", demo.DEMO_PASSWORD))
    query = {"lat": 48.8566, "lon": 2.3522, "radius_m": 1000, "kind": "shelf_price"}
    tasks = client.get("/tasks/nearby", query_string=query, headers=worker)
    assert tasks.status_code == 200
    assert tasks.json["items"][0]["place"]["name"] == "Monoprix Rivoli"
    assert tasks.json["items"][0]["client_name"] == demo.DEMO_ORGANIZATION


@pytest.mark.slow
def test_the_demo_phone_plays_the_whole_flow_through_a_real_worker(committing_app):
    res = committing_app.extensions[EXTENSION]
    demo.seed(res)
    client = committing_app.test_client()

    def transport(method, path, headers, body, content_type):
        response = client.open(path, method=method, headers=headers, data=body, content_type=content_type)
        return response.status_code, response.get_json()

    env = {**os.environ, **make_environ(STORAGE_URL=res.config.storage_url)}
    worker = subprocess.Popen([sys.executable, "worker.py", "--no-sweep", "extraction"], cwd=ROOT, env=env)
    lines = []
    try:
        phone = Phone(transport, lines.append)
        task = play(phone, "worker@demo.fieldtasks.test", demo.DEMO_PASSWORD, wait_s=60, seed=1)
        placement = play_placement(phone, wait_s=60, seed=1)
        scooter = play_scooter(phone, wait_s=60, seed=1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    verdicts = [item["verdict"] for item in task["items"]]
    assert verdicts == ["verified", "needs_review", "needs_review", "needs_review"]
    assert [r["code"] for r in task["items"][1]["reasons"]] == ["wrong_product"]
    # The typo: the photo reads another price (or cannot confirm the one typed), never paid as typed.
    assert [r["code"] for r in task["items"][2]["reasons"]] in (["price_mismatch"], ["price_unconfirmed"])
    assert task["items"][0]["typed_price_cents"] == SHELF_PRICES[task["items"][0]["gtin"]]
    assert [(item["verdict"], item["presence"]) for item in placement["items"]] == [
        ("verified", "present"),
        ("verified", "present"),
        ("verified", "absent"),
    ]
    assert [item["verdict"] for item in scooter["items"]] == ["verified"], scooter["items"]
    # 35 (shelf) + 3 x 30 (placement) + 500 and 40 of electricity (scooter)
    assert any(line.startswith("   earnings in EUR: 665 cents available") for line in lines), lines
