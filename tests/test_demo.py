"""`python -m fieldtasks.demo` (run by `make run`) seeds accounts and a published Paris campaign, once."""

from sqlalchemy import text

from fieldtasks import demo
from fieldtasks.api.context import EXTENSION
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
