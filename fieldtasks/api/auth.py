"""Sign up, sign in, and refresh tokens."""

from __future__ import annotations

import dataclasses

import marshmallow as ma
from flask import request
from flask.views import MethodView
from marshmallow import validate

from fieldtasks.api.access import public
from fieldtasks.api.blueprint import Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.fields import Moment
from fieldtasks.api.schemas import UserSchema, display_name_field, email_field, password_field, role_field
from fieldtasks.config import Config
from fieldtasks.limits import RETRY_AFTER
from fieldtasks.services import accounts

ADDRESS, ACCOUNT = Config.auth_limit_per_address, Config.auth_limit_per_account
blp = Blueprint("auth", __name__, url_prefix="/auth", description="Sign up, sign in and refresh tokens.")


class RegisterSchema(ma.Schema):
    email = email_field()
    password = password_field()
    display_name = display_name_field()
    role = role_field(accounts.SELF_SERVICE_ROLES)
    organization_name = ma.fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Clients: create this organization", "example": "Supermarchés Dupont"},
    )
    invitation_code = ma.fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Clients: join the organization that gave you this code"},
    )


class SignInSchema(ma.Schema):
    email = email_field()
    password = ma.fields.String(required=True, load_only=True, metadata={"example": "correct horse battery"})


class RefreshSchema(ma.Schema):
    refresh_token = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=200))


class TokenPairSchema(ma.Schema):
    token_type = ma.fields.String(metadata={"example": "Bearer"})
    access_token = ma.fields.String(metadata={"description": "Send as 'Authorization: Bearer <token>'"})
    access_token_expires_at = Moment()
    refresh_token = ma.fields.String(metadata={"description": "Exchange at /auth/refresh; each one works once"})
    refresh_token_expires_at = Moment()


class RegisteredSchema(UserSchema, TokenPairSchema):
    """The new account, signed in: its fields and its first token pair, as `/auth/token` gives it."""


LIMITED = f"`rate_limited`: too many attempts from this address (AUTH_LIMIT_PER_ADDRESS, by default {ADDRESS})"


@blp.route("/register")
class Register(MethodView):
    @public
    @blp.arguments(RegisterSchema)
    @blp.response(201, RegisteredSchema)
    @blp.alt_response(409, response="CONFLICT", description="The email is taken (code `email_taken`)")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS", description=LIMITED, headers=RETRY_AFTER)
    def post(self, data):
        """Sign up as a worker, or as a client creating or joining an organization; signed in at once"""
        res = resources()
        res.auth_limits.check_address("register", request.remote_addr)
        with unit_of_work() as session:
            user, tokens = accounts.sign_up(session, **data, passwords=res.passwords, credentials=res.credentials())
            account = {name: getattr(user, name) for name in UserSchema().fields}
            return {**account, **dataclasses.asdict(tokens)}


@blp.route("/token")
class Token(MethodView):
    @public
    @blp.arguments(SignInSchema)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(401, response="UNAUTHORIZED", description="Wrong email or password (code `invalid_credentials`)")
    @blp.alt_response(
        429,
        response="TOO_MANY_REQUESTS",
        description=LIMITED + f", or too many refused sign-ins for this account (AUTH_LIMIT_PER_ACCOUNT, by default "
        f"{ACCOUNT}: then even the right password waits)",
        headers=RETRY_AFTER,
    )
    def post(self, data):
        """Sign in with email and password"""
        res = resources()
        res.auth_limits.check_address("token", request.remote_addr)
        with res.auth_limits.account(data["email"]), unit_of_work() as session:
            return accounts.sign_in(session, **data, passwords=res.passwords, credentials=res.credentials())


@blp.route("/refresh")
class Refresh(MethodView):
    @public
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(
        401, response="UNAUTHORIZED", description="Unknown, used or expired (code `invalid_refresh_token`)"
    )
    @blp.alt_response(429, response="TOO_MANY_REQUESTS", description=LIMITED, headers=RETRY_AFTER)
    def post(self, data):
        """Exchange a refresh token for a new token pair"""
        resources().auth_limits.check_address("refresh", request.remote_addr)
        with unit_of_work() as session:
            return accounts.refresh_tokens(session, **data, credentials=resources().credentials())


@blp.route("/revoke")
class Revoke(MethodView):
    @public
    @blp.arguments(RefreshSchema)
    @blp.response(204)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS", description=LIMITED, headers=RETRY_AFTER)
    def post(self, data):
        """Sign out: every refresh token of this sign-in stops working (204 for an unknown one too, RFC 7009);
        access tokens already issued live out their minutes"""
        res = resources()
        res.auth_limits.check_address("refresh", request.remote_addr)
        with unit_of_work() as session:
            accounts.sign_out(session, **data, now=res.clock())
