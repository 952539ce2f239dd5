"""The notice → current version foreign key on PostgreSQL.

Revision ID: 0005
Revises: 0004

0001 declared it with ``use_alter`` inside ``create_table``, which skips it at CREATE TABLE
and never emits the ALTER, so PostgreSQL databases lack it (SQLite creates it inline).
The models-and-migrations guard test found the difference.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "fk_notice_current_version_id_notice_version"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.create_foreign_key(
        NAME, "notice", "notice_version", ["current_version_id"], ["id"], ondelete="SET NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.drop_constraint(NAME, "notice", type_="foreignkey")
