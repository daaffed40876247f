"""Demo data for `make run`: `python -m fieldtasks.demo` creates accounts and a published campaign, once;
`python -m fieldtasks.demo --play URL` then plays a phone through the whole flow against the running API.

Seeding again changes nothing. The stores are real Paris addresses with approximate positions;
the products are made-up breakfast items with valid check digits.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from importlib import resources as package_files

from sqlalchemy import select

from fieldtasks.config import ConfigError, load_config
from fieldtasks.demo_phone import Phone, http_transport, play
from fieldtasks.errors import ConflictError
from fieldtasks.imports import parse_stores
from fieldtasks.models import Campaign, User
from fieldtasks.resources import Resources, build_resources
from fieldtasks.services import accounts, campaigns, payments, publishing

DEMO_PASSWORD = "fieldtasks-demo"
DEMO_ORGANIZATION = "Démo Supermarchés"
DEMO_CAMPAIGN = {
    "title": "Prix du petit-déjeuner, Paris",
    "kind": "shelf_price",
    "purpose": (
        "Démo Supermarchés compare the shelf prices of breakfast products across Paris to set their own; "
        "the prices and photos go to their pricing team."
    ),
    "instructions": "Find each product's shelf label and photograph it straight on, price and barcode readable.",
    "reward_cents": 35,
    "currency": "EUR",
    "budget_cents": 20_000,
    "claim_minutes": 120,
    "auto_approve_hours": 72,
}
DEMO_PRODUCTS = [
    {"gtin": "3017620422003", "name": "Pâte à tartiner noisettes 400 g", "net_quantity": "400 g"},
    {"gtin": "3608580758686", "name": "Confiture de fraises 370 g", "net_quantity": "370 g"},
    {"gtin": "3250390640516", "name": "Café moulu 250 g", "net_quantity": "250 g"},
    {"gtin": "3228880010125", "name": "Lait demi-écrémé 1 L", "net_quantity": "1 L"},
]
DEMO_ACCOUNTS = (
    ("admin@demo.fieldtasks.test", "Demo Admin", "admin"),
    ("moderator@demo.fieldtasks.test", "Demo Moderator", "moderator"),
    ("client@demo.fieldtasks.test", "Demo Client", "client"),
    ("worker@demo.fieldtasks.test", "Demo Worker", "worker"),
)


def _create(res: Resources, email: str, name: str, role: str) -> bool:
    """Create one account; False when it already exists."""
    fields = {"email": email, "password": DEMO_PASSWORD, "display_name": name, "role": role}
    try:
        with res.database.unit_of_work() as session:
            if role in ("admin", "moderator"):
                accounts.create_staff_user(session, **fields, passwords=res.passwords)
            elif role == "client":
                accounts.register_user(session, **fields, organization_name=DEMO_ORGANIZATION, passwords=res.passwords)
            else:
                accounts.register_user(session, **fields, passwords=res.passwords)
    except ConflictError:
        return False
    return True


def _seed_campaign(res: Resources) -> str:
    """Create and publish the demo campaign unless the demo client already has it."""
    now = res.clock()
    with res.database.unit_of_work() as session:
        client = session.scalar(select(User).where(User.email == "client@demo.fieldtasks.test"))
        exists = session.scalar(
            select(Campaign.id).where(
                Campaign.organization_id == client.organization_id, Campaign.title == DEMO_CAMPAIGN["title"]
            )
        )
        if exists:
            return "already there"
        data = package_files.files("fieldtasks.demo_data").joinpath("paris_stores.csv").read_bytes()
        stores, errors = parse_stores(data, "text/csv")
        assert not errors, errors
        fields = {**DEMO_CAMPAIGN, "starts_at": now - timedelta(hours=1), "ends_at": now + timedelta(days=90)}
        campaign = campaigns.create_campaign(
            session,
            organization_id=client.organization_id,
            user_id=client.id,
            fields=fields,
            stores=stores,
            products=DEMO_PRODUCTS,
            vehicles=[],
        )
        # The client's money, as an admin records it when the transfer arrives; then escrowed by publishing.
        payments.credit_organization(
            session, client.organization_id, campaign.budget_cents, campaign.currency, key="demo-funds", now=now
        )
        result = publishing.publish_campaign(session, client.organization_id, campaign.id, now=now)
    return f"published: {result.task_count} stores, {result.item_count} items, budget escrowed"


def seed(res: Resources) -> None:
    created = 0
    for index, (email, name, role) in enumerate(DEMO_ACCOUNTS, start=1):
        is_new = _create(res, email, name, role)
        created += is_new
        print(f"[{index}/{len(DEMO_ACCOUNTS)}] {role:<9} {email} {'created' if is_new else 'already there'}")
    print(f"Demo campaign {DEMO_CAMPAIGN['title']!r}: {_seed_campaign(res)}")
    print(f"Demo data: {created} account(s) created, {len(DEMO_ACCOUNTS) - created} already there.")
    print(f"Sign in at POST /auth/token with any of the emails above and the password {DEMO_PASSWORD!r}.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--play", metavar="URL", help="play the demo worker's phone against the API at URL")
    args = parser.parse_args(argv)
    if args.play:
        try:
            play(Phone(http_transport(args.play)), DEMO_ACCOUNTS[3][0], DEMO_PASSWORD)
        except (RuntimeError, OSError, IndexError) as error:
            print(f"the demo phone stopped: {error}", file=sys.stderr)
            return 1
        return 0
    try:
        config = load_config()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    res = build_resources(config)
    seed(res)
    res.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
