"""Schemas shared by several resources."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from fieldtasks.api.fields import Moment
from fieldtasks.models import Role
from fieldtasks.services.accounts import MIN_PASSWORD_LENGTH


class OrganizationSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(dump_only=True, metadata={"example": "Supermarchés Dupont"})
    invitation_code = ma.fields.String(
        dump_only=True,
        metadata={"description": "Give it to colleagues so they can join as clients", "example": "kq3v9XbT2mPw8sLd"},
    )


class UserSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    email = ma.fields.Email(dump_only=True, metadata={"example": "camille@example.org"})
    display_name = ma.fields.String(dump_only=True, metadata={"example": "Camille"})
    role = ma.fields.String(dump_only=True, metadata={"example": "worker"})
    organization = ma.fields.Nested(OrganizationSchema, dump_only=True, allow_none=True)
    created_at = Moment(dump_only=True)


def email_field() -> ma.fields.Email:
    return ma.fields.Email(
        required=True, validate=validate.Length(max=254), metadata={"example": "camille@example.org"}
    )


def password_field(example: str = "correct horse battery") -> ma.fields.String:
    return ma.fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=200),
        metadata={"description": f"At least {MIN_PASSWORD_LENGTH} characters", "example": example},
    )


def display_name_field() -> ma.fields.String:
    return ma.fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"example": "Camille"})


def role_field(choices: tuple[Role, ...]) -> ma.fields.String:
    return ma.fields.String(
        required=True, validate=validate.OneOf([str(r) for r in choices]), metadata={"example": str(choices[0])}
    )


IDEMPOTENCY_KEY_MAX = 100  # stored inside ledger keys of 200 characters, after a prefix and an id


class IdempotencyKeySchema(ma.Schema):
    """The header that makes a retried request (an upload, a credit, a payout) take effect once."""

    idempotency_key = ma.fields.String(
        data_key="Idempotency-Key",
        required=True,
        validate=validate.Length(8, IDEMPOTENCY_KEY_MAX),
        metadata={
            "description": "A new random value per operation (8 to 100 characters, a UUID will do), the same "
            "for every retry of it"
        },
    )
