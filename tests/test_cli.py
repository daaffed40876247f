"""`flask users create` makes staff accounts that can sign in."""

from tests.helpers import PASSWORD, sign_in


def test_cli_creates_an_admin_who_can_sign_in(runner, client):
    args = ["users", "create", "--role", "admin", "--email", "Root@Example.org", "--password", PASSWORD]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "created admin root@example.org" in result.output
    assert (
        client.get(
            "/me", headers={"Authorization": f"Bearer {sign_in(client, 'root@example.org')['access_token']}"}
        ).json["role"]
        == "admin"
    )


def test_cli_refuses_a_taken_email_and_a_short_password(runner):
    args = ["users", "create", "--role", "moderator", "--email", "mo@example.org", "--password"]
    assert runner.invoke(args=[*args, PASSWORD]).exit_code == 0
    again = runner.invoke(args=[*args, PASSWORD])
    assert again.exit_code == 1
    assert "email_taken" in again.output
    short = runner.invoke(
        args=["users", "create", "--role", "admin", "--email", "x@example.org", "--password", "short"]
    )
    assert short.exit_code == 1
    assert "weak_password" in short.output
