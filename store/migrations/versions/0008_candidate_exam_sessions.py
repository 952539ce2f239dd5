"""exam candidates choose exam sessions: subscriber.exam_sessions, a JSON list of session ordinals

Empty (the default, and every subscriber so far) means every session. Sign-up and results
notices naming other sessions then concern only the subscribers who left it empty.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriber") as batch:
        batch.add_column(sa.Column("exam_sessions", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("subscriber") as batch:
        batch.drop_column("exam_sessions")
