"""Paid briefing: reading a campaign's instructions (and the answers to workers' questions on them) is work, paid at
the minimum hourly rate.

A worker who opened a version of the brief and then submits a task of the campaign is paid its
declared reading minutes, once per version (a new version of the instructions is paid again).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.errors import NotFoundError
from fieldtasks.models import AccountKind, BriefRead, Campaign, LedgerTransaction, Organization
from fieldtasks.services import escrow, ledger, questions
from fieldtasks.services.tasks import is_running

BRIEFING = "briefing"
log = logging.getLogger("fieldtasks.money")


def briefing_pay_cents(reading_minutes: int, wage_cents: int | None) -> int:
    """The reading minutes at the minimum hourly rate, in cents (rounded up: never below the floor)."""
    if not wage_cents:
        return 0
    return -(-reading_minutes * wage_cents // 60)


def open_brief(
    session: Session, campaign_id: uuid.UUID, worker_id: uuid.UUID, *, wages: Mapping[str, int], now: datetime
) -> dict[str, Any]:
    """The instructions of a campaign on offer, recorded as opened by this worker (this version)."""
    row = session.execute(
        select(Campaign, Organization.name)
        .join(Organization, Organization.id == Campaign.organization_id)
        .where(Campaign.id == campaign_id, is_running(now))
    ).one_or_none()
    if row is None:
        raise NotFoundError("No such campaign on offer.")
    campaign, client_name = row
    session.execute(
        pg_insert(BriefRead)
        .values(worker_id=worker_id, campaign_id=campaign.id, version=campaign.instructions_version, opened_at=now)
        .on_conflict_do_nothing()
    )
    key = _key(worker_id, campaign.id, campaign.instructions_version)
    return {
        "campaign_id": campaign.id,
        "title": campaign.title,
        "client_name": client_name,
        "purpose": campaign.purpose,
        "instructions": campaign.instructions,
        "version": campaign.instructions_version,
        "reading_minutes": campaign.reading_minutes,
        "briefing_pay_cents": briefing_pay_cents(campaign.reading_minutes, wages.get(campaign.currency)),
        "currency": campaign.currency,
        "paid": session.scalar(select(exists().where(LedgerTransaction.key == key))),
        "questions": questions.answered(session, campaign.id),
    }


def pay_briefing(
    session: Session, campaign: Campaign, worker_id: uuid.UUID, *, wages: Mapping[str, int], now: datetime
) -> int:
    """At a submission: pay the brief the worker opened (this version), once. Returns the cents paid now."""
    amount = briefing_pay_cents(campaign.reading_minutes, wages.get(campaign.currency))
    version = campaign.instructions_version
    opened = select(BriefRead.id).where(
        BriefRead.worker_id == worker_id, BriefRead.campaign_id == campaign.id, BriefRead.version == version
    )
    if amount == 0 or session.scalar(opened) is None:
        return 0
    source = escrow.payer(session, campaign, amount, now=now)
    if source is None:
        _warn_unfunded(campaign, worker_id, amount)
        return 0
    worker = ledger.account_id(session, AccountKind.WORKER, worker_id, campaign.currency)
    details = {"campaign_id": str(campaign.id), "version": version, "minutes": campaign.reading_minutes}
    posted = ledger.transfer(session, _key(worker_id, campaign.id, version), BRIEFING, source, worker, amount,
                             campaign.currency, now=now, details=details)  # fmt: skip
    return amount if posted is not None else 0


def _warn_unfunded(campaign: Campaign, worker_id: uuid.UUID, amount: int) -> None:
    """Neither the escrow nor the client can pay the brief now: say so where operators look."""
    log.warning(
        "briefing not funded", extra={"campaign_id": str(campaign.id), "worker_id": str(worker_id), "cents": amount}
    )


def _key(worker_id: uuid.UUID, campaign_id: uuid.UUID, version: int) -> str:
    return f"briefing:{worker_id}:{campaign_id}:{version}"
