"""The workers' app, money and voice: earnings (what is pending, available, paid out, the effective hourly rate, the
ledger's lines and the payouts), the signed work record to take elsewhere and the page anyone checks one on, an
appeal of a rejection, a rating, and the clients a worker chose not to see."""

from __future__ import annotations

import json
import uuid

from flask import Response, abort, flash, redirect, render_template, request, session, url_for

from fieldtasks.api.access import public
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.page_sessions import refusals_back_to
from fieldtasks.api.records import printable, signed_work_record
from fieldtasks.api.worker_app import back_to_task, blp, refusals_on_the_task_page, worker_page
from fieldtasks.i18n import N_, localized
from fieldtasks.models import PayoutStatus
from fieldtasks.services import (
    briefs,
    closing,
    earnings,
    floor,
    moderation,
    payments,
    payouts,
    qualifications,
    voice,
)

LEDGER_LINES = 20  # the most recent; the API pages through the rest
PAYOUTS_SHOWN = 10
HIDDEN_SHOWN = 50
LEDGER_WORDS = {  # the ledger kinds that move a worker's money
    payments.REWARD: N_("Item paid"),
    payments.ELECTRICITY: N_("Electricity repaid"),
    floor.TOPUP: N_("Top-up to the minimum hourly rate"),
    briefs.BRIEFING: N_("Brief read"),
    qualifications.PRACTICE: N_("Practice task"),
    payments.PAYOUT: N_("Paid out to you"),
    payouts.RETURNED: N_("Payout failed: money back"),
}
PAYOUT_WORDS = {
    PayoutStatus.REQUESTED: N_("requested"),
    PayoutStatus.SENT: N_("sent"),
    PayoutStatus.FAILED: N_("failed, the money is back"),
}


@blp.get("/earnings")
@worker_page
def earnings_page(claims):
    with unit_of_work() as db:
        balances = earnings.worker_earnings(db, claims.user_id)
        lines = earnings.worker_ledger(db, claims.user_id, None, LEDGER_LINES)["items"]
        paid_out, _ = payouts.list_payouts(db, worker_id=claims.user_id, cursor=None, limit=PAYOUTS_SHOWN)
        hidden, _ = voice.hidden_sources(db, claims.user_id, cursor=None, limit=HIDDEN_SHOWN)
    words = {kind: localized(sentence) for kind, sentence in {**LEDGER_WORDS, **PAYOUT_WORDS}.items()}
    return render_template(
        "app/earnings.html", balances=balances, lines=lines, payouts=paid_out, words=words, hidden=hidden,
        minimum=resources().config.payout_minimum_cents, new_key=lambda: str(uuid.uuid4()),
    )  # fmt: skip


@blp.post("/account/close")
@worker_page
def close_account(claims):
    """The worker leaves (DELETE /me): the page says what was paid out and owed, with the final record to keep."""
    if request.form.get("confirm") != "1":
        flash(localized(N_("Tick the box to say you understand the account closes for good.")))
        return redirect(url_for("app.earnings_page"))
    res = resources()
    with unit_of_work() as db:
        final = closing.close_account(db, claims.user_id, signer=res.record_signer, issuer=request.host_url,
                                      now=res.clock())  # fmt: skip
    session.clear()  # signed out here too (its refresh token is revoked)
    record_json = json.dumps(final["work_record"], ensure_ascii=False, indent=2)
    return render_template("app/closed.html", final=final, record_json=record_json)


@blp.get("/record")
@worker_page
def record(claims):
    """My work record, signed: a file to keep and show elsewhere (format=html: the printable page)."""
    document = signed_work_record(claims.user_id)
    if request.args.get("format") == "html":
        return printable(document)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    disposition = {"Content-Disposition": 'attachment; filename="fieldtasks-work-record.json"'}
    return Response(body, mimetype="application/json", headers=disposition)


@blp.route("/record/check", methods=["GET", "POST"])
@public
def check_record():
    """Anyone shown a work record (another platform, an employer) checks here, without an account, that this
    platform signed it and nothing in it changed since (the page of POST /work-records/verify)."""
    if request.method == "GET":
        return render_template("app/record_check.html", outcome=None)
    upload = request.files.get("file")
    try:
        document = json.loads(upload.read()) if upload else None
    except (ValueError, UnicodeDecodeError):
        document = None
    res = resources()
    problem = res.record_signer.verify(document)
    outcome = {
        "valid": problem is None,
        "reason": localized(problem) if problem else None,
        "key_id": res.record_signer.key_id,
    }
    if problem is None:
        outcome |= {"worker": document["record"].get("worker", {}).get("display_name"),
                    "issued_at": document["record"].get("issued_at")}  # fmt: skip
    return render_template("app/record_check.html", outcome=outcome), 200 if problem is None else 422


@blp.post("/tasks/<uuid:task_id>/items/<uuid:item_id>/appeal")
@worker_page
@refusals_on_the_task_page
def appeal(claims, task_id: uuid.UUID, item_id: uuid.UUID):
    res = resources()
    comment = request.form.get("comment", "").strip()
    if not comment:
        return back_to_task(task_id, N_("Say why the rejection is wrong: another moderator reads it."))
    with unit_of_work() as db:
        moderation.appeal(db, item_id, claims.user_id, comment, now=res.clock(),
                          decision_hours=res.config.appeal_decision_hours)  # fmt: skip
    return back_to_task(task_id, N_("Appeal sent: another moderator decides, and it is paid if nobody does in time."))


@blp.post("/tasks/<uuid:task_id>/rating")
@worker_page
@refusals_on_the_task_page
def rate(claims, task_id: uuid.UUID):
    try:
        clarity, client = (_stars(request.form.get(name, "")) for name in ("clarity", "client"))
    except ValueError:
        return back_to_task(task_id, N_("Give from 1 to 5 stars."))
    with unit_of_work() as db:
        voice.rate_task(db, task_id, claims.user_id, clarity=clarity, client=client,
                        comment=request.form.get("comment", "").strip(), now=resources().clock())  # fmt: skip
    return back_to_task(task_id, N_("Thank you: your rating is counted in the campaign's averages."))


def _stars(raw: str) -> int | None:
    if not raw:
        return None
    stars = int(raw)
    if not 1 <= stars <= 5:
        raise ValueError(raw)
    return stars


@blp.post("/tasks/<uuid:task_id>/hide")
@worker_page
def hide(claims, task_id: uuid.UUID):
    """Stop seeing this client's tasks (the task's page names the client)."""
    try:
        client_id = uuid.UUID(request.form.get("client_id", ""))
    except ValueError:
        return back_to_task(task_id, N_("No such client or campaign."))
    with unit_of_work() as db:
        voice.hide_source(db, claims.user_id, client_id=client_id, campaign_id=None, now=resources().clock())
    flash(localized(N_("You will not see this client's tasks any more; My earnings lists whom you hid.")))
    return redirect(url_for("app.near_me"))


@blp.post("/hidden/<uuid:hide_id>/show")
@worker_page
def show_again(claims, hide_id: uuid.UUID):
    with unit_of_work() as db:
        voice.unhide(db, claims.user_id, hide_id)
    flash(localized(N_("Their tasks show again.")))
    return redirect(url_for("app.earnings_page"))


@blp.post("/payouts")
@worker_page
@refusals_back_to("app.earnings_page")
def withdraw(claims):
    """All that is available in a currency, paid out; the form's own key makes a second tap the same payout."""
    res, form = resources(), request.form
    if not form.get("key") or not form.get("currency"):
        abort(400)
    with unit_of_work() as db:
        payments.request_payout(db, claims.user_id, None, form["currency"], form["key"],
                                minimum_cents=res.config.payout_minimum_cents, now=res.clock())  # fmt: skip
    flash(localized(N_("Payout requested: the operator sends it, and its line here says when.")))
    return redirect(url_for("app.earnings_page"))
