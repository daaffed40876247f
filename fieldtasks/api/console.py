"""The moderators' console at /console: server-rendered pages over the same services as the API."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from fieldtasks.api import typed
from fieldtasks.api.access import public
from fieldtasks.api.console_words import SUGGESTED_REJECTION, kind_words, reason_words
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.errors import status_of
from fieldtasks.api.feeds import photo_url
from fieldtasks.api.page_sessions import (
    end_session,
    language_switch,
    page_time,
    protect,
    sign_in_page,
    signed_in_page,
)
from fieldtasks.errors import DomainError
from fieldtasks.i18n import N_, localized
from fieldtasks.jobs.webhooks import deliver_after_commit
from fieldtasks.models import REJECT_REASONS, CaseOutcome, Presence, Role
from fieldtasks.services import case_views, moderation

blp = Blueprint("console", __name__, url_prefix="/console", template_folder="../templates")
LANGUAGES = (("fr", "Français"), ("en", "English"))  # the console's switch
QUEUE_PAGE = 200  # cases a queue page lists, the oldest first
SKIPPED_KEPT = 50  # cases a moderator skipped, not offered again in this session


@blp.context_processor
def page_helpers() -> dict[str, Any]:
    return {"when": page_time, "words": reason_words, "kind": kind_words, "languages": LANGUAGES}


moderator_page = signed_in_page(Role.MODERATOR, "console.sign_in", N_("The console is for moderators."))
protect(blp, images=lambda: resources().storage.link_origin() or "")  # a bucket's presigned photo links


@blp.errorhandler(DomainError)
def domain_error(error: DomainError):
    """A console error is a page a moderator reads, not the API's JSON."""
    status = status_of(error)
    return _error_page(status, N_("Not possible") if status != 404 else N_("Not found"), error.message)


@blp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return _error_page(error.code or 500, error.name, error.description or "")


def _error_page(status: int, title: str, message: str):
    page = render_template(
        "console/error.html", title=localized(title), message=localized(message), csrf=session.get("csrf", "")
    )
    return page, status


@blp.get("/language/<code>")
@public
def language(code: str):
    """The console's language switch: kept in the session, then back to the page it was chosen on."""
    return language_switch(code, LANGUAGES, "/console", "console.queue")


@blp.route("/login", methods=["GET", "POST"])
@public
def sign_in():
    return sign_in_page("console/login.html", "console", "console.queue")


@blp.post("/logout")
@public
def sign_out():
    return end_session("console.sign_in")


@blp.get("")
@moderator_page
def queue(claims):
    chosen = {name: request.args.get(name, "") for name in ("reason", "campaign", "client")}
    with unit_of_work() as db:
        where, now, cursor = _queue_filter(chosen), resources().clock(), request.args.get("cursor") or None
        cases, next_page = case_views.list_cases(db, where, now=now, cursor=cursor, limit=QUEUE_PAGE)
        choices = case_views.queue_choices(db)
    filters = [
        ("reason", N_("Reason"), choices["reasons"]),
        ("campaign", N_("Campaign"), choices["campaigns"]),
        ("client", N_("Client"), choices["clients"]),
    ]
    return render_template(
        "console/queue.html", cases=cases, counts=case_views.reason_counts(cases), csrf=session["csrf"],
        filters=filters, chosen=chosen, next_page=next_page, later=cursor is not None,
    )  # fmt: skip


def _queue_filter(chosen: dict[str, str]) -> case_views.CaseFilter:
    try:
        return case_views.CaseFilter(
            reason=chosen["reason"] or None,
            campaign_id=uuid.UUID(chosen["campaign"]) if chosen["campaign"] else None,
            client_id=uuid.UUID(chosen["client"]) if chosen["client"] else None,
        )
    except ValueError:
        abort(400)


@blp.post("/next")
@moderator_page
def take_next(claims):
    return _next_case(claims)


def _next_case(claims):
    """The case this moderator holds, or the oldest one free (not one they skipped): its page, or the queue."""
    res = resources()
    skipped = [uuid.UUID(value) for value in session.get("skipped", [])]
    try:
        with unit_of_work() as db:
            case_id = moderation.next_case(
                db, claims.user_id, now=res.clock(), daily_cap=res.config.moderator_daily_cap, skipping=skipped
            )
    except DomainError as error:
        flash(localized(error.message))
        return redirect(url_for("console.queue"))
    if case_id is None:
        waiting = (
            N_("No other case is waiting; the ones you skipped are listed.") if skipped else N_("No case is waiting.")
        )
        flash(localized(waiting))
        session.pop("skipped", None)
        return redirect(url_for("console.queue"))
    return redirect(url_for("console.case", case_id=case_id))


@blp.post("/cases/<uuid:case_id>/skip")
@moderator_page
def skip(claims, case_id):
    """Leave this case to another moderator for now, and go on to the next one."""
    with unit_of_work() as db:
        moderation.release_case(db, case_id, claims.user_id)
    session["skipped"] = [*session.get("skipped", []), str(case_id)][-SKIPPED_KEPT:]
    return _next_case(claims)


@blp.post("/cases/<uuid:case_id>/release")
@moderator_page
def release(claims, case_id):
    with unit_of_work() as db:
        moderation.release_case(db, case_id, claims.user_id)
    flash(localized(N_("Case released: back in the queue for anyone.")))
    return redirect(url_for("console.queue"))


@blp.get("/cases/<uuid:case_id>")
@moderator_page
def case(claims, case_id):
    now = resources().clock()
    with unit_of_work() as db:
        mine = moderation.hold_case(db, case_id, claims.user_id, now=now)  # opened by its address too
        found = case_views.case_detail(db, case_id, now=now)
    reveal = request.args.get("reveal") == "1"
    for photo in [*found["photos"], *found["copies"]]:
        view = "blurred" if photo["sensitive"] and not reveal else "clean"
        photo["url"] = photo_url(photo["id"], photo["sha256"], view)
    return render_template(
        "console/case.html", case=found, reject_reasons=_rejections_for(found["reasons"]), csrf=session["csrf"],
        revealed=reveal, mine=mine,
    )  # fmt: skip


def _rejections_for(reasons: list[dict[str, str]]) -> list[str]:
    """Every rejection reason, the one the case's reasons most often end in first."""
    codes = [reason["code"] for reason in reasons]
    suggested = next((SUGGESTED_REJECTION[code] for code in codes if code in SUGGESTED_REJECTION), None)
    return sorted(REJECT_REASONS, key=lambda reason: reason != suggested)


@blp.post("/cases/<uuid:case_id>/decision")
@moderator_page
def decide(claims, case_id):
    try:
        price_cents = typed.price_cents(request.form.get("price", ""))
    except ValueError:  # the one field a moderator types freely
        flash(localized(N_("Write the price as 3,49 or 3.49.")))
        return redirect(url_for("console.case", case_id=case_id))
    try:
        with unit_of_work() as db:
            decided = moderation.decide(
                db, case_id, claims.user_id, _decision(request.form, price_cents), now=resources().clock()
            )
    except DomainError as error:
        flash(localized(error.message))
        return redirect(url_for("console.case", case_id=case_id))
    deliver_after_commit(resources().redis, decided.deliveries)
    flash(localized(N_("Decision recorded.")))
    return _next_case(claims)  # a working day is one case after another


def _decision(form, price_cents: int | None) -> moderation.Decision:
    """The case page's form as a decision; its buttons and hidden fields hold nothing else than this (400)."""
    try:
        presence = Presence(form["presence"]) if form.get("presence") else None
        return moderation.Decision(
            outcome=CaseOutcome(form.get("outcome", "")),
            price_cents=price_cents,
            presence=presence,
            photo_id=uuid.UUID(form["photo_id"]) if form.get("photo_id") else None,
            reject_reason=form.get("reject_reason") or None,
            explanation=form.get("explanation", "").strip() or None,
        )
    except ValueError:
        abort(400)
