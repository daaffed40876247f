"""Typed SQLAlchemy 2 models. No commits and no Flask here: services own transactions."""

from fieldtasks.models.accounts import Organization, RefreshToken, Role, User
from fieldtasks.models.base import SRID, Base
from fieldtasks.models.campaigns import Campaign, CampaignKind, CampaignStatus, Product, Store, Vehicle
from fieldtasks.models.photos import ExtractionRequest, IdempotencyKey, Photo
from fieldtasks.models.tasks import AVAILABLE_STATUSES, Checkin, ItemStatus, Task, TaskEvent, TaskItem, TaskStatus

__all__ = [
    "AVAILABLE_STATUSES",
    "SRID",
    "Base",
    "Campaign",
    "CampaignKind",
    "CampaignStatus",
    "Checkin",
    "ExtractionRequest",
    "IdempotencyKey",
    "ItemStatus",
    "Organization",
    "Photo",
    "Product",
    "RefreshToken",
    "Role",
    "Store",
    "Task",
    "TaskEvent",
    "TaskItem",
    "TaskStatus",
    "User",
    "Vehicle",
]
