"""How long does a large store list take? `python -m bench.big_import [--stores 5000]`

A retailer creates a campaign with its stores inline, imports the same number again as CSV into a second
campaign, and publishes it, through the API (Flask's test client, a fresh database). The baseline of this run is
the same calls with 50 stores: the ratio per store says whether cost grows with the list (it should stay near 1
or fall; one INSERT per store made 5,000 of them take 8 s).
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

from bench.databases import prepare_database
from fieldtasks import create_app
from fieldtasks.api.context import EXTENSION
from fieldtasks.services import payments

PASSWORD = "a long list of stores"
BASELINE_STORES = 50


def stores(count: int) -> list[dict]:
    return [{"name": f"Store {n}", "address": f"{n} rue de Rivoli", "lat": 48.80 + (n % 100) * 1e-3,
             "lon": 2.30 + (n // 100) * 1e-3} for n in range(count)]  # fmt: skip


def campaign(count: int, inline: bool) -> dict:
    now = datetime.now(UTC)
    body = {
        "title": "Prix", "kind": "shelf_price", "purpose": "A retailer compares its prices with its neighbours'.",
        "reward_cents": 40, "budget_cents": 40 * count, "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(),
        "products": [{"gtin": "3017620422003", "name": "Nutella 400 g", "net_quantity": "400 g"}],
    }  # fmt: skip
    return {**body, "stores": stores(count)} if inline else body


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    response = call()
    return time.perf_counter() - started, response


def run(client, headers: dict, count: int) -> dict[str, float]:
    seconds, created = timed(lambda: client.post("/campaigns", json=campaign(count, True), headers=headers))
    assert created.status_code == 201, created.json
    times = {"inline": seconds}
    other = client.post("/campaigns", json=campaign(count, False), headers=headers).json["id"]
    csv = "name,address,lat,lon\n" + "".join(
        f"{s['name']},{s['address']},{s['lat']},{s['lon']}\n" for s in stores(count)
    )
    seconds, imported = timed(lambda: client.post(f"/campaigns/{other}/stores", data=csv, headers={
        **headers, "Content-Type": "text/csv"}))  # fmt: skip
    assert imported.json["created"] == count, imported.json
    times["csv"] = seconds
    seconds, published = timed(lambda: client.post(f"/campaigns/{other}/publish", headers=headers))
    assert published.status_code == 200, published.json
    times["publish"] = seconds
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=5000)
    args = parser.parse_args(argv)
    print("preparing a fresh database...", flush=True)
    app = create_app({
        **os.environ, "DATABASE_URL": prepare_database("big_import"), "SECRET_KEY": secrets.token_urlsafe(48),
        "STORAGE_DIR": tempfile.mkdtemp(prefix="fieldtasks-import-"), "LOG_LEVEL": "WARNING",
        "RATE_LIMITS_ENABLED": "false", "PASSWORD_HASH_PROFILE": "fast",
    })  # fmt: skip
    client, res = app.test_client(), app.extensions[EXTENSION]
    email = f"retailer-{uuid.uuid4().hex[:6]}@bench.test"
    account = client.post("/auth/register", json={"email": email, "password": PASSWORD, "display_name": "R",
                                                   "role": "client", "organization_name": "Bench"}).json  # fmt: skip
    with res.database.unit_of_work() as session:
        organization = uuid.UUID(account["organization"]["id"])
        payments.credit_organization(session, organization, 10**9, "EUR", key="bench", now=res.clock())
    tokens = client.post("/auth/token", json={"email": email, "password": PASSWORD}).json
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    results = {}
    for count in (BASELINE_STORES, args.stores):
        print(f"{count} stores...", flush=True)
        results[count] = run(client, headers, count)
    print(f"\nseconds            {BASELINE_STORES:>7} stores  {args.stores:>7} stores  per store, ratio to baseline")
    for step in ("inline", "csv", "publish"):
        small, large = results[BASELINE_STORES][step], results[args.stores][step]
        ratio = (large / args.stores) / (small / BASELINE_STORES)
        print(f"  {step:<16} {small:13.3f}  {large:13.3f}  {ratio:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
