"""Reputation, explained: the share of a worker's judged items that were accepted, recent ones weighing more.

Every event behind it is listed. A verified or approved item counts for, a rejected one against (an appeal
that wins turns it into an approval); no-fault outcomes and released claims are listed but never count; an
event's weight halves every HALF_LIFE_DAYS.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldtasks.models import Campaign, Task, TaskEvent, TaskItem, Verdict

HALF_LIFE_DAYS = 90
LISTED = 200  # events shown, newest first (the score uses them all)
RULES = [
    "A verified or approved item counts for you; a rejected one against you (an appeal you win makes it approved).",
    "Items not verifiable through no fault of yours, and tasks you released, are listed but never count.",
    f"Each event weighs half as much every {HALF_LIFE_DAYS} days: old mistakes fade.",
    "Your score is the weighted share of judged items that were accepted, 0 to 100.",
]
COUNTS = {Verdict.VERIFIED: 1, Verdict.APPROVED: 1, Verdict.REJECTED: 0}


def reputation(session: Session, worker_id: uuid.UUID, *, now: datetime) -> dict[str, Any]:
    items = session.execute(
        select(TaskItem.id, TaskItem.verdict, TaskItem.verdict_at, Task.id.label("task_id"), Campaign.title)
        .join(Task, Task.id == TaskItem.task_id)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .where(
            Task.claimed_by_id == worker_id,
            TaskItem.verdict.in_([*COUNTS, Verdict.NO_FAULT]),
            TaskItem.verdict_at.is_not(None),
        )
    ).all()
    releases = session.execute(
        select(TaskEvent.task_id, TaskEvent.at, Campaign.title)
        .join(Task, Task.id == TaskEvent.task_id)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .where(TaskEvent.actor_id == worker_id, TaskEvent.event == "released")
    ).all()
    events = [_item_event(row, now) for row in items]
    events += [_release_event(row) for row in releases]
    events.sort(key=lambda event: event["at"], reverse=True)
    judged = sum(event["weight"] for event in events if event["counts"])
    accepted = sum(event["weight"] for event in events if event["counts"] and event["outcome"] != Verdict.REJECTED)
    return {
        "score": round(100 * accepted / judged, 1) if judged else None,
        "judged_weight": round(judged, 3),
        "half_life_days": HALF_LIFE_DAYS,
        "rules": RULES,
        "events": events[:LISTED],
    }


def _item_event(row, now: datetime) -> dict[str, Any]:
    counts = row.verdict in COUNTS
    age_days = max(0.0, (now - row.verdict_at).total_seconds() / 86400)
    return {
        "at": row.verdict_at,
        "kind": "item",
        "outcome": row.verdict,
        "item_id": row.id,
        "task_id": row.task_id,
        "campaign_title": row.title,
        "counts": counts,
        "weight": round(0.5 ** (age_days / HALF_LIFE_DAYS), 4) if counts else 0.0,
    }


def _release_event(row) -> dict[str, Any]:
    return {
        "at": row.at,
        "kind": "release",
        "outcome": "released",
        "item_id": None,
        "task_id": row.task_id,
        "campaign_title": row.title,
        "counts": False,
        "weight": 0.0,
    }
