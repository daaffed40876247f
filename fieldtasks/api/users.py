"""The signed-in user, and staff accounts made by an admin."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from fieldtasks.api.access import current_caller, roles
from fieldtasks.api.blueprint import Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.schemas import UserSchema, display_name_field, email_field, password_field, role_field
from fieldtasks.models import Role
from fieldtasks.services import accounts

blp = Blueprint("users", __name__, description="Accounts.")


class StaffUserSchema(ma.Schema):
    email = email_field()
    password = password_field()
    display_name = display_name_field()
    role = role_field((Role.MODERATOR, Role.ADMIN))


@blp.route("/me")
class Me(MethodView):
    @roles()
    @blp.response(200, UserSchema)
    def get(self):
        """Who I am"""
        with unit_of_work() as session:
            return accounts.get_profile(session, current_caller().user_id)


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
