"""Questions on a brief: a worker who opened a campaign's brief asks; the client answers; every worker then reads the
question and its answer under the brief. Each answer is a new version of the brief, so reading it again is paid.
Clients never learn who asked. A question left unanswered 48 hours shows on the client's track record."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError, NotFoundError
from fieldtasks.i18n import Sentence
from fieldtasks.models import BriefQuestion, BriefRead, Campaign
from fieldtasks.services.campaigns import editable_campaign, get_campaign
from fieldtasks.services.cursors import keyset_page
from fieldtasks.services.tasks import is_running

QUESTIONS = "q"  # the tag of question list cursors
MOST_OPEN_PER_WORKER = 5  # unanswered questions one worker may have on one campaign
LEFT_UNANSWERED = timedelta(hours=48)  # then the question counts on the client's track record
ANSWERS_UNDER_THE_BRIEF = 50  # the latest answered questions shown with the brief


def ask(
    session: Session, campaign_id: uuid.UUID, worker_id: uuid.UUID, question: str, *, now: datetime
) -> tuple[BriefQuestion, bool]:
    """The worker's question on a campaign on offer whose brief they opened; the same question asked again is the
    same one. Returns it, and whether it is new."""
    campaign = session.scalar(select(Campaign).where(Campaign.id == campaign_id, is_running(now)))
    if campaign is None:
        raise NotFoundError("No such campaign on offer.")
    opened = select(BriefRead.id).where(BriefRead.worker_id == worker_id, BriefRead.campaign_id == campaign.id)
    if session.scalar(opened.limit(1)) is None:
        raise ConflictError("Open the brief before asking about it.", code="brief_not_opened")
    mine = select(BriefQuestion).where(BriefQuestion.campaign_id == campaign.id, BriefQuestion.worker_id == worker_id)
    if again := session.scalar(mine.where(func.md5(BriefQuestion.question) == func.md5(question))):
        return again, False
    waiting = session.scalar(select(func.count()).select_from(mine.where(BriefQuestion.answer.is_(None)).subquery()))
    if waiting >= MOST_OPEN_PER_WORKER:
        message = Sentence("You have {count} questions waiting for an answer here; ask again once they are answered.",
                           count=waiting)  # fmt: skip
        raise ConflictError(message, code="too_many_questions")
    new_id = session.execute(
        pg_insert(BriefQuestion)
        .values(campaign_id=campaign.id, worker_id=worker_id, question=question, asked_at=now)
        .on_conflict_do_nothing()  # the same question sent twice at once: one of them
        .returning(BriefQuestion.id)
    ).scalar_one_or_none()
    if new_id is None:
        return session.scalar(mine.where(func.md5(BriefQuestion.question) == func.md5(question))), False
    return session.get(BriefQuestion, new_id), True


def answer(
    session: Session,
    organization_id: uuid.UUID,
    campaign_id: uuid.UUID,
    question_id: uuid.UUID,
    text: str,
    *,
    user_id: uuid.UUID,
    now: datetime,
) -> BriefQuestion:
    """The client's answer (a new one replaces the last): the brief's version changes, so every worker who reads it
    again is paid again. The same answer sent twice changes nothing."""
    campaign = editable_campaign(session, organization_id, campaign_id, lock=True)
    question = session.scalar(
        select(BriefQuestion).where(BriefQuestion.id == question_id, BriefQuestion.campaign_id == campaign.id)
    )
    if question is None:
        raise NotFoundError("No such question.")
    if question.answer == text:
        return question
    question.answer, question.answered_at, question.answered_by_id = text, now, user_id
    campaign.instructions_version += 1
    campaign.version += 1
    return question


def answered(session: Session, campaign_id: uuid.UUID) -> list[dict[str, Any]]:
    """The questions answered, the latest answer first: what every worker reads under the brief."""
    rows = session.execute(
        select(BriefQuestion.question, BriefQuestion.answer, BriefQuestion.asked_at, BriefQuestion.answered_at)
        .where(BriefQuestion.campaign_id == campaign_id, BriefQuestion.answer.is_not(None))
        .order_by(BriefQuestion.answered_at.desc())
        .limit(ANSWERS_UNDER_THE_BRIEF)
    )
    return [dict(row._mapping) for row in rows]


def list_questions(
    session: Session,
    campaign_id: uuid.UUID,
    *,
    worker_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    """A campaign's questions, the latest asked first: for its client (`organization_id`) every one (never who
    asked), for a worker the answered ones and their own."""
    if organization_id is not None:
        get_campaign(session, organization_id, campaign_id)  # another client's campaign: as if it did not exist
    elif session.get(Campaign, campaign_id) is None:
        raise NotFoundError("No such campaign.")
    query = select(BriefQuestion).where(BriefQuestion.campaign_id == campaign_id)
    if worker_id is not None:
        query = query.where(or_(BriefQuestion.answer.is_not(None), BriefQuestion.worker_id == worker_id))
    order = [BriefQuestion.asked_at, BriefQuestion.id]
    page = keyset_page(session, query, order, tag=QUESTIONS, cursor=cursor, limit=limit, descending=True)
    return [view(row[0], worker_id) for row in page.rows], page.next_cursor


def view(question: BriefQuestion, worker_id: uuid.UUID | None) -> dict[str, Any]:
    return {
        "id": question.id,
        "campaign_id": question.campaign_id,
        "question": question.question,
        "asked_at": question.asked_at,
        "answer": question.answer,
        "answered_at": question.answered_at,
        "mine": worker_id is not None and question.worker_id == worker_id,
    }


def unanswered(session: Session, campaign_id: uuid.UUID, *, now: datetime) -> dict[str, Any]:
    """How many questions wait for the client's answer, since when, and how many for over 48 hours."""
    waiting = (
        select(BriefQuestion.asked_at)
        .where(BriefQuestion.campaign_id == campaign_id, BriefQuestion.answer.is_(None))
        .subquery()
    )
    late = func.count().filter(waiting.c.asked_at < now - LEFT_UNANSWERED)
    count, oldest, late = session.execute(select(func.count(), func.min(waiting.c.asked_at), late)).one()
    return {"count": count, "oldest_asked_at": oldest, "over_48_hours": late}
