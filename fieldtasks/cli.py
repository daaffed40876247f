"""`flask --app fieldtasks users create ...`: accounts made from the command line."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from fieldtasks.api.context import resources
from fieldtasks.errors import DomainError
from fieldtasks.models import Role
from fieldtasks.services import accounts

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


def init_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
