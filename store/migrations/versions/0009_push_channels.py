"""push channels: subscribers' push targets, the push outbox and each channel's health

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "push_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("confirm_code", sa.String(length=64), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("confirmed_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscriber.id"],
            name=op.f("fk_push_target_subscriber_id_subscriber"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_target")),
        sa.UniqueConstraint("subscriber_id", "url", name=op.f("uq_push_target_subscriber_id_url")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_push_target_subscriber_id"), "push_target", ["subscriber_id"], unique=False)
    op.create_table(
        "push",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=80), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("about", sa.String(length=200), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _WHEN, nullable=False),
        sa.Column("lease_until", _WHEN, nullable=True),
        sa.Column("claimed_by", sa.BigInteger(), nullable=True),
        sa.Column("lost_after_data", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("sent_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["target_id"], ["push_target.id"], name=op.f("fk_push_target_id_push_target"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_push_notice_id_notice"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["notice_version.id"],
            name=op.f("fk_push_version_id_notice_version"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_push_alert_id_alert"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push")),
        sa.UniqueConstraint("channel", "kind", "about", name=op.f("uq_push_channel_kind_about")),
    )
    op.create_index(op.f("ix_push_channel"), "push", ["channel"], unique=False)
    op.create_index(op.f("ix_push_target_id"), "push", ["target_id"], unique=False)
    op.create_index("ix_push_status_next_attempt_at", "push", ["status", "next_attempt_at"], unique=False)
    op.create_table(
        "push_channel",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("last_success_at", _WHEN, nullable=True),
        sa.Column("failing_since", _WHEN, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("admin_alerted_at", _WHEN, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_push_channel")),
    )


def downgrade() -> None:
    op.drop_table("push_channel")
    op.drop_index("ix_push_status_next_attempt_at", table_name="push")
    op.drop_index(op.f("ix_push_target_id"), table_name="push")
    op.drop_index(op.f("ix_push_channel"), table_name="push")
    op.drop_table("push")
    op.drop_index(op.f("ix_push_target_subscriber_id"), table_name="push_target")
    op.drop_table("push_target")
