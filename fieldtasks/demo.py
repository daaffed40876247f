"""Demo data for `make run`: `python -m fieldtasks.demo` creates sign-in accounts, once.

Running it again changes nothing. Later features (campaigns, tasks) add their demo data here.
"""

from __future__ import annotations

import sys

from fieldtasks.config import ConfigError, load_config
from fieldtasks.errors import ConflictError
from fieldtasks.resources import Resources, build_resources
from fieldtasks.services import accounts

DEMO_PASSWORD = "fieldtasks-demo"
DEMO_ORGANIZATION = "Démo Supermarchés"
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


def seed(res: Resources) -> None:
    created = 0
    for index, (email, name, role) in enumerate(DEMO_ACCOUNTS, start=1):
        is_new = _create(res, email, name, role)
        created += is_new
        print(f"[{index}/{len(DEMO_ACCOUNTS)}] {role:<9} {email} {'created' if is_new else 'already there'}")
    print(f"Demo data: {created} account(s) created, {len(DEMO_ACCOUNTS) - created} already there.")
    print(f"Sign in at POST /auth/token with any of the emails above and the password {DEMO_PASSWORD!r}.")


def main() -> int:
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
