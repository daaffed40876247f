"""Typed SQLAlchemy 2 models. No commits and no Flask here: services own transactions."""

from fieldtasks.models.accounts import Organization, RefreshToken, Role, User
from fieldtasks.models.base import SRID, Base
from fieldtasks.models.campaigns import Campaign, CampaignKind, CampaignStatus, DeploySpot, Product, Store, Vehicle
from fieldtasks.models.fairness import BriefRead, FloorRevisit, FloorWeek, HiddenSource, TaskRating
from fieldtasks.models.integrations import WEBHOOK_EVENTS, ApiKey, Webhook, WebhookDelivery
from fieldtasks.models.ledger import AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction, Payout
from fieldtasks.models.moderation import REJECT_REASONS, ReviewCase
from fieldtasks.models.observations import PriceObservation, ShelfCheck
from fieldtasks.models.photos import ABSENCE, ExtractionRequest, IdempotencyKey, Photo
from fieldtasks.models.qualifications import PracticeAttempt, Qualification, WorkerQualification
from fieldtasks.models.tasks import (
    AVAILABLE_STATUSES,
    PAID_VERDICTS,
    Checkin,
    ItemStatus,
    Task,
    TaskEvent,
    TaskItem,
    TaskStatus,
    Verdict,
    seconds_on_task,
)

__all__ = [
    "ABSENCE",
    "AVAILABLE_STATUSES",
    "PAID_VERDICTS",
    "REJECT_REASONS",
    "SRID",
    "WEBHOOK_EVENTS",
    "AccountKind",
    "ApiKey",
    "Base",
    "BriefRead",
    "Campaign",
    "CampaignKind",
    "CampaignStatus",
    "Checkin",
    "DeploySpot",
    "ExtractionRequest",
    "FloorRevisit",
    "FloorWeek",
    "HiddenSource",
    "IdempotencyKey",
    "ItemStatus",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Organization",
    "Payout",
    "Photo",
    "PracticeAttempt",
    "PriceObservation",
    "Product",
    "Qualification",
    "RefreshToken",
    "ReviewCase",
    "Role",
    "ShelfCheck",
    "Store",
    "Task",
    "TaskEvent",
    "TaskItem",
    "TaskRating",
    "TaskStatus",
    "User",
    "Vehicle",
    "Verdict",
    "Webhook",
    "WebhookDelivery",
    "WorkerQualification",
    "seconds_on_task",
]
