"""Qualifications: a short practice set, every attempt paid at the minimum hourly rate, earned for good."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.errors import InvalidError, NotFoundError
from fieldtasks.i18n import Sentence
from fieldtasks.models import AccountKind, PracticeAttempt, Qualification, WorkerQualification
from fieldtasks.practice_labels import question_jpeg, question_prices
from fieldtasks.services import ledger
from fieldtasks.services.briefs import briefing_pay_cents
from fieldtasks.services.cursors import keyset_page

PRACTICE = "practice"
PRACTICE_CURRENCY = "EUR"  # practice is the platform's cost, paid in the platform's currency
CATALOGUE = "g"  # the tag of the catalogue's page cursors


def practice_pay_cents(qualification: Qualification, wages: Mapping[str, int]) -> int:
    return briefing_pay_cents(qualification.practice_minutes, wages.get(PRACTICE_CURRENCY))


def list_qualifications(
    session: Session, worker_id: uuid.UUID, *, wages: Mapping[str, int], cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """The qualifications campaigns may require, by code, a page at a time, each saying when the worker earned it."""
    earned = dict(
        session.execute(
            select(WorkerQualification.qualification_code, WorkerQualification.earned_at).where(
                WorkerQualification.worker_id == worker_id
            )
        ).all()
    )
    page = keyset_page(session, select(Qualification), [Qualification.code], tag=CATALOGUE, cursor=cursor, limit=limit)
    offered = [
        {
            "code": q.code,
            "name": q.name,
            "description": q.description,
            "practice_minutes": q.practice_minutes,
            "practice_pay_cents": practice_pay_cents(q, wages),
            "currency": PRACTICE_CURRENCY,
            "earned_at": earned.get(q.code),
        }
        for q, _ in page.rows
    ]
    return offered, page.next_cursor


def start_attempt(
    session: Session, worker_id: uuid.UUID, code: str, *, wages: Mapping[str, int], now: datetime
) -> dict[str, Any]:
    """A practice set to answer; an unfinished attempt is returned again rather than a new one."""
    qualification = session.get(Qualification, code)
    if qualification is None:
        raise NotFoundError("No such qualification.")
    attempt = session.scalar(
        select(PracticeAttempt).where(
            PracticeAttempt.worker_id == worker_id,
            PracticeAttempt.qualification_code == code,
            PracticeAttempt.submitted_at.is_(None),
        )
    )
    if attempt is None:
        attempt = PracticeAttempt(
            worker_id=worker_id, qualification_code=code, seed=secrets.randbelow(2**62), started_at=now
        )
        session.add(attempt)
        session.flush()
    return _attempt_view(attempt, qualification, wages)


def _attempt_view(attempt: PracticeAttempt, qualification: Qualification, wages: Mapping[str, int]) -> dict:
    return {
        "id": attempt.id,
        "qualification": qualification.code,
        "questions": qualification.questions,
        "pass_mark": qualification.pass_mark,
        "practice_minutes": qualification.practice_minutes,
        "pay_cents": practice_pay_cents(qualification, wages),
        "started_at": attempt.started_at,
        "submitted_at": attempt.submitted_at,
        "correct": attempt.correct,
        "passed": attempt.passed,
    }


def question_image(session: Session, worker_id: uuid.UUID, attempt_id: uuid.UUID, index: int) -> bytes:
    attempt, qualification = _attempt(session, worker_id, attempt_id)
    if not 0 <= index < qualification.questions:
        raise NotFoundError("No such question.")
    return question_jpeg(attempt.seed, index, qualification.questions)


def answer_attempt(
    session: Session,
    worker_id: uuid.UUID,
    attempt_id: uuid.UUID,
    answers: list[int],
    *,
    wages: Mapping[str, int],
    now: datetime,
) -> dict[str, Any]:
    """Grade the answers (prices in cents), pay the attempt, award the qualification on a pass. Once."""
    attempt, qualification = _attempt(session, worker_id, attempt_id, lock=True)
    if attempt.submitted_at is not None:
        return _attempt_view(attempt, qualification, wages)
    if len(answers) != qualification.questions:
        message = Sentence("Answer the {count} questions (a price in cents each).", count=qualification.questions)
        raise InvalidError(message, code="answers_incomplete", errors={"answers": [message]})
    truth = question_prices(attempt.seed, qualification.questions)
    attempt.correct = sum(1 for given, right in zip(answers, truth, strict=True) if given == right)
    attempt.passed = attempt.correct >= qualification.pass_mark
    attempt.submitted_at = now
    _pay(session, attempt, qualification, wages, now=now)
    if attempt.passed:
        session.execute(
            pg_insert(WorkerQualification)
            .values(worker_id=worker_id, qualification_code=qualification.code, attempt_id=attempt.id, earned_at=now)
            .on_conflict_do_nothing()
        )
    return _attempt_view(attempt, qualification, wages)


def _pay(session: Session, attempt: PracticeAttempt, qualification: Qualification, wages, *, now) -> None:
    """Practice is work: the platform pays it, passed or not (its account may run negative: it is the platform's)."""
    amount = practice_pay_cents(qualification, wages)
    if amount == 0:
        return
    platform = ledger.account_id(session, AccountKind.PLATFORM, None, PRACTICE_CURRENCY)
    worker = ledger.account_id(session, AccountKind.WORKER, attempt.worker_id, PRACTICE_CURRENCY)
    details = {"attempt_id": str(attempt.id), "qualification": qualification.code}
    ledger.transfer(session, f"practice:{attempt.id}", PRACTICE, platform, worker, amount, PRACTICE_CURRENCY,
                    now=now, details=details)  # fmt: skip


def _attempt(session, worker_id, attempt_id, *, lock: bool = False) -> tuple[PracticeAttempt, Qualification]:
    query = select(PracticeAttempt).where(PracticeAttempt.id == attempt_id, PracticeAttempt.worker_id == worker_id)
    attempt = session.scalar(query.with_for_update() if lock else query)
    if attempt is None:
        raise NotFoundError("No such practice attempt of yours.")
    return attempt, session.get(Qualification, attempt.qualification_code)
