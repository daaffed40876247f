"""A worker leaves with their data (DELETE /me): what they hold goes back, what is available is paid out, the final
signed record is returned, the account is pseudonymised and signs in no more, and the ledger stays sound."""

from __future__ import annotations

import uuid

from sqlalchemy import select, text

from fieldtasks.api.context import EXTENSION
from fieldtasks.models import Task, TaskItem, TaskStatus, Verdict, VerdictBy
from fieldtasks.services import payments
from fieldtasks.services.ledger_check import check_ledger
from tests.fieldwork import EVIAN, HERE, PARIS, credit
from tests.helpers import PASSWORD, bearer, register, sign_in
from tests.verification import earnings, hand_in, label_photo, read_photo, stores_campaign


def test_closing_an_account_pays_out_returns_the_record_and_leaves_the_ledger_sound(client, connection):
    campaign = stores_campaign(client, 3)
    account = register(client, "worker", display_name="Awa Diallo")
    worker = bearer(sign_in(client, account["email"]))
    read_photo(client, hand_in(client, label_photo(seed=21), campaign, worker))  # verified: 0.40 EUR available
    read_photo(client, hand_in(client, label_photo(gtin=EVIAN, seed=22), campaign, worker))  # the wrong product
    held = next(t for t in client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]},
                                      headers=worker).json["items"] if t["campaign_id"] == campaign["id"])  # fmt: skip
    assert client.post(f"/tasks/{held['id']}/claim", json=HERE, headers=worker).status_code == 200
    assert earnings(client, worker)["available_cents"] == 40 and earnings(client, worker)["pending_cents"] == 40
    closed = client.delete("/me", headers=worker)
    assert closed.status_code == 200, closed.json
    final = closed.json
    assert [(p["amount_cents"], p["currency"], p["status"]) for p in final["payouts"]] == [(40, "EUR", "requested")]
    assert final["still_owed"] == [{"currency": "EUR", "pending_cents": 40}]  # the item in review, paid on request
    assert final["released_tasks"] == [held["id"]]
    record = final["work_record"]
    assert record["record"]["worker"]["display_name"] == "Awa Diallo"  # signed while the name was still there
    assert client.post("/work-records/verify", json=record).json["valid"] is True
    assert client.delete("/me", headers=worker).json == final  # a retry: the same answer, nothing moves twice
    refused = client.post("/auth/token", json={"email": account["email"], "password": PASSWORD})
    assert (refused.status_code, refused.json["code"]) == (401, "invalid_credentials")
    kept = connection.execute(text("SELECT email, display_name, is_active FROM users WHERE id = :id"),
                              {"id": account["id"]}).one()  # fmt: skip
    assert kept.email.endswith("@closed.invalid") and kept.display_name == "Former worker" and not kept.is_active
    assert connection.execute(text("SELECT count(*) FROM payouts")).scalar() == 1
    assert connection.execute(text("SELECT status FROM tasks WHERE id = :id"), {"id": held["id"]}).scalar() == "open"
    with client.application.extensions[EXTENSION].database.unit_of_work() as session:
        assert check_ledger(session) == []


def test_only_a_worker_closes_an_account_this_way(client):
    owner = bearer(sign_in(client, register(client, "client")["email"]))
    assert client.delete("/me", headers=owner).status_code == 403


def test_a_worker_paid_in_two_currencies_gets_a_payout_in_each(client):
    res = client.application.extensions[EXTENSION]
    account = register(client, "worker")
    worker = bearer(sign_in(client, account["email"]))
    for currency in ("EUR", "USD"):
        owner = register(client, "client")
        credit(client, owner["organization"]["id"], 100_000, currency)
        campaign = stores_campaign(client, 1, bearer(sign_in(client, owner["email"])), currency=currency)
        with res.database.unit_of_work() as db:  # a task handed in and its item approved, paid as moderation pays
            task = db.scalar(select(Task).where(Task.campaign_id == uuid.UUID(campaign["id"])))
            task.status, task.claimed_by_id = TaskStatus.SUBMITTED, uuid.UUID(account["id"])
            task.claimed_at, task.submitted_at = res.clock(), res.clock()
            item = db.scalar(select(TaskItem).where(TaskItem.task_id == task.id))
            item.verdict, item.verdict_by, item.verdict_at = Verdict.APPROVED, VerdictBy.MODERATOR, res.clock()
            db.flush()
            payments.pay_item(db, item.id, now=res.clock())
    final = client.delete("/me", headers=worker).json
    assert sorted((p["currency"], p["amount_cents"]) for p in final["payouts"]) == [("EUR", 40), ("USD", 40)]
