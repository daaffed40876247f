"""Benchmark of issue 3's goals: `python -m bench.nearby` (or `make bench`).

1. Nearby search on 1,000,000 tasks, in the database: p50/p99 with the spatial index, then with
   it dropped (inside a transaction that is rolled back), and the EXPLAIN plan. Then growth (issue 21): the same
   queries on a database of `--growth` tasks (10,000,000), taken in turns with the first one's, and the ratio of
   their p50 (goal: at most 1.5x, the index's logarithmic cost). `--growth 0` skips it.
2. HTTP: GET /tasks/nearby requests/s on gunicorn (2 workers) as a share of /healthz on the same server.
3. Claims/s with 16 concurrent claimers around one point, and how many tasks were claimed twice.

Every ratio compares two measurements taken in the same run, because these machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import http
from bench.seed import CITIES, seed
from fieldtasks.services.nearby import nearby_params, nearby_statement
from tests.database import explain

INDEX = "ix_tasks_mercator_available"


def bench_database_url(suffix: str = "bench") -> str:
    url = make_url(os.environ["DATABASE_URL"])
    return url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)


def prepare_database(url: str, tasks: int, reuse: bool):
    """A migrated database with `tasks` tasks; reused when asked and already that size, its schema brought up to
    the migrations' head (a database built by an older commit lacks the newer tables)."""
    from alembic import command

    from tests.database import alembic_config, recreate_database

    engine = create_engine(url)
    if reuse:
        try:
            with engine.connect() as connection:
                reusable = connection.scalar(text("SELECT count(*) FROM tasks")) == tasks
            if reusable:
                print(f"reusing {url.rsplit('/', 1)[-1]} with {tasks:,} tasks", flush=True)
                command.upgrade(alembic_config(url), "head")
                return engine
        except Exception:
            pass
    print(f"building a database with {tasks:,} tasks (a few minutes)...", flush=True)
    engine.dispose()
    recreate_database(url)
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    seed(engine, tasks)
    return engine


def random_point(rng: random.Random) -> tuple[float, float]:
    lat, lon = rng.choice(CITIES)
    return lat + rng.uniform(-0.1, 0.1), lon + rng.uniform(-0.1, 0.1)


def time_queries(connection, samples: int, rng: random.Random, label: str | None) -> dict[str, list[float]]:
    """Milliseconds per nearby query around random city points, seen two ways.

    `client`: sent on the driver's cursor and fetched (the database, the socket and psycopg2, not
    SQLAlchemy; the HTTP figures include everything). `server`: planning plus execution as the
    server reports them for the same statement (EXPLAIN ANALYZE, run right after).
    """
    now = datetime.now(UTC)
    cursor = connection.connection.cursor()
    compiled = nearby_statement().compile(dialect=connection.dialect)
    timings: dict[str, list[float]] = {"client": [], "server": []}
    for index in range(samples):
        lat, lon = random_point(rng)
        expanded = compiled.construct_expanded_state(
            nearby_params(lat=lat, lon=lon, radius_m=5000, kind=None, limit=20, now=now)
        )
        started = time.perf_counter()
        cursor.execute(expanded.statement, expanded.parameters)
        cursor.fetchall()
        timings["client"].append((time.perf_counter() - started) * 1000)
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) " + expanded.statement, expanded.parameters)
        summary = " ".join(row[0] for row in cursor.fetchall())
        timings["server"].append(sum(float(t) for t in re.findall(r"(?:Planning|Execution) Time: ([\d.]+)", summary)))
        if label and (index + 1) % max(1, samples // 5) == 0:
            print(f"  {label}: {index + 1}/{samples} queries", flush=True)
    return timings


def nearby_plan(connection) -> str:
    lat, lon = CITIES[0]
    params = nearby_params(lat=lat, lon=lon, radius_m=5000, kind=None, limit=20, now=datetime.now(UTC))
    return explain(connection, nearby_statement(), params, "(ANALYZE, COSTS OFF)")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def measure_queries(engine, samples: int, unindexed_samples: int) -> dict:
    rng = random.Random(7)
    with engine.connect() as connection:
        time_queries(connection, 20, rng, "warm-up")
        indexed = time_queries(connection, samples, rng, "indexed")
        plan = nearby_plan(connection)
        connection.commit()
        transaction = connection.begin()
        try:
            connection.execute(text(f"DROP INDEX {INDEX}"))
            unindexed = time_queries(connection, unindexed_samples, rng, "unindexed")
        finally:
            transaction.rollback()  # the index comes back
    results = {"samples": samples, "unindexed_samples": unindexed_samples, "plan": plan}
    for name, timings in (("indexed", indexed), ("unindexed", unindexed)):
        for side in ("client", "server"):
            results[f"{name}_{side}_p50"] = percentile(timings[side], 50)
            results[f"{name}_{side}_p99"] = percentile(timings[side], 99)
    return results


def measure_growth(small, large, samples: int) -> dict:
    """The same random points asked of both databases in turns (so that noise falls on both alike)."""
    timings: dict[str, dict[str, list[float]]] = {}
    with small.connect() as one, large.connect() as other:
        for name, connection in (("small", one), ("large", other)):
            time_queries(connection, 50, random.Random(3), f"warm-up ({name})")  # caches filled on both sides
        for name in ("small", "large"):
            timings[name] = {"client": [], "server": []}
        for round_index in range(10):
            for name, connection in (("small", one), ("large", other)):
                rng = random.Random(1000 + round_index)  # the same points on both
                batch = time_queries(connection, samples // 10, rng, None)
                for side in ("client", "server"):
                    timings[name][side] += batch[side]
            print(f"  growth: round {round_index + 1}/10, {samples // 10} queries on each database", flush=True)
    return {
        f"growth_{name}_{side}_p50": percentile(timings[name][side], 50)
        for name in ("small", "large")
        for side in ("client", "server")
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(r: dict, tasks: int) -> None:
    """The summary, as Markdown ready for BENCHMARKS.md."""
    speedup = {side: r[f"unindexed_{side}_p50"] / r[f"indexed_{side}_p50"] for side in ("server", "client")}
    row = "| {} | {:.2f} ms | {:.2f} ms | {:.2f} ms | {:.2f} ms | {} |"
    lines = [
        "## Results",
        "",
        f"Nearby search on {tasks:,} tasks (radius 5 km, limit 20), in the database:",
        "",
        "| | server p50 | server p99 | client p50 | client p99 | queries |",
        "|---|---|---|---|---|---|",
    ]
    for name, label in (("indexed", "with the GiST index"), ("unindexed", "index dropped")):
        values = [r[f"{name}_{side}_{q}"] for side in ("server", "client") for q in ("p50", "p99")]
        lines.append(row.format(label, *values, r["samples" if name == "indexed" else "unindexed_samples"]))
    lines += [
        "",
        "Server: planning + execution reported by PostgreSQL. Client: sent and fetched through psycopg2.",
        "",
        f"- p50 with the index, client side: {r['indexed_client_p50']:.2f} ms (target <= 2 ms):"
        f" {verdict(r['indexed_client_p50'] <= 2)}",
        f"- speed-up at p50 in the database: {speedup['server']:,.0f}x (target >= 100x):"
        f" {verdict(speedup['server'] >= 100)}; client side: {speedup['client']:,.0f}x",
    ]
    if "nearby_rps" in r:
        share = r["nearby_rps"] / r["healthz_rps"]
        lines += [
            "",
            f"HTTP on gunicorn, 2 sync workers, {r['http_tool']}:",
            "",
            f"- /healthz: {r['healthz_rps']:,.0f} requests/s",
            f"- /tasks/nearby: {r['nearby_rps']:,.0f} requests/s = {share:.0%} of /healthz"
            f" (target >= 30%): {verdict(share >= 0.3)}",
            "",
            f"Claims, {r['claimers']} concurrent claimers around one point for {r['claim_seconds']} s:",
            "",
            f"- {r['claims_per_s']:,.1f} claims/s ({r['claim_attempts']:,} attempts, {r['claims']:,} won,"
            f" {r['taken']:,} task_taken)",
            f"- tasks claimed twice at once: {r['double_claims']} (target 0): {verdict(r['double_claims'] == 0)}",
        ]
    if "growth_large_server_p50" in r:
        ratio = {side: r[f"growth_large_{side}_p50"] / r[f"growth_small_{side}_p50"] for side in ("server", "client")}
        lines += [
            "",
            f"Growth: the same points on {tasks:,} and {r['growth_tasks']:,} tasks, asked in turns:",
            "",
            "| | server p50 | client p50 |",
            "|---|---|---|",
            f"| {tasks:,} tasks | {r['growth_small_server_p50']:.2f} ms | {r['growth_small_client_p50']:.2f} ms |",
            f"| {r['growth_tasks']:,} tasks | {r['growth_large_server_p50']:.2f} ms"
            f" | {r['growth_large_client_p50']:.2f} ms |",
            f"| ratio | {ratio['server']:.2f}x | {ratio['client']:.2f}x |",
            "",
            f"- p50 at {r['growth_tasks']:,} against {tasks:,}, server side: {ratio['server']:.2f}x (target <= 1.5x):"
            f" {verdict(ratio['server'] <= 1.5)}",
        ]
    lines += ["", "Plan of the indexed query (EXPLAIN ANALYZE):", "", "```", r["plan"], "```"]
    print("\n" + "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=1000, help="indexed queries timed")
    parser.add_argument("--unindexed-samples", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each HTTP measurement")
    parser.add_argument("--reuse", action="store_true", help="keep the bench database if it has --tasks tasks")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--growth", type=int, default=10_000_000, help="tasks of the second database (0: none)")
    args = parser.parse_args(argv)
    engine = prepare_database(bench_database_url(), args.tasks, args.reuse)
    print("timing nearby queries in the database...", flush=True)
    results = measure_queries(engine, args.samples, args.unindexed_samples)
    if args.growth:
        grown = prepare_database(bench_database_url(f"bench_{args.growth}"), args.growth, args.reuse)
        results.update(measure_growth(engine, grown, args.samples), growth_tasks=args.growth)
        grown.dispose()
    if not args.skip_http:
        results.update(http.measure(engine, bench_database_url(), args.seconds))
    engine.dispose()
    report(results, args.tasks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
