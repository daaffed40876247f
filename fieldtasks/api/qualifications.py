"""Qualifications: list them, practise (paid, every attempt), earn them."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from fieldtasks.api.access import current_caller, roles
from fieldtasks.api.blueprint import BINARY_BODY, Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.pages import PageQuerySchema, as_page, page_args, page_of
from fieldtasks.api.qualification_schemas import AnswersSchema, AttemptSchema, QualificationSchema
from fieldtasks.models import Role
from fieldtasks.services import qualifications

blp = Blueprint("qualifications", __name__, description="Qualifications, earned through paid practice.")


def wages():
    return resources().config.min_hourly_wage_cents


@blp.route("/qualifications")
class Qualifications(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_of(QualificationSchema))
    def get(self, query):
        """Qualifications campaigns may require, what practising pays, and the ones I earned; a page at a time"""
        with unit_of_work() as session:
            offered, cursor = qualifications.list_qualifications(
                session, current_caller().user_id, wages=wages(), **page_args(query)
            )
        return as_page(offered, cursor)


@blp.route("/qualifications/<string:code>/attempts")
class Attempts(MethodView):
    @roles(Role.WORKER)
    @blp.response(201, AttemptSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, code):
        """Start a practice set (my unfinished one, if any): its questions are at .../questions/{index}"""
        with unit_of_work() as session:
            worker = current_caller().user_id
            return qualifications.start_attempt(session, worker, code, wages=wages(), now=resources().clock())


@blp.route("/qualifications/attempts/<uuid:attempt_id>/questions/<int:index>")
class Question(MethodView):
    @roles(Role.WORKER)
    @blp.response(200, BINARY_BODY, content_type="image/jpeg", description="A shelf label: what is its price?")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, attempt_id, index):
        """One practice question: a photographed shelf label"""
        with unit_of_work() as session:
            image = qualifications.question_image(session, current_caller().user_id, attempt_id, index)
        return Response(image, mimetype="image/jpeg")


@blp.route("/qualifications/attempts/<uuid:attempt_id>/answers")
class Answers(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(AnswersSchema)
    @blp.response(200, AttemptSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, body, attempt_id):
        """Answer the set (a price in cents per question): graded, paid whatever the result, earned on a pass"""
        with unit_of_work() as session:
            return qualifications.answer_attempt(
                session, current_caller().user_id, attempt_id, body["answers"], wages=wages(), now=resources().clock()
            )
