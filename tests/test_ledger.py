"""The ledger: append-only and balanced in the database, escrow on publish, credits, payouts, the check."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from fieldtasks.cli import check_ledger
from tests.fieldwork import campaign_body, new_client, published_campaign
from tests.helpers import bearer, register, sign_in
from tests.verification import ONE_PRODUCT, ONE_STORE, earnings, hand_in, label_photo, read_photo


def paid_worker(client, reward_cents: int = 1500, clock=None):
    """A worker paid for one item, handed in 30 minutes after the claim."""
    campaign = published_campaign(client, stores=ONE_STORE, products=ONE_PRODUCT, reward_cents=reward_cents)
    handed_in = hand_in(client, label_photo(), campaign, clock=clock, minutes=30)
    assert read_photo(client, handed_in) == "done"
    return handed_in.worker


@pytest.mark.parametrize("statement", ["UPDATE ledger_entries SET amount_cents = 1", "DELETE FROM ledger_entries"])
def test_ledger_rows_cannot_be_changed_or_deleted(client, connection, statement):
    paid_worker(client)
    with pytest.raises(DBAPIError, match="append-only"), connection.begin_nested():
        connection.execute(text(statement))


def test_an_unbalanced_transaction_is_refused_by_the_database(client, connection):
    paid_worker(client)
    with pytest.raises(DBAPIError, match="does not balance"), connection.begin_nested():
        connection.execute(
            text(
                "WITH t AS (INSERT INTO ledger_transactions (key, kind, currency, created_at)"
                " VALUES ('forged', 'gift', 'EUR', now()) RETURNING id)"
                " INSERT INTO ledger_entries (transaction_id, account_id, amount_cents, created_at)"
                " SELECT t.id, a.id, 100, now() FROM t, ledger_accounts a WHERE a.kind = 'worker'"
            )
        )
        connection.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))


def test_publishing_escrows_the_budget_once_and_needs_the_money(client, connection):
    headers = new_client(client, funds_cents=50_000)
    poor = client.post("/campaigns", json=campaign_body(budget_cents=60_000), headers=headers).json
    refused = client.post(f"/campaigns/{poor['id']}/publish", headers=headers)
    assert refused.status_code == 409 and refused.json["code"] == "insufficient_funds"
    assert connection.execute(text("SELECT count(*) FROM tasks")).scalar() == 0
    campaign = client.post("/campaigns", json=campaign_body(budget_cents=30_000), headers=headers).json
    for _ in range(2):
        assert client.post(f"/campaigns/{campaign['id']}/publish", headers=headers).status_code == 200
    balances = dict(connection.execute(text("SELECT kind, balance_cents FROM ledger_accounts")).all())
    assert balances == {"client": 20_000, "escrow": 30_000, "deposits": -50_000}


def test_an_admin_credits_an_organization_once_per_key(client, staff):
    admin = bearer(sign_in(client, staff("admin")))
    organization = register(client, "client")["organization"]["id"]
    path = f"/admin/organizations/{organization}/credits"
    body = {"amount_cents": 25_000, "currency": "EUR"}
    for _ in range(2):
        response = client.post(path, json=body, headers={**admin, "Idempotency-Key": "wire-2026-11-28-001"})
        assert response.status_code == 201 and response.json["balance_cents"] == 25_000
    again = client.post(path, json=body, headers={**admin, "Idempotency-Key": "wire-2026-11-28-002"})
    assert again.json["balance_cents"] == 50_000
    other_amount = {"amount_cents": 99_000, "currency": "EUR"}
    replayed = client.post(path, json=other_amount, headers={**admin, "Idempotency-Key": "wire-2026-11-28-002"})
    assert (replayed.status_code, replayed.json["code"]) == (422, "idempotency_mismatch")
    other_currency = {"amount_cents": 25_000, "currency": "CHF"}
    replayed = client.post(path, json=other_currency, headers={**admin, "Idempotency-Key": "wire-2026-11-28-002"})
    assert (replayed.status_code, replayed.json["code"]) == (422, "idempotency_mismatch")
    client_headers = new_client(client)
    assert client.post(path, json=body, headers={**client_headers, "Idempotency-Key": "x" * 8}).status_code == 403
    unknown = client.post(
        f"/admin/organizations/{uuid.uuid4()}/credits", json=body, headers={**admin, "Idempotency-Key": "y" * 8}
    )
    assert unknown.status_code == 404
    bad = client.post(
        path,
        json={"amount_cents": -5, "currency": "EUR", "worker_id": "x"},
        headers={**admin, "Idempotency-Key": "z" * 8},
    )
    assert bad.status_code == 422 and {"amount_cents", "worker_id"} <= set(bad.json["errors"]["json"])
    too_long = client.post(path, json=body, headers={**admin, "Idempotency-Key": "k" * 200})  # was a 500
    assert too_long.status_code == 422 and "Idempotency-Key" in too_long.json["errors"]["headers"]


def test_payouts_are_refused_above_the_balance_and_below_the_minimum_and_paid_once(client, clock):
    worker = paid_worker(client, reward_cents=1500, clock=clock)
    key = {"Idempotency-Key": "payout-0000001"}
    too_much = client.post("/me/payouts", json={"amount_cents": 1501, "currency": "EUR"}, headers={**worker, **key})
    assert too_much.status_code == 409 and too_much.json["code"] == "insufficient_balance"
    too_little = client.post("/me/payouts", json={"amount_cents": 999, "currency": "EUR"}, headers={**worker, **key})
    assert too_little.status_code == 422 and too_little.json["code"] == "below_minimum"
    first = client.post("/me/payouts", json={"currency": "EUR"}, headers={**worker, **key})
    retried = client.post("/me/payouts", json={"currency": "EUR"}, headers={**worker, **key})
    assert first.status_code == 201 and first.json["amount_cents"] == 1500
    assert retried.json["id"] == first.json["id"]
    mine = earnings(client, worker)
    assert (mine["available_cents"], mine["paid_out_cents"], mine["earned_cents"]) == (0, 1500, 1500)
    assert (mine["hours_worked"], mine["minutes_worked"], mine["hourly_rate_cents"]) == (0.5, 30, 3000)  # 15 € in 30'
    received = ("earned_cents", "briefs_cents", "practice_cents", "floor_top_ups_cents", "reimbursements_cents")
    assert sum(mine[kind] for kind in received) - mine["paid_out_cents"] == mine["available_cents"]


def test_a_payout_is_sent_with_its_reference_or_fails_and_comes_back_once(app, client, staff):
    worker, admin = paid_worker(client, reward_cents=1500), bearer(sign_in(client, staff("admin")))
    key = {"Idempotency-Key": "payout-0000003"}
    payout = client.post("/me/payouts", json={"currency": "EUR"}, headers={**worker, **key}).json
    assert (payout["status"], payout["settled_at"]) == ("requested", None)
    waiting = client.get("/admin/payouts", query_string={"status": "requested"}, headers=admin).json["items"]
    assert [found["id"] for found in waiting] == [payout["id"]]
    sent = {"reference": "SEPA-0042"}
    for _ in range(2):  # said twice, recorded once
        answer = client.post(f"/admin/payouts/{payout['id']}/sent", json=sent, headers=admin)
        assert answer.status_code == 200 and (answer.json["status"], answer.json["reference"]) == ("sent", "SEPA-0042")
    other = client.post(f"/admin/payouts/{payout['id']}/sent", json={"reference": "SEPA-9"}, headers=admin)
    assert (other.status_code, other.json["code"]) == (409, "payout_settled")
    for _ in range(2):  # the bank sent it back: the money returns to the balance once
        failed = client.post(f"/admin/payouts/{payout['id']}/failed", json={"reason": "IBAN closed"}, headers=admin)
        assert failed.status_code == 200 and failed.json["status"] == "failed"
    [mine] = client.get("/me/payouts", headers=worker).json["items"]
    assert (mine["status"], mine["failure_reason"], mine["reference"]) == ("failed", "IBAN closed", "SEPA-0042")
    money = earnings(client, worker)
    assert (money["available_cents"], money["paid_out_cents"]) == (1500, 0)
    newest = client.get("/me/ledger", query_string={"limit": 1}, headers=worker).json["items"]
    assert [line["kind"] for line in newest] == ["payout_returned"]
    assert app.test_cli_runner().invoke(check_ledger).exit_code == 0


def test_the_worker_ledger_is_paginated_newest_first(client):
    worker = paid_worker(client, reward_cents=1500)
    client.post("/me/payouts", json={"currency": "EUR"}, headers={**worker, "Idempotency-Key": "payout-0000002"})
    first = client.get("/me/ledger", query_string={"limit": 1}, headers=worker).json
    assert [line["kind"] for line in first["items"]] == ["payout"] and first["items"][0]["amount_cents"] == -1500
    second = client.get("/me/ledger", query_string={"limit": 1, "cursor": first["next_cursor"]}, headers=worker).json
    assert [line["kind"] for line in second["items"]] == ["item_reward"] and second["next_cursor"] is None
    forged = client.get("/me/ledger", query_string={"cursor": "bm9wZQ"}, headers=worker)
    assert forged.status_code == 422 and forged.json["code"] == "invalid_cursor"


def test_ledger_check_passes_on_a_sound_ledger_and_fails_on_a_tampered_balance(app, client, connection):
    paid_worker(client)
    runner = app.test_cli_runner()
    clean = runner.invoke(check_ledger)
    assert clean.exit_code == 0, clean.output
    assert "ledger consistent" in clean.output
    connection.execute(text("UPDATE ledger_accounts SET balance_cents = balance_cents + 1 WHERE kind = 'worker'"))
    tampered = runner.invoke(check_ledger)
    assert tampered.exit_code != 0
    assert "balance 1501 but its entries sum to 1500" in tampered.output
