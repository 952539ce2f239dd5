"""a notice may return to an earlier text: content_hash is no longer unique per notice

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 11:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notice_version", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_notice_version_notice_id_content_hash"), type_="unique")


def downgrade() -> None:
    # Fails while a notice holds two versions with one text (A → B → A): delete one first.
    with op.batch_alter_table("notice_version", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            op.f("uq_notice_version_notice_id_content_hash"), ["notice_id", "content_hash"]
        )
