"""A client's track record, computed by the platform: on every task card in short, in full at
GET /clients/{id}/record, the same for workers and the client, withheld below 20 tasks."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from fieldtasks.api.context import EXTENSION
from fieldtasks.models import ItemStatus, Task, TaskItem, TaskStatus, Verdict, VerdictBy
from fieldtasks.services import payments
from tests.fieldwork import PARIS, credit, nearby, new_worker
from tests.helpers import bearer, register, sign_in
from tests.verification import stores_campaign


def settle_tasks(client, campaign: dict, count: int, *, rejected_every: int, paid_after: timedelta) -> None:
    """`count` of the campaign's tasks worked by two workers, 10 minutes each, handed in 75 hours ago: every
    `rejected_every`-th item rejected, the others approved by a moderator and paid `paid_after` the hand-in.
    Set up straight through the models and the payment service (the API's path to it is tested elsewhere)."""
    res = client.application.extensions[EXTENSION]
    now = res.clock()
    workers = [uuid.UUID(client.get("/me", headers=new_worker(client)).json["id"]) for _ in range(2)]
    with res.database.unit_of_work() as db:
        tasks = db.scalars(
            select(Task).where(Task.campaign_id == uuid.UUID(campaign["id"])).order_by(Task.id).limit(count)
        ).all()
        for number, task in enumerate(tasks):
            handed_in = now - timedelta(hours=75)
            task.status, task.claimed_by_id = TaskStatus.SUBMITTED, workers[number % 2]
            task.claimed_at, task.submitted_at = handed_in - timedelta(minutes=10), handed_in
            for item in db.scalars(select(TaskItem).where(TaskItem.task_id == task.id)):
                item.status, item.verdict_at = ItemStatus.PHOTOGRAPHED, handed_in + paid_after
                if number % rejected_every == 0:
                    item.verdict, item.verdict_by = Verdict.REJECTED, VerdictBy.MODERATOR
                else:
                    item.verdict, item.verdict_by = Verdict.APPROVED, VerdictBy.MODERATOR
                    db.flush()
                    payments.pay_item(db, item.id, now=handed_in + paid_after)


def test_a_client_with_slow_reviews_and_many_rejections_shows_it_on_its_cards(client):
    owner = register(client, "client", organization_name="Slow Payer SA")
    credit(client, owner["organization"]["id"], 1_000_000)
    campaign = stores_campaign(client, 32, bearer(sign_in(client, owner["email"])))
    settle_tasks(client, campaign, 30, rejected_every=3, paid_after=timedelta(hours=72))  # 10 rejected, 20 paid
    worker = new_worker(client)
    [card, *_] = [card for card in nearby(client, worker, PARIS[0], PARIS[1]) if card["campaign_id"] == campaign["id"]]
    summary = card["client_record"]
    assert summary["enough_data"] is True and summary["tasks"] == 30
    assert summary["rejected_share"] == 0.3333 and summary["median_hours_to_money"] == 72.0
    assert summary["median_hourly_cents"] == 240 and summary["below_floor"] is True  # 0.40 EUR in 10 minutes
    record = client.get(f"/clients/{owner['organization']['id']}/record", headers=worker).json
    assert record["client_name"] == "Slow Payer SA" and record["window_days"] == 90
    assert (record["time_to_money"]["worst_hours"], record["time_to_money"]["workers"]) == (72.0, 2)
    assert record["rejections"]["items"] == 30 and record["hourly_pay"]["floor_cents"] == 1202
    own = client.get(f"/clients/{owner['organization']['id']}/record", headers=campaign["headers"]).json
    assert own == record  # the client reads what workers read
    other = new_client_headers(client)
    assert client.get(f"/clients/{owner['organization']['id']}/record", headers=other).status_code == 404


def test_the_record_withholds_figures_behind_fewer_than_20_tasks(client):
    campaign = stores_campaign(client, 5)
    settle_tasks(client, campaign, 4, rejected_every=4, paid_after=timedelta(hours=1))
    worker = new_worker(client)
    card = next(card for card in nearby(client, worker) if card["campaign_id"] == campaign["id"])
    assert card["client_record"]["enough_data"] is False and card["client_record"]["tasks"] == 4
    assert card["client_record"]["rejected_share"] is None and card["client_record"]["median_hours_to_money"] is None
    record = client.get(f"/clients/{card['client_id']}/record", headers=worker).json
    assert record["rejections"] == {"share": None, "items": 4, "tasks": 4, "workers": 2, "enough_data": False}
    assert client.get(f"/clients/{uuid.uuid4()}/record", headers=worker).status_code == 404


def new_client_headers(client) -> dict:
    return bearer(sign_in(client, register(client, "client")["email"]))
