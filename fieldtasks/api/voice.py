"""A say for workers: ratings of tasks (read by workers beside the task and by the client), questions on a brief
(answered by the client for every worker), hidden sources."""

from __future__ import annotations

from flask.views import MethodView

from fieldtasks.api.access import current_caller, roles
from fieldtasks.api.blueprint import Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.pages import PageQuerySchema, as_page, page_args, page_of
from fieldtasks.api.voice_schemas import (
    AnswerInSchema,
    CampaignRatingsSchema,
    ClientRecordSchema,
    HiddenSchema,
    HideSchema,
    QuestionInSchema,
    QuestionSchema,
    RatingInSchema,
    RatingSchema,
)
from fieldtasks.errors import NotFoundError
from fieldtasks.models import Role
from fieldtasks.services import questions, track_records, voice

blp = Blueprint(
    "voice", __name__, description="Workers' ratings, their questions on briefs, and the tasks they choose not to see."
)


@blp.route("/tasks/<uuid:task_id>/rating")
class TaskRating(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(RatingInSchema)
    @blp.response(200, RatingSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`not_submitted`")
    def put(self, rating, task_id):
        """Rate a task I handed in: the instructions' clarity and the client, 1 to 5, and a comment (again: replaced)"""
        with unit_of_work() as session:
            return voice.rate_task(session, task_id, current_caller().user_id, **rating, now=resources().clock())


@blp.route("/campaigns/<uuid:campaign_id>/ratings")
class CampaignRatings(MethodView):
    @roles(Role.CLIENT)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, CampaignRatingsSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, campaign_id):
        """What workers said of my campaign: average ratings, and a page of their comments (anonymous)"""
        with unit_of_work() as session:
            return voice.campaign_ratings(session, current_caller().organization_id, campaign_id, **page_args(query))


@blp.route("/campaigns/<uuid:campaign_id>/questions")
class BriefQuestions(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(QuestionInSchema)
    @blp.response(201, QuestionSchema, description="Asked now")
    @blp.alt_response(200, schema=QuestionSchema, success=True, description="The same question, asked before")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409, response="CONFLICT", description="`brief_not_opened` (GET the brief first), `too_many_questions` (5 of "
        "mine wait for an answer here)",
    )  # fmt: skip
    def post(self, data, campaign_id):
        """Ask about a brief I opened; once the client answers, every worker reads the question and the answer under
        the brief (the client never learns who asked)"""
        caller = current_caller()
        with unit_of_work() as session:
            asked, new = questions.ask(session, campaign_id, caller.user_id, data["question"], now=resources().clock())
            return questions.view(asked, caller.user_id), 201 if new else 200

    @roles(Role.WORKER, Role.CLIENT)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_of(QuestionSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, campaign_id):
        """The questions on a brief, the latest first: a worker sees the answered ones and their own; the client
        (its campaign) every one, without who asked"""
        caller = current_caller()
        viewer = (
            {"worker_id": caller.user_id} if caller.role == Role.WORKER else {"organization_id": caller.organization_id}
        )
        with unit_of_work() as session:
            listed, cursor = questions.list_questions(session, campaign_id, **viewer, **page_args(query))
        return as_page(listed, cursor)


@blp.route("/campaigns/<uuid:campaign_id>/questions/<uuid:question_id>/answer")
class QuestionAnswer(MethodView):
    @roles(Role.CLIENT)
    @blp.arguments(AnswerInSchema)
    @blp.response(200, QuestionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`campaign_closed`")
    def put(self, data, campaign_id, question_id):
        """Answer a worker's question (again: the answer is replaced); every worker reads it under the brief, whose
        new version is paid again"""
        caller = current_caller()
        with unit_of_work() as session:
            answered = questions.answer(session, caller.organization_id, campaign_id, question_id, data["answer"],
                                        user_id=caller.user_id, now=resources().clock())  # fmt: skip
            return questions.view(answered, None)


@blp.route("/clients/<uuid:organization_id>/record")
class ClientRecord(MethodView):
    @roles(Role.WORKER, Role.CLIENT, Role.MODERATOR, Role.ADMIN)
    @blp.response(200, ClientRecordSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, organization_id):
        """A client's track record over 90 days, computed by the platform from its ledger and verdicts: hourly pay,
        rejections after appeals, appeals won by workers, time to money, floor top-ups, ratings, questions left
        unanswered. The same for every worker and for the client itself (another client: 404); nobody edits it"""
        res, caller = resources(), current_caller()
        if caller.role == Role.CLIENT and caller.organization_id != organization_id:
            raise NotFoundError("No such client.")  # workers judge clients; competitors do not read each other
        with unit_of_work() as session:
            return track_records.client_record(
                session, organization_id, now=res.clock(), wages=res.config.min_hourly_wage_cents
            )


@blp.route("/me/hidden")
class Hidden(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_of(HiddenSchema))
    def get(self, query):
        """Clients and campaigns whose tasks I chose not to see, the latest first, a page at a time"""
        with unit_of_work() as session:
            hidden, cursor = voice.hidden_sources(session, current_caller().user_id, **page_args(query))
        return as_page(hidden, cursor)

    @roles(Role.WORKER)
    @blp.arguments(HideSchema)
    @blp.response(201, HiddenSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, hide):
        """Stop seeing a client's tasks (client_id) or a campaign's (campaign_id); no effect on my standing"""
        with unit_of_work() as session:
            return voice.hide_source(session, current_caller().user_id, **hide, now=resources().clock())


@blp.route("/me/hidden/<uuid:hide_id>")
class HiddenById(MethodView):
    @roles(Role.WORKER)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, hide_id):
        """See those tasks again"""
        with unit_of_work() as session:
            voice.unhide(session, current_caller().user_id, hide_id)
