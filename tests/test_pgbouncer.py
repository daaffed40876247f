"""What the service does with PostgreSQL holds through PgBouncer in transaction pooling mode: row locks with
SKIP LOCKED (the sweep), and a CSV export read from a server-side cursor. (32 claimers race for 10 tasks through it in
tests/api/test_concurrency.py.) Nothing takes an advisory lock, prepares a statement or sets a session variable:
a transaction is all a server connection is lent for."""

from __future__ import annotations

import csv
import io

import pytest

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.maintenance import run_sweep
from fieldtasks.services import feed
from tests.api.test_concurrency import run_together
from tests.verification import hand_in, label_photo, read_photo, stores_campaign

pytestmark = pytest.mark.parametrize("database_route", ["pgbouncer"], indirect=True)


def test_sweeps_running_at_once_through_pgbouncer_enqueue_each_lost_photo_once(committing_app, redis, clock):
    client = committing_app.test_client()
    campaign = stores_campaign(client, 3)
    for seed in (21, 22, 23):
        hand_in(client, label_photo(seed=seed), campaign)
    redis.flushdb()  # every job lost
    clock.advance(minutes=5)
    res = committing_app.extensions[EXTENSION]
    reports = run_together([lambda: run_sweep(res)] * 4)
    assert sum(report.requeued for report in reports) == 3  # rows taken with SKIP LOCKED: each by one sweep


def test_a_csv_export_streams_from_a_server_side_cursor_through_pgbouncer(committing_app, monkeypatch):
    monkeypatch.setattr(feed, "STREAM_BATCH", 1)  # the cursor is fetched from three times for two rows
    client = committing_app.test_client()
    campaign = stores_campaign(client, 2)
    for seed, price in ((2, 349), (3, 359)):
        assert read_photo(client, hand_in(client, label_photo(price_cents=price, seed=seed), campaign)) == "done"
    exported = client.get("/feeds/prices", query_string={"format": "csv"}, headers=campaign["headers"])
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [row["price_cents"] for row in rows] == ["349", "359"]
