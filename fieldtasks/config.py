"""Configuration: one loader that reads environment variables into a frozen Config."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from fieldtasks import config_values as parsers


class ConfigError(Exception):
    """The environment is missing a variable or holds a malformed one."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        lines = "\n".join(f"  {name}: {reason}" for name, reason in self.problems.items())
        super().__init__(f"fieldtasks cannot start, fix its configuration:\n{lines}")


MISSING: Any = dataclasses.MISSING


def setting(
    name: str,
    parse: Callable[[str], Any],
    doc: str,
    *,
    default: Any = MISSING,
    factory: Callable[[], Any] | None = None,
    required: str = "no",
) -> Any:
    """A Config field read from the environment variable `name`; `required` is what the README says ("yes", or when)."""
    metadata = {"env": name, "parse": parse, "doc": doc, "required": required}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Config:
    """Everything the API, the worker and the CLI need to build their resources. Each field declares the environment
    variable it is read from, its parser, its default and what it means: the README's table is made of these."""

    database_url: str = setting(
        "DATABASE_URL",
        parsers.parse_database_url,
        "PostgreSQL with PostGIS, e.g. `postgresql://user:pass@host:5432/fieldtasks`",
        required="yes",
    )
    redis_url: str = setting(
        "REDIS_URL",
        parsers.redis_url,
        "e.g. `redis://host:6379/0`; holds only the job queues, it may be wiped at any time",
        required="yes",
    )
    storage_url: str = setting(
        "STORAGE_URL",
        parsers.storage_url,
        "where photos are kept: `s3://bucket/prefix` (any S3-compatible server, through boto3) or "
        "`file:///a/folder`; wins over `STORAGE_DIR`",
        required="yes, or `STORAGE_DIR`",
    )
    secret_key: str = setting(
        "SECRET_KEY",
        parsers.secret_key,
        "at least 32 characters; signs access tokens",
        required="yes",
    )
    access_token_minutes: int = setting(
        "ACCESS_TOKEN_MINUTES",
        parsers.positive_int,
        "access token lifetime, default 15",
        default=15,
    )
    refresh_token_days: int = setting(
        "REFRESH_TOKEN_DAYS",
        parsers.positive_int,
        "refresh token lifetime, default 30",
        default=30,
    )
    max_content_length: int = setting(
        "MAX_CONTENT_LENGTH",
        parsers.positive_int,
        "largest request body in bytes, default 20 MiB (413 beyond)",
        default=20 * 1024 * 1024,
    )
    log_level: str = setting(
        "LOG_LEVEL",
        parsers.log_level,
        "default `INFO`",
        default="INFO",
    )
    db_pool_size: int = setting(
        "DB_POOL_SIZE",
        parsers.positive_int,
        "database connections each process keeps open, default 5",
        default=5,
    )
    db_max_overflow: int = setting(
        "DB_MAX_OVERFLOW",
        parsers.non_negative_int,
        "connections a process may open beyond the pool when busy, default 5",
        default=5,
    )
    db_pool_timeout_s: int = setting(
        "DB_POOL_TIMEOUT_S",
        parsers.positive_int,
        "how long a request waits for a free connection before a 503 `backend_unavailable`, default 10",
        default=10,
    )
    claim_limit: int = setting(
        "CLAIM_LIMIT",
        parsers.positive_int,
        "tasks a worker may hold at once, default 3",
        default=3,
    )
    claim_max_distance_km: int = setting(
        "CLAIM_MAX_DISTANCE_KM",
        parsers.positive_int,
        "how far from where they are a worker may claim a task, default 50",
        default=50,
    )
    rate_limits_enabled: bool = setting(
        "RATE_LIMITS_ENABLED",
        parsers.boolean,
        "`true` (default): brute-force limits on `/auth/token`, `/auth/register`, `/auth/refresh` and the "
        "sign-in pages of the console and the app, counted in Redis (429 `rate_limited` with `Retry-After`; "
        "without Redis nobody is limited)",
        default=True,
    )
    auth_limit_per_address: str = setting(
        "AUTH_LIMIT_PER_ADDRESS",
        parsers.rate_limit,
        "attempts per IP address and action, default `20 per minute; 200 per hour`",
        default="20 per minute; 200 per hour",
    )
    proxy_hops: int = setting(
        "PROXY_HOPS",
        parsers.non_negative_int,
        "how many reverse proxies in front set `X-Forwarded-For` (default 0): set it behind a load "
        "balancer, or every client shares the proxy's address limits",
        default=0,
    )
    auth_limit_per_account: str = setting(
        "AUTH_LIMIT_PER_ACCOUNT",
        parsers.rate_limit,
        "refused sign-ins per account, default `5 per minute; 20 per hour`: over it, even the right password waits",
        default="5 per minute; 20 per hour",
    )
    rate_limit_prefix: str = setting(
        "RATE_LIMIT_PREFIX",
        str,
        "the prefix of the rate limits' counters in Redis, default `fieldtasks-limits` (deployments sharing one Redis "
        "keep apart with their own)",
        default="fieldtasks-limits",
    )
    console_cookie_secure: bool = setting(
        "CONSOLE_COOKIE_SECURE",
        parsers.boolean,
        "`true` (default): the console's and the app's session cookie is sent over HTTPS only; `make run` sets `false` "
        "(plain HTTP on 127.0.0.1)",
        default=True,
    )
    metrics_token: str | None = setting(
        "METRICS_TOKEN",
        parsers.metrics_token,
        "the bearer token a Prometheus scraper sends to `/metrics` (at least 24 characters); unset, `/metrics` is off",
        default=None,
    )
    checkin_max_fix_age_s: int = setting(
        "CHECKIN_MAX_FIX_AGE_S",
        parsers.positive_int,
        "how soon after it was taken a check-in's fix must reach the server, default 180",
        default=180,
    )
    password_hash_profile: str = setting(
        "PASSWORD_HASH_PROFILE",
        parsers.password_hash_profile,
        "`strong` (default, argon2id) or `fast` (tests only)",
        default="strong",
    )
    payout_minimum_cents: int = setting(
        "PAYOUT_MINIMUM_CENTS",
        parsers.positive_int,
        "smallest withdrawal, default 1000",
        default=1000,
    )
    extraction_timeout_s: int = setting(
        "EXTRACTION_TIMEOUT_S",
        parsers.positive_int,
        "a photo job running longer is killed and its photo read again, default 120",
        default=120,
    )
    sweep_interval_s: int = setting(
        "SWEEP_INTERVAL_S",
        parsers.positive_int,
        "how often each worker's sweeper looks for lost jobs and overdue reviews, default 60",
        default=60,
    )
    sweep_grace_s: int = setting(
        "SWEEP_GRACE_S",
        parsers.positive_int,
        "a photo queued longer than this without being read may have lost its job, default 60",
        default=60,
    )
    photo_link_minutes: int = setting(
        "PHOTO_LINK_MINUTES",
        parsers.positive_int,
        "how long a photo link from the client feed, the moderation API and the console works, default 60 "
        "(the service's own signed link on a folder, a SigV4 presigned URL of the bucket on S3)",
        default=60,
    )
    photo_processes: int = setting(
        "PHOTO_PROCESSES",
        parsers.non_negative_int,
        "child processes per API process that decode, hash and re-encode uploaded photos, default 2 (they "
        "also bound how many are decoded at once); `0` does it in the request's thread, which then holds "
        "up the process's other requests",
        default=2,
    )
    webhook_allow_private: bool = setting(
        "WEBHOOK_ALLOW_PRIVATE",
        parsers.boolean,
        "`true` lets webhooks target private or loopback addresses (default `false`)",
        default=False,
    )
    moderator_daily_cap: int = setting(
        "MODERATOR_DAILY_CAP",
        parsers.positive_int,
        "cases one moderator may decide in a day, default 200",
        default=200,
    )
    appeal_decision_hours: int = setting(
        "APPEAL_DECISION_HOURS",
        parsers.positive_int,
        "an appeal nobody decided by then is paid, default 72; also the time a client's price dispute is "
        "due (a dispute is never settled by default: the worker was paid already)",
        default=72,
    )
    map_tile_url: str = setting(
        "MAP_TILE_URL",
        parsers.tile_url,
        "the web-map tiles of the workers' app and the clients' portal, `https://host/{z}/{x}/{y}.png`; default "
        "OpenStreetMap's (`https://tile.openstreetmap.org/{z}/{x}/{y}.png`; heavy use needs your own server); "
        "`off`: no map, the list of places (with their distances) only",
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    )
    work_record_signing_key: bytes | None = setting(
        "WORK_RECORD_SIGNING_KEY",
        parsers.ed25519_seed,
        "32 bytes, base64: the Ed25519 key that signs work records; by default derived from `SECRET_KEY` "
        "(set it so records stay verifiable when `SECRET_KEY` changes)",
        default=None,
    )
    min_hourly_wage_cents: dict[str, int] = setting(
        "MIN_HOURLY_WAGE_CENTS",
        parsers.wages,
        "the minimum hourly rate per currency, `EUR:1202,NOK:16000`; default `EUR:1202` (France's gross "
        "SMIC on 1 January 2026); pays reading briefs",
        factory=lambda: {"EUR": 1202},
    )


class Variable(NamedTuple):
    """A variable that is not one Config field's own."""

    name: str
    required: str
    doc: str
    parse: Callable[[str], Any] | None = None


# A second way to give storage_url: a folder (STORAGE_URL wins when both are set).
STORAGE_DIR = Variable(
    "STORAGE_DIR",
    "(see above)",
    "a folder for photos, the same as `STORAGE_URL=file:///that/folder`; `make run`'s default is `var/storage`",
    parsers.storage_dir,
)
# Read by boto3 itself, not by load_config: in the README's table for whoever configures a bucket.
BOTO3_VARIABLES = Variable(
    "AWS_ENDPOINT_URL`, `AWS_DEFAULT_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY",
    "with `s3://`",
    "the S3 server and its credentials, as boto3 reads them (or any other way boto3 finds them: "
    "profiles, instance roles); leave the endpoint unset for AWS itself. Clients open presigned links "
    "on that endpoint: it must be reachable from where the feed is read",
)


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Read and check every variable; raise one ConfigError that names all the bad ones."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    declared = [(f.name, f.metadata) for f in dataclasses.fields(Config)]
    folder_variable = {"env": STORAGE_DIR.name, "parse": STORAGE_DIR.parse, "required": "no"}
    for attribute, meta in [*declared, ("storage_dir", folder_variable)]:
        raw = environ.get(meta["env"], "").strip()
        if not raw:
            if meta["required"] == "yes":
                problems[meta["env"]] = "is missing"
            continue
        try:
            values[attribute] = meta["parse"](raw)
        except ValueError as error:
            problems[meta["env"]] = str(error)
    folder = values.pop("storage_dir", None)
    values.setdefault("storage_url", folder)
    if values["storage_url"] is None and "STORAGE_URL" not in problems:
        problems["STORAGE_URL"] = "is missing (or set STORAGE_DIR to a folder)"
    if problems:
        raise ConfigError(problems)
    return Config(**values)


def markdown_table() -> str:
    """The README's configuration table, from the declarations above (tests/test_config.py holds them equal)."""
    rows = [(f.metadata["env"], f.metadata["required"], f.metadata["doc"]) for f in dataclasses.fields(Config)]
    rows[3:3] = [STORAGE_DIR[:3], BOTO3_VARIABLES[:3]]  # after STORAGE_URL
    lines = ["| variable | required | meaning |", "|---|---|---|"]
    lines += [f"| `{name}` | {required} | {doc} |" for name, required, doc in rows]
    return "\n".join(lines)
