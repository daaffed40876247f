"""The signed-in user (a worker may close their account and leave with their data), and staff accounts made by an
admin."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask.views import MethodView

from fieldtasks.api.access import current_caller, roles
from fieldtasks.api.blueprint import Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.record_schemas import WorkRecordSchema
from fieldtasks.api.schemas import UserSchema, display_name_field, email_field, password_field, role_field
from fieldtasks.models import Role
from fieldtasks.services import accounts, closing

blp = Blueprint("users", __name__, description="Accounts.")


class StaffUserSchema(ma.Schema):
    email = email_field()
    password = password_field()
    display_name = display_name_field()
    role = role_field((Role.MODERATOR, Role.ADMIN))


class ClosingSchema(ma.Schema):
    closed_at = ma.fields.String(metadata={"format": "date-time"})
    work_record = ma.fields.Nested(WorkRecordSchema, metadata={"description": "My final record, signed while it "
                                   "still bore my name: keep it (POST /work-records/verify checks it)"})  # fmt: skip
    payouts = ma.fields.List(ma.fields.Dict(), metadata={"description": "Everything available, paid out now (id, "
                             "amount_cents, currency, status, requested_at), whatever the payout minimum"})  # fmt: skip
    released_tasks = ma.fields.List(ma.fields.String(), metadata={"description": "Tasks I held, given back"})
    still_owed = ma.fields.List(ma.fields.Dict(), metadata={"description": "Per currency, pending_cents: items still "
                                "in review; paid on request with this record once settled"})  # fmt: skip
    kept = ma.fields.List(ma.fields.String(), metadata={"description": "What the platform keeps, and why"})
    removed = ma.fields.List(ma.fields.String())


@blp.route("/me")
class Me(MethodView):
    @roles()
    @blp.response(200, UserSchema)
    def get(self):
        """Who I am"""
        with unit_of_work() as session:
            return accounts.get_profile(session, current_caller().user_id)

    @roles(Role.WORKER)
    @blp.response(200, ClosingSchema)
    def delete(self):
        """Close my account and leave with my data: tasks I hold go back, everything available is paid out, my final
        signed work record is returned, then my name, email and password are removed for good (README, "Data
        policy"). Sending it again returns the same answer"""
        res = resources()
        with unit_of_work() as session:
            return closing.close_account(
                session, current_caller().user_id, signer=res.record_signer, issuer=request.host_url, now=res.clock()
            )


@blp.route("/admin/users")
class StaffUsers(MethodView):
    @roles(Role.ADMIN)
    @blp.arguments(StaffUserSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, response="CONFLICT", description="The email is taken (code `email_taken`)")
    def post(self, data):
        """Create a moderator or an admin"""
        with unit_of_work() as session:
            return accounts.create_staff_user(session, **data, passwords=resources().passwords)
