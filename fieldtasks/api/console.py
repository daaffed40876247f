"""The moderators' console at /console: server-rendered pages over the same services as the API."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from fieldtasks.api.access import ACCESS_ATTRIBUTE, public
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.errors import DOMAIN_STATUS
from fieldtasks.api.feeds import photo_url
from fieldtasks.errors import AuthenticationError, DomainError
from fieldtasks.models import REJECT_REASONS, Role
from fieldtasks.services import accounts, moderation

blp = Blueprint("console", __name__, url_prefix="/console", template_folder="../templates")


def moderator_page(view: Callable) -> Callable:
    """Signed in as a moderator (a token in the session cookie), or back to the sign-in page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        res = resources()
        try:
            claims = res.access_tokens.decode(session.get("token", ""), now=res.clock())
        except AuthenticationError:
            return redirect(url_for("console.sign_in"))
        if claims.role != Role.MODERATOR:
            session.clear()
            flash("The console is for moderators.")
            return redirect(url_for("console.sign_in"))
        if request.method == "POST" and request.form.get("csrf") != session.get("csrf"):
            abort(400)
        return view(claims, *args, **kwargs)

    setattr(wrapper, ACCESS_ATTRIBUTE, frozenset({Role.MODERATOR}))
    return wrapper


@blp.errorhandler(DomainError)
def domain_error(error: DomainError):
    """A console error is a page a moderator reads, not the API's JSON."""
    status = next(status for kind, status in DOMAIN_STATUS.items() if isinstance(error, kind))
    return _error_page(status, "Not possible" if status != 404 else "Not found", error.message)


@blp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return _error_page(error.code or 500, error.name, error.description or "")


def _error_page(status: int, title: str, message: str):
    return render_template("console/error.html", title=title, message=message, csrf=session.get("csrf", "")), status


@blp.route("/login", methods=["GET", "POST"])
@public
def sign_in():
    if request.method == "GET":
        return render_template("console/login.html")
    res = resources()
    try:
        with unit_of_work() as db:
            tokens = accounts.sign_in(
                db, email=request.form.get("email", ""), password=request.form.get("password", ""),
                passwords=res.passwords, credentials=res.credentials(),
            )  # fmt: skip
    except DomainError as error:
        flash(error.message)
        return render_template("console/login.html"), 401
    session.clear()
    session["token"], session["csrf"] = tokens.access_token, secrets.token_urlsafe(16)
    return redirect(url_for("console.queue"))


@blp.post("/logout")
@public
def sign_out():
    session.clear()
    return redirect(url_for("console.sign_in"))


@blp.get("")
@moderator_page
def queue(claims):
    res = resources()
    with unit_of_work() as db:
        cases = moderation.list_cases(db, moderation.CaseFilter(), now=res.clock(), limit=200)
    counts: dict[str, int] = {}
    for case in cases:
        for found in case["reasons"]:
            counts[found["code"]] = counts.get(found["code"], 0) + 1
    return render_template("console/queue.html", cases=cases, counts=sorted(counts.items()), csrf=session["csrf"])


@blp.post("/next")
@moderator_page
def take_next(claims):
    res = resources()
    try:
        with unit_of_work() as db:
            case_id = moderation.next_case(
                db, claims.user_id, now=res.clock(), daily_cap=res.config.moderator_daily_cap
            )
    except DomainError as error:
        flash(error.message)
        return redirect(url_for("console.queue"))
    if case_id is None:
        flash("No case is waiting.")
        return redirect(url_for("console.queue"))
    return redirect(url_for("console.case", case_id=case_id))


@blp.get("/cases/<uuid:case_id>")
@moderator_page
def case(claims, case_id):
    now = resources().clock()
    with unit_of_work() as db:
        mine = moderation.hold_case(db, case_id, claims.user_id, now=now)  # opened by its address too
        found = moderation.case_detail(db, case_id, now=now)
    reveal = request.args.get("reveal") == "1"
    for photo in found["photos"]:
        photo["url"] = photo_url(photo["id"], "blurred" if photo["sensitive"] and not reveal else "clean")
    return render_template(
        "console/case.html", case=found, reject_reasons=REJECT_REASONS, csrf=session["csrf"], revealed=reveal,
        mine=mine,
    )  # fmt: skip


@blp.post("/cases/<uuid:case_id>/decision")
@moderator_page
def decide(claims, case_id):
    form = request.form
    try:
        decision = moderation.Decision(
            outcome=form.get("outcome", ""),
            price_cents=_cents(form.get("price", "")),
            presence=form.get("presence") if form.get("presence") in ("present", "absent") else None,
            photo_id=uuid.UUID(form["photo_id"]) if form.get("photo_id") else None,
            reject_reason=form.get("reject_reason") or None,
            explanation=form.get("explanation", "").strip() or None,
        )
        if decision.outcome not in ("approve", "reject", "no_fault"):
            abort(400)
        with unit_of_work() as db:
            moderation.decide(db, case_id, claims.user_id, decision, now=resources().clock())
    except (DomainError, ValueError) as error:
        flash(getattr(error, "message", "Write the price as 3,49 or 3.49."))
        return redirect(url_for("console.case", case_id=case_id))
    flash("Decision recorded.")
    return redirect(url_for("console.queue"))


def _cents(raw: str) -> int | None:
    """A corrected price as a moderator types it: 3,49 or 3.49 (or empty)."""
    raw = raw.strip().replace(",", ".").replace("€", "").strip()
    if not raw:
        return None
    cents = round(float(raw) * 100)
    if not 0 < cents < 10_000_000:
        raise ValueError(raw)
    return cents
