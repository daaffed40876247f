"""Request and response bodies of the money endpoints."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from fieldtasks.api.fields import Moment
from fieldtasks.api.pages import PageQuerySchema, next_cursor_field
from fieldtasks.models import PayoutStatus
from fieldtasks.services.nearby import MAX_LIMIT

MAX_CREDIT_CENTS = 100_000_000_00  # a hundred million: a typo guard, not a business rule


def currency_field(**kwargs) -> ma.fields.String:
    return ma.fields.String(validate=validate.Regexp(r"^[A-Z]{3}$"), metadata={"example": "EUR"}, **kwargs)


class CreditSchema(ma.Schema):
    amount_cents = ma.fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_CREDIT_CENTS))
    currency = currency_field(required=True)


class ClientBalanceSchema(ma.Schema):
    organization_id = ma.fields.UUID()
    currency = ma.fields.String()
    balance_cents = ma.fields.Integer()


class EarningsSchema(ma.Schema):
    """available_cents = earned + briefs + practice + floor top-ups + reimbursements - paid_out: one line per kind
    of money, each from the ledger."""

    currency = ma.fields.String()
    pending_cents = ma.fields.Integer(metadata={"description": "Handed in, not settled yet"})
    available_cents = ma.fields.Integer(metadata={"description": "Paid to me, not withdrawn"})
    paid_out_cents = ma.fields.Integer()
    earned_cents = ma.fields.Integer(metadata={"description": "Every item reward received"})
    briefs_cents = ma.fields.Integer(metadata={"description": "Paid reading of briefs"})
    practice_cents = ma.fields.Integer(metadata={"description": "Paid practice sets"})
    floor_top_ups_cents = ma.fields.Integer(metadata={"description": "Top-ups to the minimum hourly wage"})
    reimbursements_cents = ma.fields.Integer(metadata={"description": "Scooters: electricity of the charges"})
    minutes_worked = ma.fields.Integer(metadata={"description": "Claim to submission, on the tasks that paid"})
    hours_worked = ma.fields.Float(metadata={"description": "minutes_worked in hours, to 0.01 h"})
    hourly_rate_cents = ma.fields.Integer(allow_none=True, metadata={"description": "earned / hours_worked"})


class LedgerQuerySchema(ma.Schema):
    cursor = ma.fields.String(validate=validate.Length(1, 100))
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(1, MAX_LIMIT))


class LedgerLineSchema(ma.Schema):
    id = ma.fields.String()
    amount_cents = ma.fields.Integer(metadata={"description": "Positive: received; negative: withdrawn"})
    currency = ma.fields.String()
    kind = ma.fields.String(metadata={"example": "item_reward"})
    at = Moment()
    item_id = ma.fields.UUID(allow_none=True)
    task_id = ma.fields.UUID(allow_none=True)


class LedgerPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(LedgerLineSchema), required=True, metadata={"description": "Newest first"})
    next_cursor = next_cursor_field()


class PayoutInSchema(ma.Schema):
    amount_cents = ma.fields.Integer(strict=True, validate=validate.Range(1), metadata={"description": "Default: all"})
    currency = currency_field(required=True)


class PayoutSchema(ma.Schema):
    id = ma.fields.UUID()
    amount_cents = ma.fields.Integer()
    currency = ma.fields.String()
    requested_at = Moment()
    status = ma.fields.String(
        metadata={"description": "requested (taken from the balance, not sent yet), sent, or failed (the amount is "
                  "back in the available balance)", "example": "requested"}
    )  # fmt: skip
    settled_at = Moment(allow_none=True, metadata={"description": "When it was sent, or failed"})
    reference = ma.fields.String(allow_none=True, metadata={"description": "The payment's reference, once sent"})
    failure_reason = ma.fields.String(allow_none=True)


class PayoutQuerySchema(PageQuerySchema):
    status = ma.fields.Enum(PayoutStatus, by_value=True)


class PayoutSentSchema(ma.Schema):
    reference = ma.fields.String(
        required=True, validate=validate.Length(1, 200), metadata={"example": "SEPA-2026-12-05-0042"}
    )


class PayoutFailedSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(1, 500), metadata={"example": "IBAN closed"})


class OrganizationBalanceSchema(ma.Schema):
    currency = ma.fields.String(metadata={"example": "EUR"})
    available_cents = ma.fields.Integer(metadata={"description": "Credited and not committed to a campaign"})
    escrowed_cents = ma.fields.Integer(metadata={"description": "Held for published campaigns until items settle"})


class CampaignEscrowSchema(ma.Schema):
    campaign_id = ma.fields.UUID()
    title = ma.fields.String()
    currency = ma.fields.String()
    escrowed_cents = ma.fields.Integer()


class StatementLineSchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "Also a cursor"})
    at = Moment()
    kind = ma.fields.String(
        metadata={"description": "deposit, campaign_funding, item_reward, charge_reimbursement, briefing, "
                  "hourly_floor (a floor top-up this organization paid) or escrow_release", "example": "deposit"}
    )  # fmt: skip
    account = ma.fields.String(metadata={"description": "available, or escrow (of campaign_id)"})
    campaign_id = ma.fields.UUID(allow_none=True)
    amount_cents = ma.fields.Integer(metadata={"description": "Positive: into the account; negative: out of it"})
    currency = ma.fields.String()
    item_id = ma.fields.UUID(allow_none=True, metadata={"description": "The item a reward paid"})
    week = ma.fields.Date(allow_none=True, metadata={"description": "The Monday of a floor top-up's week"})


class OrganizationAccountSchema(ma.Schema):
    balances = ma.fields.List(ma.fields.Nested(OrganizationBalanceSchema))
    campaigns = ma.fields.List(ma.fields.Nested(CampaignEscrowSchema))
    items = ma.fields.List(
        ma.fields.Nested(StatementLineSchema), required=True, metadata={"description": "The statement, newest first"}
    )
    next_cursor = next_cursor_field("The statement's next page; null: the last")
