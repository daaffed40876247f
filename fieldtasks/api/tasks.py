"""Tasks, as a worker's phone drives them: find, claim, check in, photograph, submit."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import jsonify
from flask.views import MethodView

from fieldtasks.api.access import current_caller, roles
from fieldtasks.api.blueprint import Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.pages import as_page, page_args, page_of
from fieldtasks.api.schemas import IdempotencyKeySchema
from fieldtasks.api.task_schemas import (
    BriefSchema,
    CheckinInSchema,
    CheckinSchema,
    ClaimInSchema,
    ClaimSchema,
    ItemSchema,
    MyTasksQuerySchema,
    NearbyQuerySchema,
    PhotoFormSchema,
    PhotoSchema,
    PickupSchema,
    SubmissionSchema,
    TaskCardSchema,
    TaskDetailSchema,
    card_json,
)
from fieldtasks.jobs.extraction import enqueue_after_commit
from fieldtasks.jobs.webhooks import deliver_after_commit
from fieldtasks.models import Role
from fieldtasks.services import briefs, fieldwork, nearby, photos, scooters, tasks, track_records

blp = Blueprint("tasks", __name__, description="Field work, for workers.")


def worker_id():
    return current_caller().user_id


def cards_page(session, rows: list, cursor: str | None) -> dict:
    wage = resources().config.min_hourly_wage_cents
    return as_page(with_client_records(session, [card_json(row, wage) for row in rows]), cursor)


def with_client_records(session, cards: list[dict]) -> list[dict]:
    """Each card with its client's track record in short (computed by the platform, the same for everyone)."""
    res = resources()
    clients = {uuid.UUID(card["client_id"]) for card in cards}
    records = track_records.records_for(session, clients, now=res.clock(), wages=res.config.min_hourly_wage_cents)
    for card in cards:
        card["client_record"] = track_records.card_summary(records[uuid.UUID(card["client_id"])])
    return cards


@blp.route("/tasks/nearby")
class Nearby(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(NearbyQuerySchema, location="query")
    @blp.response(200, page_of(TaskCardSchema))
    def get(self, query):
        """Tasks I could claim now, nearest first (within a page; each page beyond the one before)"""
        with unit_of_work() as session:
            rows, cursor = nearby.find_nearby_tasks(
                session, **{"kind": None, "cursor": None, **query}, now=resources().clock(), worker_id=worker_id()
            )
            return jsonify(cards_page(session, rows, cursor))


@blp.route("/tasks/<uuid:task_id>")
class TaskById(MethodView):
    @roles(Role.WORKER)
    @blp.response(200, TaskDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, task_id):
        """A task I hold, or could claim: its place, client, purpose, reward and items"""
        with unit_of_work() as session:
            view = tasks.get_task(session, task_id, worker_id(), now=resources().clock())
            [card] = with_client_records(session, [card_json(view.card, resources().config.min_hourly_wage_cents)])
        items = ItemSchema(many=True).dump(view.items)
        detail = {**card, "instructions": view.card["instructions"], "items": items}
        return jsonify({**detail, "scooter": view.scooter})


@blp.route("/tasks/<uuid:task_id>/claim")
class TaskClaim(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(ClaimInSchema)
    @blp.response(200, ClaimSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409, response="CONFLICT", description="`task_taken`, `claim_limit`, `task_unavailable` or `too_far`"
    )
    def post(self, position, task_id):
        """Claim a task near me for its claim_minutes (claiming one I hold returns the same claim)"""
        res = resources()
        near = tasks.Nearness(position["lat"], position["lon"], res.config.claim_max_distance_km * 1000)
        with unit_of_work() as session:
            return tasks.claim_task(
                session, task_id, worker_id(), near, now=res.clock(), claim_limit=res.config.claim_limit
            )

    @roles(Role.WORKER)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, task_id):
        """Give a task back, without penalty"""
        with unit_of_work() as session:
            tasks.release_task(session, task_id, worker_id(), now=resources().clock())


@blp.route("/tasks/<uuid:task_id>/checkin")
class TaskCheckin(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(CheckinInSchema)
    @blp.response(201, CheckinSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`not_claimed` or `claim_expired`")
    @blp.alt_response(
        422,
        response="UNPROCESSABLE_ENTITY",
        description=(
            "`outside_geofence`, `inaccurate_fix`, `mock_location`, `stale_fix` (taken more than "
            "CHECKIN_MAX_FIX_AGE_S before it arrived), `fix_before_claim`, `implausible_speed`, "
            "`outside_release_window` or `future_fix`. `errors` holds the numbers behind a refusal: distance_m, "
            "allowed_m and accuracy_m always, fix_age_s and max_fix_age_s for a stale fix, speed_kmh and "
            "max_speed_kmh for an implausible speed"
        ),
        example={
            "code": "stale_fix",
            "message": "This position was taken 26 h ago; check in with a fresh one (at most 3 min old), connected.",
            "errors": {
                "distance_m": 12.4,
                "allowed_m": 115.0,
                "accuracy_m": 8.0,
                "fix_age_s": 93600,
                "max_fix_age_s": 180,
            },
        },
    )
    def post(self, fix, task_id):
        """Check in on site (a picked-up scooter: at a deploy spot); refusals are 422 with their code"""
        res = resources()
        max_fix_age = timedelta(seconds=res.config.checkin_max_fix_age_s)
        with unit_of_work() as session:
            return fieldwork.check_in(
                session, task_id, worker_id(), fieldwork.Fix(**fix), now=res.clock(), max_fix_age=max_fix_age
            )


@blp.route("/tasks/<uuid:task_id>/photos")
class TaskPhotos(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(IdempotencyKeySchema, location="headers")
    @blp.arguments(PhotoFormSchema, location="multipart")
    @blp.response(201, PhotoSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409, response="CONFLICT", description="`not_claimed`, `claim_expired` or `not_checked_in` (check in first)"
    )
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(
        503,
        response="SERVICE_UNAVAILABLE",
        description="`backend_unavailable`: the photo could not be stored now; send it again with the same key",
    )
    @blp.alt_response(
        422,
        response="UNPROCESSABLE_ENTITY",
        description="`validation_error`, `idempotency_mismatch` (the key was used for another upload), "
        "`price_not_expected` (a typed price on a photo that takes none), `absence_not_expected` (`absent=true` "
        "outside a shelf-price item), `shelf_photo` (a placement photo names no product) or an unreadable image",
        example={
            "code": "absence_not_expected",
            "message": "Only a shelf-price task's product (give its gtin) can be reported missing with a photo.",
            "errors": {"absent": ["Only a shelf-price task's product (give its gtin) can be reported missing with a "
                                  "photo."]},
        },
    )  # fmt: skip
    def post(self, headers, form, task_id):
        """Upload a photo of an item; retry with the same Idempotency-Key to get the same photo back"""
        res = resources()
        upload = photos.Upload(
            task_id=task_id,
            worker_id=worker_id(),
            idempotency_key=headers["idempotency_key"],
            data=form["file"].read(),
            gtin=form.get("gtin"),
            vehicle_code=form.get("vehicle_code"),
            taken_at=form.get("taken_at"),
            sensitive=form["sensitive"],
            absent=form["absent"],
            price_cents=form.get("price_cents"),
            unit_price_cents=form.get("unit_price_cents"),
        )
        return photos.upload_photo(res.database, res.storage, res.photo_processes, upload, now=res.clock()), 201


@blp.route("/tasks/<uuid:task_id>/pickup")
class TaskPickup(MethodView):
    @roles(Role.WORKER)
    @blp.response(200, PickupSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`not_checked_in`, `missing_photo`, `wrong_kind`")
    def post(self, task_id):
        """Scooters: I have the vehicle (checked in at it, its code photographed); the claim runs to the drop-off"""
        res = resources()
        with unit_of_work() as session:
            pickup = scooters.pick_up(session, task_id, worker_id(), now=res.clock())
        enqueue_after_commit(res.redis, pickup.extractions, timeout_s=res.config.extraction_timeout_s)
        return pickup


@blp.route("/tasks/<uuid:task_id>/items/<uuid:item_id>/not-found")
class ItemNotFound(MethodView):
    @roles(Role.WORKER)
    @blp.response(200, ItemSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`not_claimed`, `task_submitted` or `claim_expired`")
    def post(self, task_id, item_id):
        """The product is not on the shelf, reported without a photo: not paid (`absence_unproven`) unless a photo
        of its empty place is sent too (`POST /tasks/{id}/photos` with `absent=true`, which reports it by itself)"""
        with unit_of_work() as session:
            return fieldwork.mark_not_found(session, task_id, item_id, worker_id(), now=resources().clock())


@blp.route("/tasks/<uuid:task_id>/submit")
class TaskSubmit(MethodView):
    @roles(Role.WORKER)
    @blp.response(202, SubmissionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`not_checked_in`, `items_incomplete`, `claim_expired`")
    def post(self, task_id):
        """Hand the task in; photos are read in the background (submitting twice is harmless)"""
        res = resources()
        with unit_of_work() as session:
            submission = fieldwork.submit_task(
                session, task_id, worker_id(), now=res.clock(), wages=res.config.min_hourly_wage_cents
            )
        enqueue_after_commit(res.redis, submission.extractions, timeout_s=res.config.extraction_timeout_s)
        deliver_after_commit(res.redis, submission.deliveries)
        return submission


@blp.route("/campaigns/<uuid:campaign_id>/brief")
class CampaignBrief(MethodView):
    @roles(Role.WORKER)
    @blp.response(200, BriefSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, campaign_id):
        """A campaign's instructions; reading them is paid (reading_minutes at the minimum hourly rate) with my
        first task of it submitted after"""
        res = resources()
        with unit_of_work() as session:
            wages = res.config.min_hourly_wage_cents
            return briefs.open_brief(session, campaign_id, worker_id(), wages=wages, now=res.clock())


@blp.route("/me/tasks")
class MyTasks(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(MyTasksQuerySchema, location="query")
    @blp.response(200, page_of(TaskCardSchema))
    def get(self, query):
        """Tasks I hold or handed in, newest claim first"""
        with unit_of_work() as session:
            rows, cursor = tasks.my_tasks_page(
                session, worker_id(), query.get("status"), now=resources().clock(), **page_args(query)
            )
            return jsonify(cards_page(session, rows, cursor))
