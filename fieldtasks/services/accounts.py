"""Account use cases: sign-up, sign-in, token refresh, and staff accounts made by an admin."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from fieldtasks.errors import AuthenticationError, ConflictError, InvalidError
from fieldtasks.i18n import N_, Sentence
from fieldtasks.models import Organization, RefreshToken, Role, User
from fieldtasks.security import AccessTokens, Passwords, hash_opaque_token, new_opaque_token

SELF_SERVICE_ROLES = (Role.WORKER, Role.CLIENT)
MIN_PASSWORD_LENGTH = 10
MIN_GUESS_SCORE = 2  # zxcvbn's 0-4: 0 and 1 fall to an online attack within days
GUESS_CHECK_LENGTH = 72  # zxcvbn refuses longer input; beyond this, more characters only add strength
CONTEXT_WORDS = ("fieldtasks", "fieldtask", "moderator", "worker")
# A refresh token presented again this soon after its rotation is a race of its own client, not a theft.
ROTATION_GRACE = timedelta(seconds=30)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime
    token_type: str = "Bearer"


@dataclass(frozen=True)
class Credentials:
    """What issuing tokens needs: the token signer, the refresh lifetime and the time now."""

    tokens: AccessTokens
    refresh_ttl: timedelta
    now: datetime


def register_user(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    role: str,
    organization_name: str | None = None,
    invitation_code: str | None = None,
    passwords: Passwords,
) -> User:
    """Sign up a worker, or a client who creates an organization or joins one by invitation code."""
    if role not in SELF_SERVICE_ROLES:
        raise InvalidError("Only workers and clients can sign up.", errors={"role": ["Must be worker or client."]})
    organization = None
    if role == Role.CLIENT:
        organization = _client_organization(session, organization_name, invitation_code)
    elif organization_name or invitation_code:
        raise InvalidError(
            "Workers do not belong to an organization.",
            errors={"organization_name": ["Only for clients."], "invitation_code": ["Only for clients."]},
        )
    return _add_user(session, email, password, display_name, role, organization, passwords)


def sign_up(
    session: Session, *, passwords: Passwords, credentials: Credentials, **account: str | None
) -> tuple[User, TokenPair]:
    """Register (as register_user), signed in at once: the account and its first token pair (a phone does not
    send the password twice)."""
    user = register_user(session, **account, passwords=passwords)
    session.flush()  # the new user's id, for its refresh token
    return user, _issue_tokens(session, user, credentials)


def create_staff_user(
    session: Session, *, email: str, password: str, display_name: str, role: str, passwords: Passwords
) -> User:
    """An admin (or the CLI) creates a moderator or another admin."""
    if role not in (Role.MODERATOR, Role.ADMIN):
        raise InvalidError("Staff accounts are moderators or admins.", errors={"role": ["Must be moderator or admin."]})
    return _add_user(session, email, password, display_name, role, None, passwords)


def _client_organization(session: Session, name: str | None, invitation_code: str | None) -> Organization:
    if bool(name) == bool(invitation_code):
        message = N_("Give either organization_name (to create one) or invitation_code (to join one).")
        raise InvalidError(message, errors={"organization_name": [message], "invitation_code": [message]})
    if name:
        organization = Organization(name=name, invitation_code=secrets.token_urlsafe(12))
        session.add(organization)
        return organization
    organization = session.scalar(select(Organization).where(Organization.invitation_code == invitation_code))
    if organization is None:
        raise InvalidError("No organization has this invitation code.", errors={"invitation_code": ["Unknown code."]})
    return organization


def check_password(password: str, *, email: str, display_name: str | None = None) -> None:
    """NIST SP 800-63B: long enough, and not guessable: not a common password, a repeat or a sequence, nor
    made of the account's own email or name or the service's name (zxcvbn, its lists shipped in the wheel).
    No composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        message = Sentence("Use at least {length} characters.", length=MIN_PASSWORD_LENGTH)
        raise InvalidError(message, code="weak_password", errors={"password": [message]})
    context = [email, email.partition("@")[0], display_name or "", *CONTEXT_WORDS]
    guess = zxcvbn(password[:GUESS_CHECK_LENGTH], user_inputs=[word for word in context if word])
    if guess["score"] < MIN_GUESS_SCORE:
        hint = guess["feedback"]["warning"] or "it is close to your email, your name or a common password"
        message = Sentence(
            "This password is too easy to guess ({hint}); a few unrelated words are better.", hint=hint.rstrip(".")
        )
        raise InvalidError(message, code="weak_password", errors={"password": [message]})


def _add_user(
    session: Session,
    email: str,
    password: str,
    display_name: str,
    role: str,
    organization: Organization | None,
    passwords: Passwords,
) -> User:
    check_password(password, email=email, display_name=display_name)
    user = User(
        email=email.strip().lower(),
        password_hash=passwords.hash(password),
        display_name=display_name,
        role=role,
        organization=organization,
    )
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise ConflictError("An account with this email already exists.", code="email_taken") from None
    return user


def sign_in(
    session: Session, *, email: str, password: str, passwords: Passwords, credentials: Credentials
) -> TokenPair:
    """Exchange email and password for an access token and a refresh token."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if not passwords.verify(user.password_hash if user else None, password) or not user.is_active:
        raise AuthenticationError("Wrong email or password.", code="invalid_credentials")
    return _issue_tokens(session, user, credentials)


def refresh_tokens(session: Session, *, refresh_token: str, credentials: Credentials) -> TokenPair:
    """Rotate a refresh token: the presented one is revoked, and a new pair of the same family is issued.

    The revocation is a conditional UPDATE, so two concurrent refreshes with the same token cannot both
    succeed. A token already rotated, presented again, was stolen or copied: its whole family is revoked
    (OAuth 2.0 Security BCP), and everyone holding one of its tokens signs in again; unless it was rotated less
    than ROTATION_GRACE ago: two requests of one client renewing at once (two tabs, a page and its outbox) are
    refused, not punished, and the pair the first one got keeps working.
    """
    presented = hash_opaque_token(refresh_token)
    rotated = session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.token_hash == presented,
            RefreshToken.revoked_at.is_(None),
            RefreshToken.expires_at > credentials.now,
        )
        .values(revoked_at=credentials.now)
        .returning(RefreshToken.user_id, RefreshToken.family_id)
    ).one_or_none()
    if rotated is None:
        if not _rotated_moments_ago(session, presented, now=credentials.now):
            _revoke_family_of(session, presented, now=credentials.now)
        raise AuthenticationError(
            "The refresh token is not valid; sign in again.", code="invalid_refresh_token", keeps_changes=True
        )
    user = session.get(User, rotated.user_id)
    if not user.is_active:
        raise AuthenticationError("The refresh token is not valid; sign in again.", code="invalid_refresh_token")
    return _issue_tokens(session, user, credentials, family_id=rotated.family_id)


def _rotated_moments_ago(session: Session, token_hash: str, *, now: datetime) -> bool:
    recent = select(RefreshToken.id).where(
        RefreshToken.token_hash == token_hash, RefreshToken.revoked_at > now - ROTATION_GRACE
    )
    return session.scalar(recent) is not None


def sign_out(session: Session, *, refresh_token: str, now: datetime) -> None:
    """The sign-in that issued this refresh token ends: none of its tokens renews an access token any more (an
    unknown token changes nothing, and says nothing: RFC 7009)."""
    _revoke_family_of(session, hash_opaque_token(refresh_token), now=now)


def _revoke_family_of(session: Session, token_hash: str, *, now: datetime) -> None:
    """Every token of the token's family stops working (a rotated token presented again, or a sign-out). The token
    still live in a family is its newest: revoking the family of an expired one that was never rotated changes
    nothing."""
    family = select(RefreshToken.family_id).where(RefreshToken.token_hash == token_hash)
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id.in_(family.scalar_subquery()), RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def _issue_tokens(
    session: Session, user: User, credentials: Credentials, *, family_id: uuid.UUID | None = None
) -> TokenPair:
    refresh, refresh_hash = new_opaque_token()
    refresh_expires_at = credentials.now + credentials.refresh_ttl
    session.add(
        RefreshToken(
            user_id=user.id,
            token_hash=refresh_hash,
            family_id=family_id or uuid.uuid4(),
            expires_at=refresh_expires_at,
        )
    )
    access, access_expires_at = credentials.tokens.issue(
        user_id=user.id, role=user.role, organization_id=user.organization_id, now=credentials.now
    )
    return TokenPair(access, access_expires_at, refresh, refresh_expires_at)


def get_profile(session: Session, user_id: uuid.UUID) -> User:
    """The signed-in user's account; a deleted or disabled account no longer has one."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise AuthenticationError("This account no longer exists or was disabled.", code="account_disabled")
    return user
