"""Data care: drop what is old and no longer needed, never what an open alert still points at."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.vocab import MailPurpose, MailStatus
from store.models import Alert, Mail, Notice, NoticeVersion, Push, Run


def prune(session: Session, *, older_than_days: int, now: datetime) -> dict[str, int]:
    """Delete superseded versions, finished confirmation and operator mails, and runs older than the cut-off.

    A notice's current version is always kept, and so is any version an alert or a push
    refers to. Alerts, pushes and their mails are kept: they are the ledger that stops an
    alert being queued (and sent) a second time, and they are small. (A push names its
    version with ON DELETE CASCADE: pruning a version only a channel was sent deleted the
    channel's record of it, and the next run posted the notice to the group again.)
    """
    if older_than_days < 1:
        raise ValueError("--older-than must be at least 1 day")
    cutoff = now - timedelta(days=older_than_days)
    current = select(Notice.current_version_id).where(Notice.current_version_id.is_not(None))
    referenced = select(Alert.version_id).where(Alert.version_id.is_not(None))
    posted = select(Push.version_id).where(Push.version_id.is_not(None))
    versions = session.execute(
        delete(NoticeVersion)
        .where(NoticeVersion.fetched_at < cutoff)
        .where(NoticeVersion.id.not_in(current))
        .where(NoticeVersion.id.not_in(referenced))
        .where(NoticeVersion.id.not_in(posted))
        .returning(NoticeVersion.id)
    ).all()
    mails = session.execute(
        delete(Mail)
        .where(
            Mail.purpose != MailPurpose.ALERT,
            Mail.status.in_((MailStatus.SENT, MailStatus.FAILED)),
            Mail.created_at < cutoff,
        )
        .returning(Mail.id)
    ).all()
    runs = session.execute(delete(Run).where(Run.started_at < cutoff).returning(Run.id)).all()
    return {"versions": len(versions), "mails": len(mails), "runs": len(runs)}
