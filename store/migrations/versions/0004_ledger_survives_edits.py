"""The alert ledger survives edits: alert.certificate_id is SET NULL, expiry keys name no certificate row

Removing a certificate on the manage page deleted the alerts about it (ON DELETE
CASCADE), and the next run queued them again: sent twice on PostgreSQL, and on SQLite the
new rows reused sent mails' ids so that subscriber got no mail at all. Expiry reminders
were keyed by the certificate's id; they are now keyed by qualification and session, so
stored keys are rewritten to match.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_alert_certificate_id_certificate"


def _certificate_fk(ondelete: str) -> None:
    with op.batch_alter_table("alert") as batch:
        batch.drop_constraint(FK, type_="foreignkey")
        batch.create_foreign_key(FK, "certificate", ["certificate_id"], ["id"], ondelete=ondelete)


def upgrade() -> None:
    # expiry:<certificate id>:<basis>:<days> → expiry:<qualification>:<obtained_high>:<basis>:<days>
    op.execute(
        """
        UPDATE alert SET about = (
            SELECT 'expiry:' || c.qualification || ':' || CAST(c.obtained_high AS VARCHAR)
                   || substr(alert.about, length('expiry:' || CAST(c.id AS VARCHAR)) + 1)
            FROM certificate c WHERE c.id = alert.certificate_id
        )
        WHERE kind = 'expiry' AND certificate_id IS NOT NULL
        """
    )
    _certificate_fk("SET NULL")


def downgrade() -> None:
    op.execute("DELETE FROM alert WHERE certificate_id IS NULL AND kind = 'expiry'")
    op.execute(
        """
        UPDATE alert SET about = (
            SELECT 'expiry:' || CAST(c.id AS VARCHAR)
                   || substr(alert.about, length('expiry:' || c.qualification || ':'
                                                 || CAST(c.obtained_high AS VARCHAR)) + 1)
            FROM certificate c WHERE c.id = alert.certificate_id
        )
        WHERE kind = 'expiry'
        """
    )
    _certificate_fk("CASCADE")
