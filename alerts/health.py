"""Operator mail: one message per source that stopped working, sent once until it recovers.

Push channels of the operator are reported the same way once they have failed for
``CHANNEL_FAILING_FOR`` (a day): a chat service down for an hour is not news, a key
revoked a week ago is.

The crawler records each source's health (``SourceState``); this turns a newly unhealthy
source into an outbox mail to ``admin_email`` and remembers that it did, so a source
that stays broken for a week is one mail, not one per run.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from core.times import beijing_iso
from store.outbox import enqueue_mail, sources_to_report
from store.push_outbox import channels_to_report, mark_reported

if TYPE_CHECKING:
    from core.config import AlertSettings


CHANNEL_FAILING_FOR = timedelta(days=1)


def _admin_mail(session: Session, config: AlertSettings, now: datetime, detail: dict) -> None:
    enqueue_mail(
        session,
        recipient=config.admin_email,
        purpose="admin",
        subscriber_id=None,
        detail=detail,
        now=now,
        domain=config.mail_domain,
    )


def queue_health_mails(sessions: sessionmaker[Session], config: AlertSettings, now: datetime) -> int:
    """Queue one admin mail per newly unhealthy source or long-failing channel; returns how many.

    Nothing without ``admin_email``.
    """
    if not config.admin_email:
        return 0
    with sessions.begin() as session:
        sources = sources_to_report(session)
        for state in sources:
            detail = {
                "source_id": state.source_id,
                "problems": [str(p) for p in state.problems or []],
                "failing_since": beijing_iso(state.failing_since),
                "last_success_at": beijing_iso(state.last_success_at),
            }
            _admin_mail(session, config, now, detail)
            state.admin_alerted_at = now
        channels = channels_to_report(session, now=now, failing_for=CHANNEL_FAILING_FOR)
        for channel in channels:
            detail = {
                "channel": channel.label,
                "problems": [channel.last_error or ""],
                "failing_since": beijing_iso(channel.failing_since),
                "last_success_at": beijing_iso(channel.last_success_at),
            }
            _admin_mail(session, config, now, detail)
        mark_reported(session, [c.key for c in channels], now)
    return len(sources) + len(channels)
