"""Filling the outbox: matching, reminders, pushes and bundling into mails, in one transaction.

Either every alert of a run is queued together with the mails that carry it, or none
is; a crash half-way leaves nothing half-done, and the next run starts over. Re-running
with no new input queues nothing (the alerts' unique key).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from alerts.push import queue_pushes
from core.vocab import AlertKind
from core.wording import describe_changes
from store.notice_alerts import changed_notices, queue_change_alerts, queue_notice_alerts
from store.outbox import bundle_alerts_into_mails
from store.reminders import queue_closing_alerts, queue_expiry_alerts

if TYPE_CHECKING:
    from core.config import AlertSettings


def queue_alerts(
    sessions: sessionmaker[Session], config: AlertSettings, *, today: date, now: datetime
) -> dict:
    """Match notices and reminders for ``today`` and bundle them into mails; returns counts by kind and ``mails``.

    Changes are looked for first, so a notice amended since the last run is announced as
    a change to those told about it, and as new to those it now concerns for the first time.
    """
    counts = dict.fromkeys(AlertKind.values(), 0)
    with sessions.begin() as session:
        for change in changed_notices(session):
            lines = describe_changes(change.before, change.after)
            if lines:
                counts["changed"] += queue_change_alerts(session, change, lines, today=today, now=now)
        counts.update(queue_notice_alerts(session, today=today, now=now))
        counts["closing_soon"] = queue_closing_alerts(session, today=today, now=now)
        counts["expiry"] = queue_expiry_alerts(
            session, today=today, now=now, days_ahead=tuple(config.expiry_reminder_days)
        )
        # Pushes first: a subscriber's targets are sent the alerts not yet in a mail (this run's).
        counts.update(queue_pushes(session, config, today=today, now=now))
        counts["mails"] = bundle_alerts_into_mails(session, now=now, domain=config.mail_domain)
    return counts
