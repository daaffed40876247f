"""Seeding a benchmark database with a million tasks, in SQL, reproducibly (fixed random seed)."""

from __future__ import annotations

import time

from sqlalchemy import Engine, text

# Half the stores gather around these cities (about 10 km spread), half are spread over France.
CITIES = [
    (48.8566, 2.3522),
    (45.7640, 4.8357),
    (43.2965, 5.3698),
    (43.6047, 1.4442),
    (47.2184, -1.5536),
    (48.5734, 7.7521),
    (44.8378, -0.5792),
    (50.6292, 3.0573),
    (43.7102, 7.2620),
    (48.1173, -1.6778),
]
CAMPAIGNS = 1000
WORKERS = 16

_STEPS = [
    (
        "organization and users",
        """
        INSERT INTO organizations (name, invitation_code) VALUES ('Bench Retail', 'bench-invitation');
        INSERT INTO users (email, password_hash, display_name, role, organization_id)
            SELECT 'client@bench.test', '!', 'Bench client', 'client', id FROM organizations;
        INSERT INTO users (email, password_hash, display_name, role)
            SELECT 'worker' || g || '@bench.test', '!', 'Bench worker ' || g, 'worker'
            FROM generate_series(0, :workers) g
    """,
    ),
    (
        "campaigns",
        """
        INSERT INTO campaigns (organization_id, created_by_id, title, kind, purpose, reward_cents, currency,
                               budget_cents, starts_at, ends_at, status, published_at)
            SELECT u.organization_id, u.id, 'Bench campaign ' || g, 'shelf_price', 'Benchmark data, no client.',
                   30, 'EUR', 1000000000, now() - interval '1 day', now() + interval '365 days', 'active', now()
            FROM users u, generate_series(1, :campaigns) g WHERE u.role = 'client'
    """,
    ),
    (
        "stores",
        """
        INSERT INTO stores (campaign_id, name, address, location)
        SELECT ids[1 + g % :campaigns], 'Store ' || g, '',
               ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography
        FROM generate_series(1, :tasks) g
        CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM campaigns) c
        CROSS JOIN LATERAL (
            SELECT CASE WHEN g % 2 = 0 THEN -1.5 + random() * 9.0
                        ELSE (:city_lons)[1 + (g / 2) % :cities] + 0.1 * sqrt(-2 * ln(1 - random()))
                             * cos(2 * pi() * random())
                   END AS lon,
                   CASE WHEN g % 2 = 0 THEN 43.0 + random() * 7.0
                        ELSE (:city_lats)[1 + (g / 2) % :cities] + 0.1 * sqrt(-2 * ln(1 - random()))
                             * cos(2 * pi() * random())
                   END AS lat
            WHERE g > 0
        ) p
    """,
    ),
    (
        "tasks",
        """
        INSERT INTO tasks (campaign_id, kind, store_id, location, place_name, place_address, geofence_m, item_count)
            SELECT campaign_id, 'shelf_price', id, location, name, address, geofence_m, 3 FROM stores
    """,
    ),
    (
        "claims held by someone (5%) or expired (5%)",
        """
        UPDATE tasks SET status = 'claimed', claim_generation = 1,
               claimed_by_id = (SELECT id FROM users WHERE email = 'worker0@bench.test'),
               claimed_at = now() - interval '3 hours',
               claim_expires_at = now() + CASE WHEN random() < 0.5 THEN interval '1 hour' ELSE interval '-1 hour' END
        WHERE random() < 0.1
    """,
    ),
]


def seed(engine: Engine, tasks: int) -> None:
    """Fill an empty, migrated database; prints each step and how long it took."""
    params = {
        "tasks": tasks,
        "campaigns": CAMPAIGNS,
        "workers": WORKERS,
        "cities": len(CITIES),
        "city_lats": [lat for lat, _ in CITIES],
        "city_lons": [lon for _, lon in CITIES],
    }
    with engine.begin() as connection:
        connection.execute(text("SELECT setseed(0.42)"))
        for index, (label, sql) in enumerate(_STEPS, start=1):
            started = time.perf_counter()
            for statement in filter(str.strip, sql.split(";")):
                connection.execute(text(statement), params)
            print(f"  [{index}/{len(_STEPS)}] {label}: {time.perf_counter() - started:.1f} s", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        started = time.perf_counter()
        connection.execute(text("VACUUM ANALYZE"))
        print(f"  vacuum analyze: {time.perf_counter() - started:.1f} s", flush=True)
