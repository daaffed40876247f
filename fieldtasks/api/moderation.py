"""Moderators settle what the machine could not verify; workers appeal a rejection."""

from __future__ import annotations

from datetime import timedelta

from flask import Response
from flask.views import MethodView

from fieldtasks.api.access import current_caller, roles
from fieldtasks.api.blueprint import Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.feeds import photo_url
from fieldtasks.api.moderation_schemas import (
    AppealedSchema,
    AppealSchema,
    CaseDetailSchema,
    CaseQuerySchema,
    CaseSummarySchema,
    DecidedSchema,
    DecisionSchema,
)
from fieldtasks.api.pages import as_page, page_args, page_of
from fieldtasks.jobs.webhooks import deliver_after_commit
from fieldtasks.models import Role
from fieldtasks.services import case_views, moderation

blp = Blueprint("moderation", __name__, description="Review cases, decisions and appeals.")


def detail(session, case_id):
    found = case_views.case_detail(session, case_id, now=resources().clock())
    for photo in [*found["photos"], *found["copies"]]:
        # A photo reported sensitive is shown blurred; the moderator opens `reveal_url` by choice.
        photo["url"] = photo_url(photo["id"], photo["sha256"], "blurred" if photo["sensitive"] else "clean")
        photo["reveal_url"] = photo_url(photo["id"], photo["sha256"]) if photo["sensitive"] else None
    return found


@blp.route("/moderation/cases")
class Cases(MethodView):
    @roles(Role.MODERATOR)
    @blp.arguments(CaseQuerySchema, location="query")
    @blp.response(200, page_of(CaseSummarySchema))
    def get(self, query):
        """Open cases, oldest first (filter by reason, campaign, client, age), a page at a time"""
        hours = query.get("older_than_hours")
        where = case_views.CaseFilter(
            reason=query.get("reason"),
            campaign_id=query.get("campaign"),
            older_than=timedelta(hours=hours) if hours is not None else None,
            client_id=query.get("client"),
        )
        with unit_of_work() as session:
            cases, cursor = case_views.list_cases(session, where, now=resources().clock(), **page_args(query))
        return as_page(cases, cursor)


@blp.route("/moderation/cases/next")
class NextCase(MethodView):
    @roles(Role.MODERATOR)
    @blp.response(200, CaseDetailSchema)
    @blp.alt_response(204, description="No case is waiting")
    @blp.alt_response(409, response="CONFLICT", description="`daily_cap_reached`")
    def post(self):
        """Take the oldest open case nobody holds (mine for 15 minutes), or the one I hold"""
        res = resources()
        with unit_of_work() as session:
            case_id = moderation.next_case(
                session, current_caller().user_id, now=res.clock(), daily_cap=res.config.moderator_daily_cap
            )
            if case_id is None:
                return Response(status=204)
            return detail(session, case_id)


@blp.route("/moderation/cases/<uuid:case_id>")
class CaseById(MethodView):
    @roles(Role.MODERATOR)
    @blp.response(200, CaseDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, case_id):
        """A case: photos and what was read on them, what was expected, check-ins, reasons, history"""
        with unit_of_work() as session:
            return detail(session, case_id)


@blp.route("/moderation/cases/<uuid:case_id>/release")
class CaseRelease(MethodView):
    @roles(Role.MODERATOR)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, case_id):
        """Give a case I hold back to the queue, undecided (a case another moderator holds is left alone)"""
        with unit_of_work() as session:
            moderation.release_case(session, case_id, current_caller().user_id)


@blp.route("/moderation/cases/<uuid:case_id>/decision")
class CaseDecision(MethodView):
    @roles(Role.MODERATOR)
    @blp.arguments(DecisionSchema)
    @blp.response(200, DecidedSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`case_closed`, `held_by_other` or `own_decision`")
    @blp.alt_response(
        422,
        response="UNPROCESSABLE_ENTITY",
        description="`rejection_unexplained`, `correction_without_approval`, `unknown_gtin`, `presence_required`, "
        "`proof_photo_required` (several photos could prove the price: name one), `unknown_photo` or "
        "`correction_not_applicable` (an item reported missing: approving confirms the absence, no price)",
        example={
            "code": "proof_photo_required",
            "message": "Several photos could prove this price: say which one shows the product and its price.",
            "errors": {"photo_id": ["Several photos could prove this price: say which one shows the product and "
                                    "its price."]},
        },
    )  # fmt: skip
    def post(self, decision, case_id):
        """Approve (optionally correcting price or GTIN), reject with a reason, or settle as no fault: final"""
        res = resources()
        with unit_of_work() as session:
            decided = moderation.decide(
                session, case_id, current_caller().user_id, moderation.Decision(**decision), now=res.clock()
            )
        deliver_after_commit(res.redis, decided.deliveries)
        return decided.case


@blp.route("/items/<uuid:item_id>/appeal")
class Appeal(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(AppealSchema)
    @blp.response(201, AppealedSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`not_rejected`, `appeal_window_closed`, `case_open`")
    def post(self, data, item_id):
        """Appeal a rejection of my work within 7 days; another moderator decides, or it is paid"""
        res = resources()
        hours = res.config.appeal_decision_hours
        with unit_of_work() as session:
            case_id = moderation.appeal(
                session, item_id, current_caller().user_id, data["comment"], now=res.clock(), decision_hours=hours
            )
        return {"case_id": case_id, "due_at": res.clock() + timedelta(hours=hours)}
