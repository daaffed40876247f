"""A task's history: every change to a task, its items and its cases, appended as it happens, never rewritten."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from fieldtasks.models import TaskEvent


def record_event(
    session: Session, task_id: uuid.UUID, actor_id: uuid.UUID | None, event: str, now: datetime, **details: Any
) -> None:
    """Append to the task's history (in the caller's transaction); rows are only ever added."""
    session.add(TaskEvent(task_id=task_id, actor_id=actor_id, event=event, details=details, at=now))
