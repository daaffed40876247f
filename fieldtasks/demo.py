"""Demo data for `make run`: `python -m fieldtasks.demo` creates accounts and three published campaigns
(shelf prices, product placement, scooter recharge), once; `python -m fieldtasks_dev.demo_phone URL` then
plays a phone through each kind of task against the running API.

Seeding again changes nothing. The stores are real Paris addresses with approximate positions;
the products are made-up breakfast items with valid check digits; the scooters are made up too.
"""

from __future__ import annotations

import argparse
import sys
from datetime import time, timedelta
from importlib import resources as package_files

from sqlalchemy import select

from fieldtasks.config import ConfigError, load_config
from fieldtasks.errors import ConflictError
from fieldtasks.imports import parse_stores
from fieldtasks.models import Campaign, User
from fieldtasks.resources import Resources, build_resources
from fieldtasks.services import accounts, campaigns, payments, publishing

DEMO_PASSWORD = "fieldtasks-demo"
DEMO_ORGANIZATION = "Démo Supermarchés"
SPARE_CENTS = 20_000  # credited beside each demo campaign's budget, for a campaign of one's own
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
DEMO_PLACEMENT = {
    "title": "Présence en rayon, Paris",
    "kind": "product_placement",
    "purpose": (
        "Démo Supermarchés check that their breakfast range is on the shelf in each store; "
        "what is missing goes to their category team."
    ),
    "instructions": "Photograph the breakfast shelf section, every shelf label in frame.",
    "reward_cents": 30,
    "currency": "EUR",
    "budget_cents": 5_000,
}
DEMO_MOBILITY = "Démo Mobilité"
DEMO_SCOOTERS = {
    "title": "Recharge de trottinettes, Paris",
    "kind": "scooter_recharge",
    "purpose": "Démo Mobilité pays for its scooters to be charged overnight and put back where riders find them.",
    "instructions": "Pick the scooter up, charge it fully, put it back at a deploy spot during its release window.",
    "reward_cents": 500,
    "late_reward_cents": 250,
    "charge_reimbursement_cents": 40,
    "currency": "EUR",
    "budget_cents": 10_000,
    "claim_minutes": 45,
}
DEMO_VEHICLES = [
    {"vehicle_code": "SCT-1001", "lat": 48.8560, "lon": 2.3530, "battery_percent": 8},
    {"vehicle_code": "SCT-1002", "lat": 48.8590, "lon": 2.3480, "battery_percent": 12},
    {"vehicle_code": "SCT-1003", "lat": 48.8620, "lon": 2.3600, "battery_percent": 15},
]
DEMO_SPOTS = [
    {"name": "Place de la Bastille", "lat": 48.8531, "lon": 2.3690, "release_from": time(4), "release_until": time(7)},
    # Open day and night and near the scooters, so that the demo phone can always drop off, soon.
    {
        "name": "Dépôt Hôtel de Ville (24 h)",
        "lat": 48.8570,
        "lon": 2.3545,
        "release_from": time(0),
        "release_until": time(23, 59),
    },
]
WORKER_EMAIL = "worker@demo.fieldtasks.test"
DEMO_ACCOUNTS = (
    ("admin@demo.fieldtasks.test", "Demo Admin", "admin"),
    ("moderator@demo.fieldtasks.test", "Demo Moderator", "moderator"),
    ("client@demo.fieldtasks.test", "Demo Client", "client"),
    ("mobility@demo.fieldtasks.test", "Demo Mobility", "client"),
    (WORKER_EMAIL, "Demo Worker", "worker"),
)
ORGANIZATIONS = {"client@demo.fieldtasks.test": DEMO_ORGANIZATION, "mobility@demo.fieldtasks.test": DEMO_MOBILITY}


def _create(res: Resources, email: str, name: str, role: str) -> bool:
    """Create one account; False when it already exists."""
    fields = {"email": email, "password": DEMO_PASSWORD, "display_name": name, "role": role}
    try:
        with res.database.unit_of_work() as session:
            if role in ("admin", "moderator"):
                accounts.create_staff_user(session, **fields, passwords=res.passwords)
            elif role == "client":
                organization = ORGANIZATIONS[email]
                accounts.register_user(session, **fields, organization_name=organization, passwords=res.passwords)
            else:
                accounts.register_user(session, **fields, passwords=res.passwords)
    except ConflictError:
        return False
    return True


def _seed_campaign(res: Resources, owner: str, fields: dict, **lists) -> str:
    """Create and publish a demo campaign unless its owner already has it."""
    now = res.clock()
    with res.database.unit_of_work() as session:
        client = session.scalar(select(User).where(User.email == owner))
        exists = session.scalar(
            select(Campaign.id).where(
                Campaign.organization_id == client.organization_id, Campaign.title == fields["title"]
            )
        )
        if exists:
            return "already there"
        dates = {"starts_at": now - timedelta(hours=1), "ends_at": now + timedelta(days=90)}
        lists = {"stores": [], "products": [], "vehicles": [], **lists}
        campaign = campaigns.create_campaign(
            session, organization_id=client.organization_id, user_id=client.id, fields={**fields, **dates}, **lists
        )
        # The client's money, as an admin records it when the transfer arrives, then escrowed by publishing; and some
        # to spare, for a campaign of one's own (the README's walk-through).
        key, funds = f"demo-funds-{fields['kind']}", campaign.budget_cents + SPARE_CENTS
        payments.credit_organization(session, client.organization_id, funds, "EUR", key, now=now)
        result = publishing.publish_campaign(session, client.organization_id, campaign.id, now=now)
    return f"published: {result.task_count} tasks, {result.item_count} items, budget escrowed"


def _demo_campaigns() -> list[tuple[str, dict, dict]]:
    data = package_files.files("fieldtasks.demo_data").joinpath("paris_stores.csv").read_bytes()
    stores, errors = parse_stores(data, "text/csv")
    assert not errors, errors
    client, mobility = (email for email, _, role in DEMO_ACCOUNTS if role == "client")
    spots = [{**spot, "geofence_m": 50} for spot in DEMO_SPOTS]
    return [
        (client, DEMO_CAMPAIGN, {"stores": stores, "products": DEMO_PRODUCTS}),
        (client, DEMO_PLACEMENT, {"stores": stores[:3], "products": DEMO_PRODUCTS[:3]}),
        (mobility, DEMO_SCOOTERS, {"vehicles": DEMO_VEHICLES, "deploy_spots": spots}),
    ]


def seed(res: Resources) -> None:
    created = 0
    for index, (email, name, role) in enumerate(DEMO_ACCOUNTS, start=1):
        is_new = _create(res, email, name, role)
        created += is_new
        print(f"[{index}/{len(DEMO_ACCOUNTS)}] {role:<9} {email} {'created' if is_new else 'already there'}")
    for owner, fields, lists in _demo_campaigns():
        print(f"Demo campaign {fields['title']!r} ({fields['kind']}): {_seed_campaign(res, owner, fields, **lists)}")
    print(f"Demo data: {created} account(s) created, {len(DEMO_ACCOUNTS) - created} already there.")
    print(f"Sign in at POST /auth/token with any of the emails above and the password {DEMO_PASSWORD!r}.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
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
