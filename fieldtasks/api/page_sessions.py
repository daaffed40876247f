"""What the service's server-rendered pages share (the moderators' console, the workers' app): the access token
kept in the signed, HttpOnly session cookie (never in the browser's storage), a CSRF token per session, a nonce per
page for the page's own scripts, and headers that keep every other script and frame out."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from markupsafe import Markup
from marshmallow import ValidationError, validate
from werkzeug.wrappers import Response

from fieldtasks.api.access import ACCESS_ATTRIBUTE
from fieldtasks.api.blueprint import UNCLEAN_TEXT, clean_text
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.errors import status_of
from fieldtasks.api.languages import CONSOLE_LANGUAGE
from fieldtasks.errors import AuthenticationError, DomainError, TooManyRequestsError
from fieldtasks.i18n import N_, localized
from fieldtasks.models import Role
from fieldtasks.security import AccessClaims
from fieldtasks.services import accounts
from fieldtasks.services.accounts import TokenPair


def signed_in_page(role: Role, sign_in_endpoint: str, wrong_role: str) -> Callable[[Callable], Callable]:
    """Signed in with `role` (a token in the session cookie), or back to the sign-in page; a POST must carry the
    session's CSRF token. The view gets the access claims first."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            claims = _session_claims()
            if claims is None:
                return redirect(url_for(sign_in_endpoint))
            if claims.role != role:
                session.clear()
                flash(localized(wrong_role))
                return redirect(url_for(sign_in_endpoint))
            if request.method == "POST" and request.form.get("csrf") != session.get("csrf"):
                abort(400)
            if request.method == "POST" and not clean_text(request.form.values()):
                abort(400, description=localized(UNCLEAN_TEXT))
            return view(claims, *args, **kwargs)

        setattr(wrapper, ACCESS_ATTRIBUTE, frozenset({role}))
        return wrapper

    return decorate


def _session_claims() -> AccessClaims | None:
    """The session's access claims; an expired access token is renewed with the session's refresh token (a
    worker in a shop stays signed in for the refresh token's life, not the access token's minutes)."""
    res = resources()
    try:
        return res.access_tokens.decode(session.get("token", ""), now=res.clock())
    except AuthenticationError:
        pass
    if not session.get("refresh"):
        return None
    try:
        with unit_of_work() as db:
            tokens = accounts.refresh_tokens(db, refresh_token=session["refresh"], credentials=res.credentials())
    except AuthenticationError:
        return None  # the cookie is left as it is: a request renewing at the same moment may have set a new one
    session["token"], session["refresh"] = tokens.access_token, tokens.refresh_token
    return res.access_tokens.decode(tokens.access_token, now=res.clock())


def refusals_back_to(endpoint: str, *carried: str) -> Callable[[Callable], Callable]:
    """A form the service refuses goes back to the page `endpoint` (built with the view's `carried` arguments),
    saying why in the refusal's own words: a page to read, never the API's JSON."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            try:
                return view(*args, **kwargs)
            except DomainError as refused:
                flash(localized(refused.message))
                return redirect(url_for(endpoint, **{name: kwargs[name] for name in carried}))

        return wrapper

    return decorate


def protect(blueprint: Blueprint, images: Callable[[], str] | None = None) -> None:
    """A nonce for each page's own scripts, and the headers: only those scripts, in no one else's frame; images
    from the service, and from the origin `images()` names (a map's tile server)."""

    @blueprint.before_request
    def csp_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @blueprint.after_request
    def security_headers(response: Response) -> Response:
        img_src = " ".join(filter(None, ["'self' data:", images() if images else ""]))
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'nonce-{g.get('csp_nonce', '')}'; style-src 'self' 'unsafe-inline'; "
            f"img-src {img_src}; worker-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
            "object-src 'none'"
        )
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response


def login_csrf() -> str:
    """The sign-in form's own CSRF token (no session yet): a sign-in posted from elsewhere is refused."""
    return session.setdefault("login_csrf", secrets.token_urlsafe(16))


def login_form_refusal(template: str) -> tuple[str, int, dict[str, str]] | None:
    """A sign-in or sign-up form posted from elsewhere is refused (login CSRF); one whose text cannot be stored comes
    back, saying so. None when the form may be read."""
    if not session.get("login_csrf") or request.form.get("csrf") != session["login_csrf"]:
        abort(400)
    if not clean_text(request.form.values()):
        flash(localized(UNCLEAN_TEXT))
        return render_template(template, login_csrf=session["login_csrf"]), 400, {}
    return None


def sign_in_from_form(template: str, limit_key: str) -> TokenPair | tuple[str, int, dict[str, str]]:
    """The sign-in form posted: the tokens, or the form again with what went wrong (and its status)."""
    if refused := login_form_refusal(template):
        return refused
    res = resources()
    try:
        res.auth_limits.check_address(limit_key, request.remote_addr)
        with res.auth_limits.account(request.form.get("email", "")), unit_of_work() as db:
            return accounts.sign_in(
                db, email=request.form.get("email", ""), password=request.form.get("password", ""),
                passwords=res.passwords, credentials=res.credentials(),
            )  # fmt: skip
    except TooManyRequestsError as error:
        flash(localized(error.message))
        return render_template(template, login_csrf=session["login_csrf"]), 429, {"Retry-After": str(error.retry_after)}
    except DomainError as error:
        flash(localized(error.message))
        return render_template(template, login_csrf=session["login_csrf"]), 401, {}


def sign_in_page(template: str, limit_key: str, home_endpoint: str):
    """The sign-in page: its form, or the form posted: the home page once signed in, else the form saying why."""
    if request.method == "GET":
        return render_template(template, login_csrf=login_csrf())
    signed_in = sign_in_from_form(template, limit_key)
    if not isinstance(signed_in, TokenPair):
        return signed_in
    start_session(signed_in)
    return redirect(url_for(home_endpoint))


def sign_up_page(template: str, role: Role, home_endpoint: str, **account: str | None):
    """The sign-up page: its form, or the form posted: a new account (`account` adds what the role needs, e.g. a
    client's organization), signed in at once and sent home; else the form again saying why."""
    if request.method == "GET":
        return render_template(template, login_csrf=login_csrf())
    if refused := login_form_refusal(template):
        return refused
    res, form = resources(), request.form
    try:
        validate.Email()(form.get("email", ""))
        res.auth_limits.check_address("register", request.remote_addr)
        with unit_of_work() as db:
            _, tokens = accounts.sign_up(
                db, email=form.get("email", ""), password=form.get("password", ""),
                display_name=form.get("display_name", "").strip(), role=role, passwords=res.passwords,
                credentials=res.credentials(), **account,
            )  # fmt: skip
    except ValidationError:
        flash(localized(N_("Not a valid email address.")))
        return render_template(template, login_csrf=session["login_csrf"]), 422, {}
    except DomainError as refused:
        flash(localized(refused.message))
        return render_template(template, login_csrf=session["login_csrf"]), status_of(refused), {}
    start_session(tokens)
    return redirect(url_for(home_endpoint))


def language_switch(code: str, languages: tuple[tuple[str, str], ...], prefix: str, home_endpoint: str) -> Response:
    """A page's language switch: the choice kept in the session, then back to the page it was made on (one of
    ours under `prefix`, never another site)."""
    if code not in dict(languages):
        abort(404)
    session[CONSOLE_LANGUAGE] = code
    back = request.args.get("next", "")
    return redirect(back if is_own_path(back, prefix) else url_for(home_endpoint))


def start_session(tokens: TokenPair) -> None:
    """A new session (nothing of the one before it survives) holding the access token and a fresh CSRF token."""
    session.clear()
    session["token"], session["refresh"] = tokens.access_token, tokens.refresh_token
    session["csrf"] = secrets.token_urlsafe(16)


def end_session(sign_in_endpoint: str) -> Response:
    """The sign-out form posted: the session ends, its refresh token revoked, back to the sign-in page (a form from
    another site is refused)."""
    if request.form.get("csrf") != session.get("csrf"):
        abort(400)
    if refresh := session.get("refresh"):  # a copy of the cookie renews nothing after this
        with unit_of_work() as db:
            accounts.sign_out(db, refresh_token=refresh, now=resources().clock())
    session.clear()
    return redirect(url_for(sign_in_endpoint))


def page_time(moment: datetime | str | None, seconds: bool = False) -> Markup:
    """A time in a page: UTC in the HTML, shown in the reader's own zone by the page's script (the console's and the
    portal's)."""
    if moment is None:
        return Markup("")
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    utc = moment.astimezone(UTC)
    shown = utc.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    kind = "seconds" if seconds else "minutes"
    return Markup('<time datetime="{}" data-precision="{}">{} UTC</time>').format(utc.isoformat(), kind, shown)


def is_own_path(path: str, prefix: str) -> bool:
    """A path to come back to after a language switch: one of ours, never another site (`//host`)."""
    return path.startswith(prefix) and not path.startswith("//")
