"""Races decided by the database: 32 threads on the same 10 tasks, for claims, check-ins and submits."""

import random
import threading
from collections import Counter

import pytest
from sqlalchemy import text

from tests.fieldwork import HERE, NUTELLA, campaign_body, fresh_fix, new_client, new_worker

THREADS = 32
TASKS = 10
ROUNDS = 3


def run_together(functions) -> list:
    """Start every function at the same moment; return their results in order."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        barrier.wait()
        results[index] = function()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def later(app, method: str, path: str, headers: dict, **kwargs):
    """A request to send from a thread, each with its own test client."""
    return lambda: getattr(app.test_client(), method)(path, headers=headers, **kwargs)


def ten_tasks(client) -> list[str]:
    headers = new_client(client)
    stores = [{"name": f"Store {i}", "lat": 48.85 + i * 0.001, "lon": 2.35} for i in range(TASKS)]
    body = campaign_body(stores=stores, products=[{"gtin": NUTELLA, "name": "Nutella"}])
    campaign = client.post("/campaigns", json=body, headers=headers).json
    assert client.post(f"/campaigns/{campaign['id']}/publish", headers=headers).status_code == 200
    where = {"lat": 48.85, "lon": 2.35}
    return [
        row["id"] for row in client.get("/tasks/nearby", query_string=where, headers=new_worker(client)).json["items"]
    ]


@pytest.mark.through_pgbouncer  # row locks and conditional updates hold under transaction pooling
def test_exactly_one_winner_per_task_every_round(committing_app, engine):
    client = committing_app.test_client()
    task_ids = ten_tasks(client)
    assert len(task_ids) == TASKS
    workers = [new_worker(client) for _ in range(THREADS)]
    for _ in range(ROUNDS):

        def claim_all(worker):
            def attempt():
                app_client = committing_app.test_client()
                order = random.sample(task_ids, len(task_ids))
                return [(tid, app_client.post(f"/tasks/{tid}/claim", json=HERE, headers=worker)) for tid in order]

            return attempt

        outcomes = [pair for result in run_together([claim_all(w) for w in workers]) for pair in result]
        winners = Counter(tid for tid, response in outcomes if response.status_code == 200)
        assert winners == Counter(dict.fromkeys(task_ids, 1))
        codes = Counter(r.json["code"] for _, r in outcomes if r.status_code != 200)
        assert set(codes) <= {"task_taken", "claim_limit"}
        with engine.connect() as connection:
            per_worker = connection.execute(
                text("SELECT count(*) FROM tasks WHERE status = 'claimed' GROUP BY claimed_by_id")
            ).scalars()
            assert max(per_worker) <= 3
        for worker in workers:  # everyone lets go, for the next round
            for tid in task_ids:
                client.delete(f"/tasks/{tid}/claim", headers=worker)


def test_only_the_holder_checks_in_and_one_submission_is_recorded(committing_app, engine, redis):
    client = committing_app.test_client()
    task_ids = ten_tasks(client)
    workers = [new_worker(client) for _ in range(THREADS)]
    holders = {}
    for index, tid in enumerate(task_ids):
        holder = workers[index]
        assert client.post(f"/tasks/{tid}/claim", json=HERE, headers=holder).status_code == 200
        holders[tid] = holder
    for tid in task_ids:
        place = client.get(f"/tasks/{tid}", headers=holders[tid]).json["place"]
        fix = fresh_fix(client, place["lat"], place["lon"])
        attempts = [later(committing_app, "post", f"/tasks/{tid}/checkin", w, json=fix) for w in workers]
        statuses = Counter(response.status_code for response in run_together(attempts))
        assert statuses[201] == 1 and statuses[409] == THREADS - 1
    for tid in task_ids:
        item = client.get(f"/tasks/{tid}", headers=holders[tid]).json["items"][0]
        client.post(f"/tasks/{tid}/items/{item['id']}/not-found", headers=holders[tid])
        submits = [later(committing_app, "post", f"/tasks/{tid}/submit", holders[tid])] * 8
        submits += [later(committing_app, "post", f"/tasks/{tid}/submit", w) for w in workers[:8]]
        responses = run_together(submits)
        holder_statuses = {r.status_code for r in responses[:8]}
        assert holder_statuses == {202}
        assert {r.status_code for r in responses[8:] if r is not None} <= {202, 409}
    with engine.connect() as connection:
        submitted = connection.execute(text("SELECT count(*) FROM task_events WHERE event = 'submitted'")).scalar()
        accepted = connection.execute(text("SELECT count(*) FROM checkins WHERE outcome = 'accepted'")).scalar()
    assert (submitted, accepted) == (TASKS, TASKS)
