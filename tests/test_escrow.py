"""A closed campaign gives its client back what its escrow will never pay, now and once items settle."""

from __future__ import annotations

from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.maintenance import run_sweep
from tests.fieldwork import EVIAN
from tests.helpers import bearer, sign_in
from tests.verification import hand_in, label_photo, read_photo, stores_campaign


def balances(connection) -> dict[str, int]:
    rows = connection.execute(
        text("SELECT kind, balance_cents FROM ledger_accounts WHERE kind IN ('client', 'escrow')")
    )
    return dict(rows.all())


def test_closing_gives_back_all_but_the_rewards_still_payable(client, connection):
    campaign = stores_campaign(client, 2)  # budget 100,000 cents, 2 items at 40
    handed_in = hand_in(client, label_photo(seed=30), campaign)  # submitted, not read yet
    assert client.post(f"/campaigns/{campaign['id']}/close", headers=campaign["headers"]).status_code == 200
    assert balances(connection) == {"client": 1_000_000 - 40, "escrow": 40}
    read_photo(client, handed_in)  # verified: the 40 kept for it are paid
    assert balances(connection)["escrow"] == 0
    assert run_sweep(client.application.extensions[EXTENSION]).released_cents == 0


def test_a_rejection_is_given_back_once_its_appeal_window_closed(client, staff, clock, connection):
    campaign = stores_campaign(client, 1)
    handed_in = hand_in(client, label_photo(gtin=EVIAN, seed=31), campaign)
    read_photo(client, handed_in)
    moderator = bearer(sign_in(client, staff("moderator")))
    case = client.post("/moderation/cases/next", headers=moderator).json
    rejection = {"outcome": "reject", "reject_reason": "not_the_product", "explanation": "Water, not Nutella."}
    client.post(f"/moderation/cases/{case['id']}/decision", json=rejection, headers=moderator)
    client.post(f"/campaigns/{campaign['id']}/close", headers=campaign["headers"])
    assert balances(connection)["escrow"] == 40  # the worker may still appeal
    res = client.application.extensions[EXTENSION]
    clock.advance(days=6)
    assert run_sweep(res).released_cents == 0
    clock.advance(days=1, minutes=1)
    assert run_sweep(res).released_cents == 40
    assert balances(connection) == {"client": 1_000_000, "escrow": 0}
