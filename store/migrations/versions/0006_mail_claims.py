"""mail claims: the claiming sender, connections lost after DATA, an index for the hourly cap

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("lost_after_data", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index("ix_mail_status_sent_at", ["status", "sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mail", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_status_sent_at")
        batch_op.drop_column("lost_after_data")
        batch_op.drop_column("claimed_by")
