"""photos a worker reported as sensitive: moderators see them blurred until they reveal them

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 16:13:31.836868
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("photos", sa.Column("sensitive", sa.Boolean(), server_default="false", nullable=False))


def downgrade() -> None:
    op.drop_column("photos", "sensitive")
