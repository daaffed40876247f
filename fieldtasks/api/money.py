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
    PayoutFailedSchema,
    PayoutInSchema,
    PayoutQuerySchema,
    PayoutSchema,
    PayoutSentSchema,
)
from fieldtasks.api.pages import as_page, page_args, page_of
from fieldtasks.api.schemas import IdempotencyKeySchema
from fieldtasks.models import Role
from fieldtasks.services import earnings, payments, payouts, statements

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
    @blp.response(200, page_of(EarningsSchema))
    def get(self):
        """What I have earned, per currency (one page: next_cursor is null): pending, available, paid out, and my
        effective hourly rate"""
        with unit_of_work() as session:
            return as_page(earnings.worker_earnings(session, current_caller().user_id), None)


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
    @blp.arguments(PayoutQuerySchema, location="query")
    @blp.response(200, page_of(PayoutSchema))
    def get(self, query):
        """My payouts, newest first, each with its status (requested, sent, failed), a page at a time"""
        with unit_of_work() as session:
            found, cursor = payouts.list_payouts(
                session, worker_id=current_caller().user_id, status=query.get("status"), **page_args(query)
            )
            return as_page(found, cursor)

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


@blp.route("/admin/payouts")
class Payouts(MethodView):
    @roles(Role.ADMIN)
    @blp.arguments(PayoutQuerySchema, location="query")
    @blp.response(200, page_of(PayoutSchema))
    def get(self, query):
        """Every worker's payouts, newest first (`?status=requested`: the ones to send), a page at a time"""
        with unit_of_work() as session:
            found, cursor = payouts.list_payouts(session, status=query.get("status"), **page_args(query))
            return as_page(found, cursor)


@blp.route("/admin/payouts/<uuid:payout_id>/sent")
class PayoutSent(MethodView):
    @roles(Role.ADMIN)
    @blp.arguments(PayoutSentSchema)
    @blp.response(200, PayoutSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`payout_settled`: sent with another reference, or failed")
    def post(self, sent, payout_id):
        """Record that a payout was sent, with the payment's reference (saying it again changes nothing)"""
        with unit_of_work() as session:
            return payouts.mark_sent(session, payout_id, sent["reference"], now=resources().clock())


@blp.route("/admin/payouts/<uuid:payout_id>/failed")
class PayoutFailed(MethodView):
    @roles(Role.ADMIN)
    @blp.arguments(PayoutFailedSchema)
    @blp.response(200, PayoutSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, failed, payout_id):
        """Record that a payout failed or came back: its amount returns to the worker's available balance, once"""
        with unit_of_work() as session:
            return payouts.mark_failed(session, payout_id, failed["reason"], now=resources().clock())
