"""several regions per subscriber: subscriber_region, filled from subscriber.region, which goes

A subscriber's one ``region`` (with its ``province`` and ``city``) becomes the first row of
``subscriber_region``; a subscriber without one (national notices only) gets no row. The
columns are copied as they are, so matching reads exactly what it read before. Then the
three columns are dropped; on SQLite the table is rebuilt, keeping AUTOINCREMENT (ids
are never reused: see 0003). Downgrading puts each subscriber's first region back.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PLACE_COLUMNS = ("region", "province", "city")


def upgrade() -> None:
    op.create_table(
        "subscriber_region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("province", sa.String(length=32), nullable=False),
        sa.Column("city", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscriber.id"],
            name=op.f("fk_subscriber_region_subscriber_id_subscriber"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriber_region")),
        sa.UniqueConstraint(
            "subscriber_id", "region", name=op.f("uq_subscriber_region_subscriber_id_region")
        ),
    )
    for column in ("subscriber_id", "province", "city"):
        op.create_index(op.f(f"ix_subscriber_region_{column}"), "subscriber_region", [column], unique=False)
    op.execute(
        "INSERT INTO subscriber_region (subscriber_id, position, region, province, city)"
        " SELECT id, 0, region, province, city FROM subscriber WHERE region <> ''"
    )
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table(
        "subscriber", recreate=recreate, table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        for column in _PLACE_COLUMNS:
            batch.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table("subscriber") as batch:
        batch.add_column(sa.Column("region", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("province", sa.String(length=32), nullable=False, server_default=""))
        batch.add_column(sa.Column("city", sa.String(length=32), nullable=False, server_default=""))
    for column in _PLACE_COLUMNS:
        op.execute(
            f"UPDATE subscriber SET {column} = (SELECT r.{column} FROM subscriber_region r"
            " WHERE r.subscriber_id = subscriber.id ORDER BY r.position LIMIT 1)"
            " WHERE EXISTS (SELECT 1 FROM subscriber_region r WHERE r.subscriber_id = subscriber.id)"
        )
    op.drop_table("subscriber_region")
