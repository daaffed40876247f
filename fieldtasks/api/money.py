"""Money: client credits (admins), and a worker's earnings, ledger and payouts."""

from __future__ import annotations

from flask.views import MethodView

from fieldtasks.api.access import current_caller, roles
from fieldtasks.api.blueprint import Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.money_schemas import (
    ClientBalanceSchema,
    CreditSchema,
    EarningsSchema,
    LedgerPageSchema,
    LedgerQuerySchema,
    OrganizationAccountSchema,
    PayoutInSchema,
    PayoutSchema,
)
from fieldtasks.api.schemas import IdempotencyKeySchema
from fieldtasks.models import Role
from fieldtasks.services import earnings, payments, statements

blp = Blueprint("money", __name__, description="Escrowed budgets, rewards and payouts.")


@blp.route("/admin/organizations/<uuid:organization_id>/credits")
class Credits(MethodView):
    @roles(Role.ADMIN)
    @blp.arguments(IdempotencyKeySchema, location="headers")
    @blp.arguments(CreditSchema)
    @blp.response(201, ClientBalanceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        422,
        response="UNPROCESSABLE_ENTITY",
        description="`validation_error`, or `idempotency_mismatch`: the key was used for another amount or currency",
    )
    def post(self, headers, credit, organization_id):
        """Record money received from a client organization (the same Idempotency-Key credits once)"""
        res = resources()
        with unit_of_work() as session:
            return payments.credit_organization(
                session, organization_id, **credit, key=headers["idempotency_key"], now=res.clock()
            )


@blp.route("/organization/account")
class OrganizationAccount(MethodView):
    @roles(Role.CLIENT, api_keys=True)
    @blp.arguments(LedgerQuerySchema, location="query")
    @blp.response(200, OrganizationAccountSchema)
    def get(self, query):
        """My organization's money: available and escrowed per currency, escrow per campaign, and the statement of
        every movement from the ledger, newest first (pass next_cursor to read on)"""
        with unit_of_work() as session:
            caller = current_caller()
            return statements.organization_account(session, caller.organization_id, query.get("cursor"), query["limit"])


@blp.route("/me/earnings")
class MyEarnings(MethodView):
    @roles(Role.WORKER)
    @blp.response(200, EarningsSchema(many=True))
    def get(self):
        """What I have earned, per currency: pending, available, paid out, and my effective hourly rate"""
        with unit_of_work() as session:
            return earnings.worker_earnings(session, current_caller().user_id)


@blp.route("/me/ledger")
class MyLedger(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(LedgerQuerySchema, location="query")
    @blp.response(200, LedgerPageSchema)
    def get(self, query):
        """My ledger lines, newest first; pass next_cursor to read on"""
        with unit_of_work() as session:
            return earnings.worker_ledger(session, current_caller().user_id, query.get("cursor"), query["limit"])


@blp.route("/me/payouts")
class MyPayouts(MethodView):
    @roles(Role.WORKER)
    @blp.arguments(IdempotencyKeySchema, location="headers")
    @blp.arguments(PayoutInSchema)
    @blp.response(201, PayoutSchema)
    @blp.alt_response(409, response="CONFLICT", description="`insufficient_balance`")
    def post(self, headers, payout):
        """Withdraw my available balance, or part of it, above the minimum (the same Idempotency-Key pays once)"""
        res = resources()
        with unit_of_work() as session:
            return payments.request_payout(
                session,
                current_caller().user_id,
                payout.get("amount_cents"),
                payout["currency"],
                headers["idempotency_key"],
                minimum_cents=res.config.payout_minimum_cents,
                now=res.clock(),
            )
