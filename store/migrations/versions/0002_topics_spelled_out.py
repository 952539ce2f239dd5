"""Subscriber topics stored spelled out: an empty choice becomes every kind

An empty ``alert_kinds`` used to stand for "the defaults", which matching read as every
kind but exam sign-up while the form showed every box ticked. Those subscribers asked for
every kind (the form's defaults, an API request without ``alerts``, the CLI), so that is
what they get now; matching no longer has a special case for an empty list.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The topics as of this revision (written out: a migration must not follow later code).
EVERY_KIND = ["registration", "late_registration", "exam_signup", "certificate_collection", "reminders"]

subscriber = sa.table("subscriber", sa.column("alert_kinds", sa.JSON))


def upgrade() -> None:
    op.execute(
        subscriber.update()
        .where(sa.cast(subscriber.c.alert_kinds, sa.String) == "[]")
        .values(alert_kinds=EVERY_KIND)
    )


def downgrade() -> None:
    # Nothing to undo: the earlier code reads a spelled-out list as exactly those kinds.
    pass
