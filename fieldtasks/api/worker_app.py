"""The workers' app at /app: pages for a phone's browser over the same services as the API (sign up and in, tasks
near me with a small map, a task: claim, check in, photograph each label with the price read on it, hand in, see
each verdict; a scooter: check in at it, photograph its code, pick it up, put it back at a deploy spot). Signed in
like the console: the token stays in the session cookie, never in the browser's storage. Money and voice are in
worker_app_money, the PWA's files in worker_app_pwa."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from fieldtasks.api import typed
from fieldtasks.api.access import public
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.errors import status_of
from fieldtasks.api.page_sessions import (
    end_session,
    protect,
    refusals_back_to,
    sign_in_page,
    sign_up_page,
    signed_in_page,
)
from fieldtasks.api.task_schemas import ItemSchema, card_json
from fieldtasks.api.tasks import with_client_records
from fieldtasks.api.tile_map import tile_map, tile_origin
from fieldtasks.api.typed import money
from fieldtasks.errors import DomainError, NotFoundError
from fieldtasks.geo import is_valid_coordinate
from fieldtasks.i18n import N_, localized
from fieldtasks.jobs.extraction import enqueue_after_commit
from fieldtasks.jobs.webhooks import deliver_after_commit
from fieldtasks.models import CampaignKind, Role, Task, Verdict
from fieldtasks.services import briefs, fieldwork, nearby, photos, questions, scooters, tasks

blp = Blueprint("app", __name__, url_prefix="/app", template_folder="../templates")
NEARBY_RADIUS_M = 10_000  # how far the list looks around the phone
NEARBY_SHOWN = 30

worker_page = signed_in_page(Role.WORKER, "app.sign_in", N_("This app is for workers."))


protect(blp, images=lambda: tile_origin(resources().config.map_tile_url))


@blp.context_processor
def page_helpers() -> dict[str, Any]:
    return {
        "money": money, "local_time": _local_time, "csrf": session.get("csrf"),
        "verdict_words": {verdict: localized(sentence) for verdict, sentence in VERDICT_WORDS.items()},
        "pickup_words": {reading: localized(sentence) for reading, sentence in PICKUP_WORDS.items()},
    }  # fmt: skip


VERDICT_WORDS = {
    Verdict.VERIFIED: N_("Verified: paid."),
    Verdict.APPROVED: N_("Approved by a moderator: paid."),
    Verdict.NO_FAULT: N_("Not verifiable, not your fault: paid."),
    Verdict.NEEDS_REVIEW: N_("A moderator checks it; paid by default if nobody decides in time."),
    Verdict.REJECTED: N_("Not paid."),
    tasks.UNDER_APPEAL: N_("Your appeal is with another moderator."),
}


PICKUP_WORDS = {  # what the pickup photo showed (deploy_spots.scooter_view's pickup_code)
    "reading": N_("Its code is being read from your photo."),
    "matches": N_("Your photo shows this vehicle's code."),
    "no_match": N_("Your photo does not show this vehicle's code: a moderator will check the drop-off."),
}


def _local_time(moment: str | None, zone: str) -> str:
    """An RFC 3339 moment as the place's clock shows it (a deploy spot's window is in its own time zone)."""
    return "" if moment is None else f"{datetime.fromisoformat(moment).astimezone(ZoneInfo(zone)):%d/%m %H:%M}"


@blp.errorhandler(DomainError)
def domain_error(error: DomainError):
    """A refusal is a page the worker reads, in words, never the API's JSON."""
    return render_template("app/error.html", message=localized(error.message)), status_of(error)


@blp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return render_template("app/error.html", message=error.description or error.name), error.code or 500


# A step of a task (check in, a photo, hand in...) that the service refuses goes back to the task's page.
refusals_on_the_task_page = refusals_back_to("app.task", "task_id")


def back_to_task(task_id: uuid.UUID, message: str):
    """To the task's page, saying what happened (a refusal, in its own words)."""
    flash(localized(message))
    return redirect(url_for("app.task", task_id=task_id))


@blp.route("/login", methods=["GET", "POST"])
@public
def sign_in():
    return sign_in_page("app/login.html", "app", "app.near_me")


@blp.route("/signup", methods=["GET", "POST"])
@public
def sign_up():
    """A worker's account, signed in at once (clients sign up in the portal)."""
    return sign_up_page("app/signup.html", Role.WORKER, "app.near_me")


@blp.post("/logout")
@public
def sign_out():
    return end_session("app.sign_in")


@blp.get("")
@worker_page
def near_me(claims):
    """Tasks near the phone, nearest first: the page asks the browser where it is, then lists them."""
    position, res = _position(request.args), resources()
    if position is None:
        return render_template("app/near_me.html", cards=[], position=None, map=None)
    with unit_of_work() as db:
        rows, _ = nearby.find_nearby_tasks(
            db, lat=position[0], lon=position[1], radius_m=NEARBY_RADIUS_M, kind=None, limit=NEARBY_SHOWN,
            now=res.clock(), worker_id=claims.user_id,
        )  # fmt: skip
        cards = with_client_records(db, [card_json(row, res.config.min_hourly_wage_cents) for row in rows])
    places = [(card["place"]["lat"], card["place"]["lon"]) for card in cards]
    shown = tile_map(res.config.map_tile_url, position, places) if res.config.map_tile_url else None
    return render_template("app/near_me.html", cards=cards, position=position, map=shown)


@blp.get("/tasks/<uuid:task_id>")
@worker_page
def task(claims, task_id: uuid.UUID):
    res = resources()
    with unit_of_work() as db:
        view = tasks.get_task(db, task_id, claims.user_id, now=res.clock())
        brief = _brief_opened(db, view.card["campaign_id"], claims.user_id)
        [card] = with_client_records(db, [card_json(view.card, res.config.min_hourly_wage_cents)])
    mine = view.card["claimed_by_id"] == claims.user_id
    return render_template(
        "app/task.html", card=card, items=ItemSchema(many=True).dump(view.items), mine=mine,
        instructions=view.card["instructions"], checked_in=mine and view.card["checked_in_at"] is not None,
        position=_position(request.args), new_key=lambda: str(uuid.uuid4()), scooter=view.scooter, brief=brief,
    )  # fmt: skip


def _brief_opened(db, campaign_id: uuid.UUID, worker_id: uuid.UUID) -> dict | None:
    """The task's page shows the brief (and the answered questions on it): its reading is recorded, to be paid with
    the worker's next task handed in. None for a campaign no longer on offer (nothing new to read)."""
    res = resources()
    try:
        return briefs.open_brief(db, campaign_id, worker_id, wages=res.config.min_hourly_wage_cents, now=res.clock())
    except NotFoundError:
        return None


@blp.post("/tasks/<uuid:task_id>/questions")
@worker_page
@refusals_on_the_task_page
def ask(claims, task_id: uuid.UUID):
    """A question on the task's brief, for its client to answer for every worker."""
    question = request.form.get("question", "").strip()
    if not 3 <= len(question) <= 1000:
        return back_to_task(task_id, N_("Write the question in 3 to 1000 characters."))
    res = resources()
    with unit_of_work() as db:
        campaign_id = tasks.get_task(db, task_id, claims.user_id, now=res.clock()).card["campaign_id"]
        questions.ask(db, campaign_id, claims.user_id, question, now=res.clock())
    return back_to_task(task_id, N_("Question sent: its answer will show here, for every worker."))


@blp.post("/tasks/<uuid:task_id>/claim")
@worker_page
def claim(claims, task_id: uuid.UUID):
    """Claim from where the phone is (the page sends the browser's position with the form)."""
    position = _position(request.form)
    if position is None:
        return back_to_task(task_id, N_("Your phone did not give its position: allow it, then claim again."))
    res = resources()
    near = tasks.Nearness(position[0], position[1], res.config.claim_max_distance_km * 1000)
    with unit_of_work() as db:
        tasks.claim_task(db, task_id, claims.user_id, near, now=res.clock(), claim_limit=res.config.claim_limit)
    return back_to_task(task_id, N_("The task is yours: go to the place and check in there."))


@blp.post("/tasks/<uuid:task_id>/checkin")
@worker_page
@refusals_on_the_task_page
def check_in(claims, task_id: uuid.UUID):
    """Check in with the fix the page took from the browser (position, accuracy, when): a refusal says why."""
    res = resources()
    try:
        fix = fieldwork.Fix(
            lat=float(request.form["lat"]), lon=float(request.form["lon"]),
            accuracy_m=float(request.form["accuracy_m"]), is_mock=False,
            recorded_at=_moment(request.form["recorded_at"]),
        )  # fmt: skip
    except (KeyError, ValueError):
        return back_to_task(task_id, N_("Your phone did not give its position: allow it, then check in again."))
    max_fix_age = timedelta(seconds=res.config.checkin_max_fix_age_s)
    with unit_of_work() as db:  # too far, too vague, too old: the refusal's sentence says it, with the figures
        checkin = fieldwork.check_in(db, task_id, claims.user_id, fix, now=res.clock(), max_fix_age=max_fix_age)
        kind = db.get(Task, task_id).kind
    return back_to_task(task_id, _NEXT_AFTER_CHECKIN[kind, checkin.deploy_spot_id is not None])


_NEXT_AFTER_CHECKIN = {
    (CampaignKind.SHELF_PRICE, False): N_("Checked in: photograph each product's label."),
    (CampaignKind.PRODUCT_PLACEMENT, False): N_("Checked in: photograph the whole shelf."),
    (CampaignKind.SCOOTER_RECHARGE, False): N_("Checked in at the vehicle: photograph its code, then pick it up."),
    (CampaignKind.SCOOTER_RECHARGE, True): N_("Checked in at the deploy spot: photograph the vehicle's code there, "
                                              "then hand the task in."),
}  # fmt: skip


@blp.post("/tasks/<uuid:task_id>/photos")
@worker_page
@refusals_on_the_task_page
def photo(claims, task_id: uuid.UUID):
    """One label's photo and the price read on it (or the empty place of a missing product). The form carries its
    own idempotency key: sending it again, by hand or from the phone's queue, never makes a second photo."""
    res, form, file = resources(), request.form, request.files.get("file")
    key = request.headers.get("Idempotency-Key") or form.get("key")  # the outbox sends it as a header too
    if file is None or not key:
        return back_to_task(task_id, N_("Take the photo first."))
    try:
        typed_cents = typed.price_cents(form.get("price", ""))
    except ValueError:
        return back_to_task(task_id, N_("Write the price as 3,49 or 3.49."))
    upload = photos.Upload(
        task_id=task_id, worker_id=claims.user_id, idempotency_key=key, data=file.read(),
        gtin=form.get("gtin") or None, vehicle_code=form.get("vehicle_code") or None, taken_at=None,
        absent=form.get("absent") == "1",
        price_cents=typed_cents,
    )  # fmt: skip
    photos.upload_photo(res.database, res.storage, res.photo_processes, upload, now=res.clock())
    return back_to_task(task_id, N_("Photo received."))


@blp.post("/tasks/<uuid:task_id>/pickup")
@worker_page
@refusals_on_the_task_page
def pick_up(claims, task_id: uuid.UUID):
    """A scooter: I have the vehicle (checked in at it, its code photographed); its code is read at once."""
    res = resources()
    with unit_of_work() as db:
        pickup = scooters.pick_up(db, task_id, claims.user_id, now=res.clock())
    enqueue_after_commit(res.redis, pickup.extractions, timeout_s=res.config.extraction_timeout_s)
    return back_to_task(task_id, N_("Picked up: charge it, then put it back at a deploy spot during its window."))


@blp.post("/tasks/<uuid:task_id>/submit")
@worker_page
@refusals_on_the_task_page
def submit(claims, task_id: uuid.UUID):
    res = resources()
    with unit_of_work() as db:
        submission = fieldwork.submit_task(
            db, task_id, claims.user_id, now=res.clock(), wages=res.config.min_hourly_wage_cents
        )
    enqueue_after_commit(res.redis, submission.extractions, timeout_s=res.config.extraction_timeout_s)
    deliver_after_commit(res.redis, submission.deliveries)
    return back_to_task(task_id, N_("Handed in: each product's verdict shows here once its photo is read."))


def _moment(raw: str) -> datetime:
    """The browser's ISO time of a fix; one without its zone is refused (its moment is unknown)."""
    moment = datetime.fromisoformat(raw)
    if moment.utcoffset() is None:
        raise ValueError(raw)
    return moment


def _position(values) -> tuple[float, float] | None:
    """(lat, lon) from a query or form, when both are there and on Earth; None otherwise."""
    try:
        lat, lon = float(values.get("lat", "")), float(values.get("lon", ""))
    except ValueError:
        return None
    return (lat, lon) if is_valid_coordinate(lat, lon) else None
