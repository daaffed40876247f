"""The hourly floor: a week's time worked (tasks, briefs, travel) paid at least the minimum hourly rate."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.photo_reading import run_extraction
from fieldtasks.services.floor import revisit_won_appeals, settle_due_week, settle_week, week_start, worker_weeks
from tests.fieldwork import HERE, PARIS, checkin_body, published_campaign, report_missing
from tests.helpers import bearer, register, sign_in
from tests.verification import ONE_PRODUCT, hand_in, label_photo, read_photo, stores_campaign

WAGES = {"EUR": 1202}


class Week:
    """A worker's week two weeks ago, on the test's clock (tokens are signed again as time passes)."""

    def __init__(self, client, clock):
        self.client, self.clock = client, clock
        self.monday = week_start(clock.now.date()) - timedelta(days=14)
        clock.now = datetime.combine(self.monday, time(9), tzinfo=UTC)
        self.starts_at = (clock.now - timedelta(days=1)).isoformat()
        self.email = register(client, "worker")["email"]

    def headers(self) -> dict:
        return bearer(sign_in(self.client, self.email))

    def task(self, campaign: dict, minutes: float, place: tuple[float, float] = PARIS) -> None:
        """Claim the campaign's task, check in at `place`, report its products missing, submit `minutes` later."""
        worker = self.headers()
        query = {"lat": place[0], "lon": place[1]}
        task = next(t for t in self.client.get("/tasks/nearby", query_string=query, headers=worker).json["items"]
                    if t["campaign_id"] == campaign["id"])  # fmt: skip
        self.client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker)
        fix = checkin_body(*place, recorded_at=self.clock.now.isoformat())
        assert self.client.post(f"/tasks/{task['id']}/checkin", json=fix, headers=worker).status_code == 201
        items = self.client.get(f"/tasks/{task['id']}", headers=worker).json["items"]
        photos = [report_missing(self.client, worker, task["id"], item["gtin"]) for item in items]
        self.clock.advance(minutes=minutes)
        assert self.client.post(f"/tasks/{task['id']}/submit", headers=self.headers()).status_code == 202
        for photo_id in photos:  # the empty places, read: findings for a moderator
            run_extraction(self.client.application.extensions[EXTENSION], uuid.UUID(photo_id), 1)

    def top_ups(self) -> list[int]:
        lines = self.client.get("/me/ledger", headers=self.headers()).json["items"]
        return sorted(line["amount_cents"] for line in lines if line["kind"] == "hourly_floor")


def settle(app, monday: date, now: datetime):
    with app.extensions[EXTENSION].database.unit_of_work() as session:
        return settle_week(session, monday, wages=WAGES, now=now)


def test_a_slow_week_is_topped_up_to_the_minimum_hourly_rate_charged_to_campaigns_by_time(client, app, clock):
    week = Week(client, clock)
    first = stores_campaign(client, 1, starts_at=week.starts_at)
    second = stores_campaign(client, 1, starts_at=week.starts_at)
    week.task(first, minutes=30)
    week.task(second, minutes=90)  # nothing paid yet: every product was reported missing, still in review
    settled = settle(app, week.monday, clock.now + timedelta(days=10))
    assert (settled.workers_topped_up, settled.topped_up_cents) == (1, 2404)  # 2 hours at 12.02 EUR
    assert week.top_ups() == [601, 1803]  # a quarter charged to the first campaign, three quarters to the second
    again = settle(app, week.monday, clock.now + timedelta(days=11))
    assert again.topped_up_cents == 2404 and week.top_ups() == [601, 1803]  # a week is settled once
    [money] = client.get("/me/earnings", headers=week.headers()).json["items"]  # the top-up is a line of its own
    assert (money["floor_top_ups_cents"], money["earned_cents"], money["available_cents"]) == (2404, 0, 2404)


def test_travel_between_check_ins_counts_as_time_worked(client, app, clock):
    week = Week(client, clock)
    near, far = (PARIS[0], PARIS[1]), (PARIS[0] + 0.0108, PARIS[1])  # 1.2 km apart
    campaign = stores_campaign(client, 1, starts_at=week.starts_at)
    other = published_campaign(client, starts_at=week.starts_at, products=ONE_PRODUCT,
                               stores=[{"name": "Far", "lat": far[0], "lon": far[1]}])  # fmt: skip
    week.task(campaign, minutes=10, place=near)
    clock.advance(minutes=20)
    week.task(other, minutes=10, place=far)
    with app.extensions[EXTENSION].database.unit_of_work() as session:
        [mine] = worker_weeks(session, week.monday).values()
    assert round(mine.hours * 60, 1) == 26.0  # 10 + 10 minutes of tasks, 6 minutes to ride 1.2 km


def test_the_sweep_settles_the_week_that_ended_a_week_ago_once(client, app, clock):
    week = Week(client, clock)
    week.task(stores_campaign(client, 1, starts_at=week.starts_at), minutes=60)
    too_soon = datetime.combine(week.monday + timedelta(days=10), time(1), tzinfo=UTC)  # ended 3 days ago
    with app.extensions[EXTENSION].database.unit_of_work() as session:
        assert settle_due_week(session, wages=WAGES, now=too_soon).week_start == week.monday - timedelta(days=7)
    assert week.top_ups() == []
    due = datetime.combine(week.monday + timedelta(days=14), time(1), tzinfo=UTC)
    with app.extensions[EXTENSION].database.unit_of_work() as session:
        settled = settle_due_week(session, wages=WAGES, now=due)
        assert settled is not None and settled.week_start == week.monday
        assert settle_due_week(session, wages=WAGES, now=due) is None
    assert week.top_ups() == [1202]


def test_the_client_sees_its_median_hourly_pay_and_the_reward_the_floor_needs(client, clock):
    campaign = stores_campaign(client, 2)  # one product per store, 40 cents
    email = register(client, "worker")["email"]
    worker = bearer(sign_in(client, email))
    handed_in = hand_in(client, label_photo(seed=41), campaign, worker, clock=clock, minutes=10)
    read_photo(client, handed_in)
    pay = client.get(f"/campaigns/{campaign['id']}/progress", headers=campaign["headers"]).json["hourly_pay"]
    assert pay == {
        "median_hourly_cents": 240,  # 40 cents for 10 minutes
        "floor_hourly_cents": 1202,
        "below_floor": True,
        "reward_needed_cents": 201,  # 10 minutes at 12.02 EUR an hour, for one item
        "tasks": 1,
    }


def test_the_cli_settles_a_week_on_demand(client, runner, clock):
    week = Week(client, clock)
    week.task(stores_campaign(client, 1, starts_at=week.starts_at), minutes=30)
    day = (week.monday + timedelta(days=2)).isoformat()
    result = runner.invoke(args=["fairness", "floor", "--week", day])
    assert result.exit_code == 0 and f"week of {week.monday}: 1 worker(s) topped up, 601 cents" in result.output
    assert week.top_ups() == [601]


def reject_campaigns_case(client, staff, campaign: dict) -> tuple[dict, str]:
    moderator = bearer(sign_in(client, staff("moderator")))
    cases = client.get("/moderation/cases", headers=moderator).json["items"]
    [case] = [c for c in cases if c["campaign_id"] == campaign["id"]]
    rejection = {"outcome": "reject", "reject_reason": "not_the_product", "explanation": "The shelf was full."}
    assert client.post(f"/moderation/cases/{case['id']}/decision", json=rejection, headers=moderator).status_code == 200
    return moderator, case["item_id"]


def hour_of_junk_and_hour_of_work(client, clock, staff) -> tuple[Week, dict, str]:
    """A week with an hour on each of two campaigns' items, reported missing; the first one's is then rejected."""
    week = Week(client, clock)
    junk, honest = (stores_campaign(client, 1, starts_at=week.starts_at) for _ in range(2))
    week.task(junk, minutes=60)
    week.task(honest, minutes=60)
    return week, junk, reject_campaigns_case(client, staff, junk)[1]


def test_time_on_a_rejected_item_not_under_appeal_is_not_work_the_floor_pays(client, app, clock, staff):
    week, _, item_id = hour_of_junk_and_hour_of_work(client, clock, staff)
    with app.extensions[EXTENSION].database.unit_of_work() as session:
        [rejected] = worker_weeks(session, week.monday).values()
    assert round(rejected.hours, 2) == 1.0  # the rejected item's hour is not work
    appealed = client.post(f"/items/{item_id}/appeal", json={"comment": "It was not there."}, headers=week.headers())
    assert appealed.status_code == 201
    with app.extensions[EXTENSION].database.unit_of_work() as session:
        [under_appeal] = worker_weeks(session, week.monday).values()
    assert round(under_appeal.hours, 2) == 2.0  # an appeal is open: the time counts meanwhile
    assert settle(app, week.monday, clock.now + timedelta(days=14)).topped_up_cents == 2404


def test_an_appeal_won_after_the_week_was_settled_tops_the_week_up_again_once(client, app, clock, staff):
    week, junk, item_id = hour_of_junk_and_hour_of_work(client, clock, staff)
    clock.now = datetime.combine(week.monday + timedelta(days=14), time(9), tzinfo=UTC)
    assert settle(app, week.monday, clock.now).topped_up_cents == 1202  # one hour counts: the other was rejected
    # The rejection is dated six days before, as if it came late in the week: the appeal is still in time.
    res = app.extensions[EXTENSION]
    with res.database.unit_of_work() as session:
        session.execute(text("UPDATE task_items SET verdict_at = :at WHERE id = :id"),
                        {"at": clock.now - timedelta(days=6), "id": item_id})  # fmt: skip
    clock.advance(hours=1)
    appealed = client.post(f"/items/{item_id}/appeal", json={"comment": "It was not there."}, headers=week.headers())
    assert appealed.status_code == 201
    other = bearer(sign_in(client, staff("moderator")))
    decided = client.post(f"/moderation/cases/{appealed.json['case_id']}/decision", json={"outcome": "no_fault"},
                          headers=other)  # fmt: skip
    assert decided.status_code == 200
    with res.database.unit_of_work() as session:
        paid = revisit_won_appeals(session, wages=WAGES, now=clock.now)
    with res.database.unit_of_work() as session:
        again = revisit_won_appeals(session, wages=WAGES, now=clock.now)
    # Two hours at 12.02 EUR, less the item's reward (now paid) and the first top-up.
    reward = junk["reward_cents"]
    assert (paid, again) == (1202 - reward, 0)
    assert sum(week.top_ups()) == 2404 - reward and len(week.top_ups()) == 3
