"""Feed export memory (issue 6): `python -m bench.feed [--rows 1000000] [--reuse]`.

Seeds `<DATABASE_URL's name>_feed` with `--rows` price observations of one organization (in SQL; the
one-observation-per-item index is dropped there, so that a million rows need not a million items), then
streams GET /feeds/prices?format=csv through the app in this process, reading the body chunk by chunk,
for a tenth of the rows and for all of them. Memory is the process's peak RSS (a high-water mark, so the
runs go from the smallest to the largest, and the baseline, which loads a tenth of the rows at once,
comes last). Flat memory: the streamed runs end at about the same peak whatever the row count.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import sys
import tempfile
import time

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from bench.databases import prepare_database, suffixed_url
from fieldtasks import create_app
from fieldtasks.api.context import EXTENSION
from fieldtasks.services import feed

SEED = [
    "INSERT INTO organizations (name, invitation_code) VALUES ('Bench Retail', 'bench-feed')",
    "INSERT INTO users (email, password_hash, display_name, role, organization_id)"
    " SELECT 'client@feed.bench', '!', 'Bench client', 'client', id FROM organizations",
    "INSERT INTO users (email, password_hash, display_name, role) VALUES ('worker@feed.bench', '!', 'W', 'worker')",
    "INSERT INTO campaigns (organization_id, created_by_id, title, kind, purpose, reward_cents, currency,"
    " budget_cents, starts_at, ends_at, status)"
    " SELECT organization_id, id, 'Bench', 'shelf_price', 'Benchmark.', 30, 'EUR', 1, now(), now() + interval '1 year',"
    " 'active' FROM users WHERE role = 'client'",
    "INSERT INTO stores (campaign_id, name, location) SELECT c.id, 'Store ' || g,"
    " ST_SetSRID(ST_MakePoint(2.35 + g * 1e-4, 48.85), 4326)::geography FROM campaigns c, generate_series(1, 1000) g",
    "INSERT INTO campaign_products (campaign_id, gtin, name) SELECT c.id, lpad(g::text, 13, '3'), 'Product ' || g"
    " FROM campaigns c, generate_series(1, 10) g",
    "INSERT INTO tasks (campaign_id, kind, store_id, location, place_name, geofence_m, item_count)"
    " SELECT campaign_id, 'shelf_price', id, location, name, 100, 10 FROM stores",
    "INSERT INTO task_items (task_id, product_id) SELECT t.id, p.id FROM tasks t JOIN campaign_products p USING"
    " (campaign_id)",
    "INSERT INTO photos (task_id, item_id, worker_id, claim_generation, media_type, width, height, byte_size,"
    " sha256, phash, original_key, clean_key) SELECT i.task_id, i.id, u.id, 1, 'image/jpeg', 1, 1, 1, 'x', 0,"
    " 'x', 'x' FROM task_items i, users u WHERE u.role = 'worker' LIMIT 1",
    "DROP INDEX uq_price_observations_item_id",
    "INSERT INTO price_observations (organization_id, campaign_id, task_id, item_id, store_id, product_id,"
    " photo_id, price_cents, currency, confidence, observed_at, verified_at, verified_by)"
    " SELECT c.organization_id, c.id, i.task_id, i.id, t.store_id, i.product_id, p.id, 100 + g % 900, 'EUR',"
    " 'high', now() - interval '1 day', now(), 'auto'"
    " FROM generate_series(1, :rows) g"
    " JOIN (SELECT id, task_id, product_id, row_number() OVER (ORDER BY id) AS n FROM task_items) i"
    "   ON i.n = 1 + g % 10000"
    " JOIN tasks t ON t.id = i.task_id JOIN campaigns c ON c.id = t.campaign_id, (SELECT id FROM photos) p",
]


def prepare(rows: int, reuse: bool) -> str:
    url = suffixed_url("feed")
    if reuse:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                if connection.scalar(text("SELECT count(*) FROM price_observations")) == rows:
                    print(f"reusing the database with {rows:,} observations", flush=True)
                    return url
        except SQLAlchemyError:  # no such database yet, or an older schema: build it
            pass
        finally:
            engine.dispose()
    print(f"seeding {rows:,} price observations (a minute or two)...", flush=True)
    prepare_database("feed")
    engine = create_engine(url)
    with engine.begin() as connection:
        for step, statement in enumerate(SEED, start=1):
            connection.execute(text(statement), {"rows": rows})
            print(f"  seed step {step}/{len(SEED)}", end="\r", flush=True)
    print()
    engine.dispose()
    return url


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stream(client, headers, limit_rows: int | None) -> tuple[int, float, float]:
    """Rows streamed, seconds, peak RSS (MB) after the run."""
    query = {"format": "csv"}
    started = time.perf_counter()
    response = client.get("/feeds/prices", query_string=query, headers=headers, buffered=False)
    lines = 0
    for chunk in response.iter_encoded():
        lines += chunk.count(b"\n")
        if limit_rows and lines > limit_rows:
            break
    response.close()
    return lines - 1, time.perf_counter() - started, peak_rss_mb()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database when it has --rows rows")
    args = parser.parse_args(argv)
    url = prepare(args.rows, args.reuse)
    app = create_app(
        {
            "DATABASE_URL": url,
            "REDIS_URL": os.environ["REDIS_URL"],
            "LOG_LEVEL": "WARNING",
            "STORAGE_DIR": tempfile.mkdtemp(prefix="fieldtasks-feed-"),
            "SECRET_KEY": secrets.token_urlsafe(48),
        }
    )
    res = app.extensions[EXTENSION]
    with res.database.unit_of_work() as session:
        user_id, organization_id = session.execute(
            text("SELECT id, organization_id FROM users WHERE role = 'client'")
        ).one()
    token, _ = res.access_tokens.issue(user_id=user_id, role="client", organization_id=organization_id, now=res.clock())
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    start_mb = peak_rss_mb()
    tenth, tenth_s, tenth_mb = stream(client, headers, args.rows // 10)
    print(f"  streamed {tenth:,} rows as CSV", flush=True)
    every, every_s, every_mb = stream(client, headers, None)
    print(f"  streamed {every:,} rows as CSV", flush=True)
    with res.database.unit_of_work() as session:  # the baseline: a tenth of the rows loaded at once
        started = time.perf_counter()
        loaded = session.execute(feed.feed_statement(organization_id, feed.FeedFilter()).limit(args.rows // 10)).all()
        load_s, load_mb = time.perf_counter() - started, peak_rss_mb()
    report(args.rows, start_mb, (tenth, tenth_s, tenth_mb), (every, every_s, every_mb), (len(loaded), load_s, load_mb))
    return 0 if every == args.rows else 1


def report(rows, start_mb, tenth, every, loaded) -> None:
    print(
        f"\nfeed export, {rows:,} observations, CSV streamed through the app (peak RSS, process started at "
        f"{start_mb:.0f} MB)"
    )
    print("| run | rows | seconds | rows/s | peak RSS | growth over the start |")
    print("|---|---|---|---|---|---|")
    for name, (count, seconds, mb) in (
        ("streamed, a tenth", tenth),
        ("streamed, all", every),
        ("loaded at once (baseline), a tenth", loaded),
    ):
        print(f"| {name} | {count:,} | {seconds:.1f} | {count / seconds:,.0f} | {mb:.0f} MB | {mb - start_mb:.0f} MB |")
    print(
        f"\nall rows streamed took {every[2] - start_mb:.0f} MB over the start for {every[0]:,} rows; loading a tenth "
        f"of them at once took {loaded[2] - every[2]:.0f} MB more than that."
    )


if __name__ == "__main__":
    sys.exit(main())
