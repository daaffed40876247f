"""Typed SQLAlchemy 2 models. No commits and no Flask here: services own transactions."""

from fieldtasks.models.accounts import Organization, RefreshToken, Role, User
from fieldtasks.models.base import SRID, Base

__all__ = ["SRID", "Base", "Organization", "RefreshToken", "Role", "User"]
