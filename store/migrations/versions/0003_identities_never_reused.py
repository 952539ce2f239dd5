"""Identities never reused: AUTOINCREMENT ids, and a random link secret per subscriber

SQLite hands a deleted row's id to the next insert unless the table is AUTOINCREMENT, so
a deleted subscriber's confirm, manage and feed links (which named only the id and a
version that always started at 1) opened the next subscriber's data. The subscriber and
certificate tables are rebuilt with AUTOINCREMENT (PostgreSQL sequences never go back),
and ``token_version`` gives way to ``link_secret``, a random value every link's MAC
covers. Links handed out before this revision stop working: they are exactly the links
that could name someone else.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 128 random bits as 32 hex digits, drawn by the database (one statement, any table size).
RANDOM_HEX = {
    "sqlite": "lower(hex(randomblob(16)))",
    "postgresql": "replace(gen_random_uuid()::text, '-', '')",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("subscriber") as batch:
        batch.add_column(sa.Column("link_secret", sa.String(32), nullable=True))
    op.execute(f"UPDATE subscriber SET link_secret = {RANDOM_HEX[dialect]}")
    recreate = "always" if dialect == "sqlite" else "auto"
    with op.batch_alter_table(
        "subscriber", recreate=recreate, table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.alter_column("link_secret", existing_type=sa.String(32), nullable=False)
        batch.drop_column("token_version")
    with op.batch_alter_table("certificate", recreate=recreate, table_kwargs={"sqlite_autoincrement": True}):
        pass


def downgrade() -> None:
    with op.batch_alter_table("subscriber") as batch:
        batch.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="1"))
        batch.drop_column("link_secret")
