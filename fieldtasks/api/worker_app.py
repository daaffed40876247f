"""The workers' app at /app: pages for a phone's browser over the same services as the API (sign in, tasks near
me, a task and its claim). Signed in like the console: the token stays in the session cookie, never in the
browser's storage. The photographing, offline queue and earnings pages come next (issue 23)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from fieldtasks.api.access import public
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.errors import DOMAIN_STATUS
from fieldtasks.api.page_sessions import login_csrf, protect, sign_in_from_form, signed_in_page, start_session
from fieldtasks.api.task_schemas import card_json
from fieldtasks.errors import DomainError
from fieldtasks.geo import is_valid_coordinate
from fieldtasks.i18n import N_, localized
from fieldtasks.models import Role
from fieldtasks.services import nearby, tasks
from fieldtasks.services.accounts import TokenPair

blp = Blueprint("app", __name__, url_prefix="/app", template_folder="../templates")
NEARBY_RADIUS_M = 10_000  # how far the list looks around the phone
NEARBY_SHOWN = 30

worker_page = signed_in_page(Role.WORKER, "app.sign_in", N_("This app is for workers."))
protect(blp)


@blp.context_processor
def page_helpers() -> dict[str, Any]:
    return {"money": _money, "csrf": session.get("csrf")}


def _money(cents: int | None, currency: str) -> str:
    return "" if cents is None else f"{cents / 100:.2f} {currency}"


@blp.errorhandler(DomainError)
def domain_error(error: DomainError):
    """A refusal is a page the worker reads, in words, never the API's JSON."""
    status = next(status for kind, status in DOMAIN_STATUS.items() if isinstance(error, kind))
    return render_template("app/error.html", message=localized(error.message)), status


@blp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return render_template("app/error.html", message=error.description or error.name), error.code or 500


@blp.route("/login", methods=["GET", "POST"])
@public
def sign_in():
    if request.method == "GET":
        return render_template("app/login.html", login_csrf=login_csrf())
    signed_in = sign_in_from_form("app/login.html", "app")
    if not isinstance(signed_in, TokenPair):
        return signed_in  # the form again, saying why
    start_session(signed_in)
    return redirect(url_for("app.near_me"))


@blp.post("/logout")
@public
def sign_out():
    if request.form.get("csrf") != session.get("csrf"):
        abort(400)  # signing someone out from another site
    session.clear()
    return redirect(url_for("app.sign_in"))


@blp.get("")
@worker_page
def near_me(claims):
    """Tasks near the phone, nearest first: the page asks the browser where it is, then lists them."""
    position = _position(request.args)
    cards = []
    if position is not None:
        res = resources()
        with unit_of_work() as db:
            rows, _ = nearby.find_nearby_tasks(
                db, lat=position[0], lon=position[1], radius_m=NEARBY_RADIUS_M, kind=None, limit=NEARBY_SHOWN,
                now=res.clock(), worker_id=claims.user_id,
            )  # fmt: skip
        cards = [card_json(row, res.config.min_hourly_wage_cents) for row in rows]
    return render_template("app/near_me.html", cards=cards, position=position)


@blp.get("/tasks/<uuid:task_id>")
@worker_page
def task(claims, task_id: uuid.UUID):
    res = resources()
    with unit_of_work() as db:
        view = tasks.get_task(db, task_id, claims.user_id, now=res.clock())
    card = card_json(view.card, res.config.min_hourly_wage_cents)
    mine = view.card["claimed_by_id"] == claims.user_id and card["status"] == "claimed"
    return render_template(
        "app/task.html", card=card, items=view.items, instructions=view.card["instructions"], mine=mine,
        position=_position(request.args),
    )  # fmt: skip


@blp.post("/tasks/<uuid:task_id>/claim")
@worker_page
def claim(claims, task_id: uuid.UUID):
    """Claim from where the phone is (the page sends the browser's position with the form)."""
    position = _position(request.form)
    if position is None:
        flash(localized(N_("Your phone did not give its position: allow it, then claim again.")))
        return redirect(url_for("app.task", task_id=task_id))
    res = resources()
    near = tasks.Nearness(position[0], position[1], res.config.claim_max_distance_km * 1000)
    with unit_of_work() as db:
        tasks.claim_task(db, task_id, claims.user_id, near, now=res.clock(), claim_limit=res.config.claim_limit)
    flash(localized(N_("The task is yours: go to the place and check in there.")))
    return redirect(url_for("app.task", task_id=task_id))


def _position(values) -> tuple[float, float] | None:
    """(lat, lon) from a query or form, when both are there and on Earth; None otherwise."""
    try:
        lat, lon = float(values.get("lat", "")), float(values.get("lon", ""))
    except ValueError:
        return None
    return (lat, lon) if is_valid_coordinate(lat, lon) else None
