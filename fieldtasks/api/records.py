"""Work records: a worker's signed history, the key that checks it, a check anyone may run; reputation explained."""

from __future__ import annotations

from flask import Response, render_template, request
from flask.views import MethodView

from fieldtasks.api.access import current_caller, public, roles
from fieldtasks.api.blueprint import TEXT_BODY, Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.record_schemas import (
    JwkSchema,
    RecordQuerySchema,
    ReputationSchema,
    VerificationSchema,
    WorkRecordSchema,
)
from fieldtasks.i18n import N_
from fieldtasks.models import Role
from fieldtasks.services import reputation, work_records

blp = Blueprint("records", __name__, description="Work records, signed: the worker's to take elsewhere.")


KIND_NAMES = {"shelf_price": N_("shelf prices"), "product_placement": N_("product placement"),
              "scooter_recharge": N_("scooter charging")}  # fmt: skip
RECORD_200 = "The signed record (JSON); with format=html, a printable page"


@blp.route("/me/work-record")
class MyWorkRecord(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(RecordQuerySchema, location="query")
    @blp.response(200, WorkRecordSchema, description=RECORD_200)
    @blp.alt_response(200, schema=TEXT_BODY, content_type="text/html", success=True, description=RECORD_200)
    def get(self, query):
        """My work record, signed with the platform's Ed25519 key (format=html: a printable page)"""
        document = signed_work_record(current_caller().user_id)
        if query["format"] == "html":
            return Response(printable(document), mimetype="text/html")
        return document


def signed_work_record(worker_id) -> dict:
    """The worker's record, signed with the platform's key (the API's and the workers' app's)."""
    res = resources()
    with unit_of_work() as session:
        record = work_records.work_record(session, worker_id, issuer=request.host_url, now=res.clock())
    return res.record_signer.sign(record)


def printable(document: dict) -> str:
    """A signed record as a page to print."""
    return render_template("work_record.html", document=document, kinds=KIND_NAMES)


@blp.route("/me/reputation")
class MyReputation(MethodView):
    @roles(Role.WORKER)
    @blp.response(200, ReputationSchema)
    def get(self):
        """My reputation and every event behind it, with the rules (no-fault outcomes and releases never count)"""
        with unit_of_work() as session:
            return reputation.reputation(session, current_caller().user_id, now=resources().clock())


@blp.route("/work-records/verify")
class VerifyRecord(MethodView):
    @public
    @blp.arguments(WorkRecordSchema)
    @blp.response(200, VerificationSchema)
    def post(self, document):
        """Check a work record: signed by this platform, and unchanged since"""
        problem = resources().record_signer.verify(document)
        return {"valid": problem is None, "reason": problem, "key_id": resources().record_signer.key_id}


@blp.route("/.well-known/fieldtasks-work-record-key")
class RecordKey(MethodView):
    @public
    @blp.response(200, JwkSchema)
    def get(self):
        """The public key that checks work records, as a JSON Web Key (Ed25519)"""
        return resources().record_signer.public_jwk()
