"""What a task really takes: the median minutes from claim to submission, per running campaign."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fieldtasks.models import Campaign, CampaignStatus, Task, seconds_on_task

MIN_COMPLETED = 5  # fewer completed tasks than this say little; the client's estimate stands until then


def refresh_task_minutes(session: Session, *, now: datetime) -> int:
    """Store each active campaign's median task minutes (the sweep calls this); returns campaigns updated."""
    minutes = seconds_on_task() / 60
    medians = (
        select(Task.campaign_id, func.percentile_cont(0.5).within_group(minutes).label("median"))
        .join(Campaign, Campaign.id == Task.campaign_id)
        .where(Campaign.status == CampaignStatus.ACTIVE, Task.submitted_at.is_not(None), Task.submitted_at <= now)
        .group_by(Task.campaign_id)
        .having(func.count() >= MIN_COMPLETED)
        .subquery()
    )
    changed = session.execute(
        update(Campaign)
        .where(Campaign.id == medians.c.campaign_id, Campaign.median_task_minutes.is_distinct_from(medians.c.median))
        .values(median_task_minutes=medians.c.median)
    )
    return changed.rowcount
