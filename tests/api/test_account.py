"""A client organization's money, as its statement shows it: every figure comes from the ledger and adds up."""

from __future__ import annotations

from tests.fieldwork import new_client, new_worker, published_campaign
from tests.verification import ONE_PRODUCT, ONE_STORE, hand_in, label_photo, read_photo


def test_the_account_shows_balances_escrow_per_campaign_and_a_statement_that_adds_up(client):
    owner = new_client(client, funds_cents=50_000)
    campaign = published_campaign(client, owner, budget_cents=20_000, stores=ONE_STORE, products=ONE_PRODUCT)
    assert read_photo(client, hand_in(client, label_photo(), campaign)) == "done"  # one item paid from escrow
    account = client.get("/organization/account", headers=owner)
    assert account.status_code == 200, account.json
    [balance] = account.json["balances"]
    [escrow] = account.json["campaigns"]
    assert (escrow["campaign_id"], escrow["title"]) == (campaign["id"], campaign["title"])
    assert balance["escrowed_cents"] == escrow["escrowed_cents"] > 0
    lines = account.json["items"]
    kinds = [line["kind"] for line in lines]
    assert kinds[-1] == "deposit" and "campaign_funding" in kinds and "item_reward" in kinds  # newest first
    for name, figure in (("available", balance["available_cents"]), ("escrow", balance["escrowed_cents"])):
        assert sum(line["amount_cents"] for line in lines if line["account"] == name) == figure
    reward = next(line for line in lines if line["kind"] == "item_reward")
    assert (reward["account"], reward["campaign_id"], reward["amount_cents"]) == ("escrow", campaign["id"], -40)
    assert balance["available_cents"] + balance["escrowed_cents"] == 50_000 - 40  # what left: one reward


def test_the_statement_pages_and_stays_with_its_organization(client):
    owner = new_client(client, funds_cents=50_000)
    published_campaign(client, owner, budget_cents=20_000)
    first = client.get("/organization/account", query_string={"limit": 2}, headers=owner).json
    rest = client.get("/organization/account", query_string={"cursor": first["next_cursor"]}, headers=owner).json
    assert len(first["items"]) == 2 and rest["next_cursor"] is None
    assert [line["kind"] for line in first["items"] + rest["items"]][-1] == "deposit"
    other = client.get("/organization/account", headers=new_client(client, funds_cents=0)).json
    assert (other["balances"], other["campaigns"], other["items"]) == ([], [], [])
    assert client.get("/organization/account", headers=new_worker(client)).status_code == 403
