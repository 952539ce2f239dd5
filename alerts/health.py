"""Operator mail: one message per source that stopped working, sent once until it recovers.

The crawler records each source's health (``SourceState``); this turns a newly unhealthy
source into an outbox mail to ``admin_email`` and remembers that it did, so a source
that stays broken for a week is one mail, not one per run.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from core.times import beijing_iso
from store.outbox import enqueue_mail, sources_to_report

if TYPE_CHECKING:
    from app.config import Config


def queue_health_mails(sessions: sessionmaker[Session], config: Config, now: datetime) -> int:
    """Queue one admin mail per newly unhealthy source; returns how many. Nothing without ``admin_email``."""
    if not config.admin_email:
        return 0
    with sessions.begin() as session:
        sources = sources_to_report(session)
        for state in sources:
            enqueue_mail(
                session,
                recipient=config.admin_email,
                purpose="admin",
                subscriber_id=None,
                detail={
                    "source_id": state.source_id,
                    "problems": [str(p) for p in state.problems or []],
                    "failing_since": beijing_iso(state.failing_since),
                    "last_success_at": beijing_iso(state.last_success_at),
                },
                now=now,
                domain=config.mail_domain,
            )
            state.admin_alerted_at = now
    return len(sources)
