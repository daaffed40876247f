"""Command-line tools: `flask --app fieldtasks users create | ledger check | jobs sweep | work-record verify |
fairness floor | storage check | storage copy`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import click
from flask import Flask
from flask.cli import AppGroup

from fieldtasks.api.context import resources
from fieldtasks.errors import DomainError
from fieldtasks.jobs.maintenance import run_sweep, sweep_forever
from fieldtasks.models import Role
from fieldtasks.services import accounts, floor, ledger_check, photo_storage
from fieldtasks.storage import StorageUnavailableError, storage_from_url

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--role", type=click.Choice([str(Role.ADMIN), str(Role.MODERATOR)]), required=True)
@click.option("--email", required=True)
@click.option("--name", "display_name", help="Display name (default: the part of the email before @).")
@click.password_option(envvar="FIELDTASKS_PASSWORD", help="Prompted for when not given (or FIELDTASKS_PASSWORD).")
def create_user(role: str, email: str, display_name: str | None, password: str) -> None:
    """Create an admin or a moderator."""
    res = resources()
    try:
        with res.database.unit_of_work() as session:
            user = accounts.create_staff_user(
                session,
                email=email,
                password=password,
                display_name=display_name or email.split("@")[0],
                role=role,
                passwords=res.passwords,
            )
    except DomainError as error:
        raise click.ClickException(f"{error.code}: {error.message}") from None
    click.echo(f"created {user.role} {user.email} ({user.id})")


ledger_cli = AppGroup("ledger", help="Inspect the money.")
jobs_cli = AppGroup("jobs", help="Background work.")


@ledger_cli.command("check")
def check_ledger() -> None:
    """Balances equal their entries, transactions balance, every paid verdict paid exactly once."""
    with resources().database.unit_of_work() as session:
        findings = ledger_check.check_ledger(session)
    for finding in findings:
        click.echo(f"MISMATCH {finding}")
    if findings:
        raise click.ClickException(f"{len(findings)} finding(s): the ledger is not consistent")
    click.echo("ledger consistent: every balance equals its entries, every paid item paid exactly once")


@jobs_cli.command("sweep")
@click.option("--forever", is_flag=True, help="Sweep every SWEEP_INTERVAL_S until stopped (the sweeper service).")
def sweep(forever: bool) -> None:
    """Enqueue extraction jobs Redis lost, give up on photos that failed too often, pay overdue reviews."""
    res = resources()
    if forever:  # for workers started with --no-sweep (deploy/fieldtasks-sweeper.service)
        click.echo(f"sweeping every {res.config.sweep_interval_s} s", err=True)
        sweep_forever(res, res.config.sweep_interval_s)
        return
    report = run_sweep(res)
    click.echo(
        f"requeued {report.requeued} extraction(s), gave up on {report.given_up}, "
        f"approved {report.approved_by_deadline} overdue item(s)"
    )


record_cli = AppGroup("work-record", help="Work records.")


@record_cli.command("verify")
@click.argument("path", type=click.File("rb"))
def verify_record(path) -> None:
    """Check a work record (the JSON of GET /me/work-record): exits non-zero unless signed here and unchanged."""
    try:
        document = json.loads(path.read())
    except (ValueError, UnicodeDecodeError) as error:
        raise click.ClickException(f"not JSON: {error}") from None
    signer = resources().record_signer
    problem = signer.verify(document)
    if problem:
        raise click.ClickException(f"NOT VALID: {problem}")
    worker = document["record"].get("worker", {})
    click.echo(f"valid: the record of {worker.get('display_name')} issued {document['record'].get('issued_at')}, "
               f"signed with key {signer.key_id}")  # fmt: skip


fairness_cli = AppGroup("fairness", help="Fair-work rules.")


@fairness_cli.command("floor")
@click.option("--week", "day", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Any day of the week (UTC).")
def settle_floor(day) -> None:
    """Settle a week's hourly floor now (the sweep does it 7 days after each week ends); once per week."""
    res = resources()
    monday = floor.week_start(day.date())
    with res.database.unit_of_work() as session:
        settled = floor.settle_week(session, monday, wages=res.config.min_hourly_wage_cents, now=res.clock())
        click.echo(
            f"week of {monday}: {settled.workers_topped_up} worker(s) topped up, {settled.topped_up_cents} cents "
            f"(settled {settled.settled_at:%Y-%m-%d %H:%M})"
        )


storage_cli = AppGroup("storage", help="Photo storage.")
SHOWN = 20  # lines of a list printed before "and N more"


def _progress(label: str, total: int | None = None) -> Callable[[int], None]:
    """A callback that prints how far the work went, every two seconds at most, on stderr."""
    done, shown = 0, time.monotonic()

    def advance(count: int) -> None:
        nonlocal done, shown
        done += count
        if time.monotonic() - shown >= 2 or done == total:
            shown = time.monotonic()
            click.echo(f"{label}: {done:,}" + (f" of {total:,}" if total else ""), err=True)

    return advance


def _listed(title: str, lines: list[str]) -> None:
    for line in lines[:SHOWN]:
        click.echo(f"{title} {line}")
    if len(lines) > SHOWN:
        click.echo(f"... and {len(lines) - SHOWN:,} more")


@storage_cli.command("check")
@click.option("--repair", is_flag=True, help="Make the blurred copies that sensitive photos stored before them lack.")
def check_storage(repair: bool) -> None:
    """Every photo row has its objects (exits non-zero if one is missing); objects no photo names are listed."""
    res = resources()
    total = photo_storage.count_photos(res.database)
    try:
        report = photo_storage.check_storage(
            res.database, res.storage, repair=repair, progress=_progress("photos checked", total)
        )
    except StorageUnavailableError as error:
        raise click.ClickException(f"the storage is unreachable: {error}") from None
    _listed("MISSING", report.missing)
    _listed("ORPHAN", report.orphans)
    click.echo(
        f"checked {report.photos:,} photo(s) and {report.objects:,} object(s): {len(report.missing):,} missing, "
        f"{len(report.orphans):,} orphan(s) (an upload refused after its bytes were stored leaves one; harmless), "
        f"{report.blurred_made:,} blurred copy(ies) made, {report.blurred_missing:,} still to make (--repair)"
    )
    if report.missing:
        raise click.ClickException(f"{len(report.missing):,} object(s) missing: those photos cannot be shown")


@storage_cli.command("copy")
@click.option("--from", "source_url", required=True, help="Where the photos are now: file:///var/lib/... or s3://...")
def copy_storage(source_url: str) -> None:
    """Copy every photo into the configured storage (STORAGE_URL); run it again after an interruption to go on."""
    try:
        source = storage_from_url(source_url)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--from") from None
    try:
        report = photo_storage.copy_storage(source, resources().storage, progress=_progress("objects seen"))
    except StorageUnavailableError as error:
        raise click.ClickException(f"stopped, a storage is unreachable ({error}); run again to go on") from None
    _listed("FAILED", report.failed)
    click.echo(f"copied {report.copied:,} object(s); {report.present:,} were already there; "
               f"{len(report.failed):,} failed")  # fmt: skip
    if report.failed:
        raise click.ClickException("some objects were not copied; run again to retry them")


def init_cli(app: Flask) -> None:
    for group in (users_cli, ledger_cli, jobs_cli, record_cli, fairness_cli, storage_cli):
        app.cli.add_command(group)
