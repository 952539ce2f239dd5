"""The outbox: queuing mails, claiming due ones for a sender, and recording what the SMTP server said.

A mail moves pending → sending (claimed, with a lease) → sent, or back to pending with
a later ``next_attempt_at``, or to failed with its last error. Claims commit before any
SMTP traffic, so a sender that dies leaves at most its claimed rows in ``sending``; once
their lease expires any sender takes them again, with the Message-ID fixed when the row
was created. On PostgreSQL claims use ``FOR UPDATE SKIP LOCKED``, so several senders
share the queue without sending a row twice; SQLite gets one sender at a time
(``store.locks.sender_lock``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from core.vocab import MailPurpose
from store.models import Alert, Certificate, Mail, Notice, NoticeVersion, SourceState, Subscriber

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
# Permanent 5.1.x refusals (no such mailbox) after which a subscriber counts as bouncing.
BOUNCE_LIMIT = 2


@dataclass(frozen=True)
class Recipient:
    """The subscriber a mail goes to, as needed to write to them and to sign their links."""

    id: int
    email: str
    name: str | None
    status: str
    link_secret: str  # signs their links (alerts.tokens)
    region: str
    province: str
    city: str


@dataclass(frozen=True)
class AlertItem:
    """One alert with the notice, version and certificate it is about, for composing."""

    id: int
    kind: str
    about: str
    detail: dict
    notice_url: str | None = None
    notice_title: str | None = None
    source_id: str | None = None
    region: str | None = None
    parsed: dict = field(default_factory=dict)
    qualification: str | None = None
    obtained: str | None = None
    obtained_high: int | None = None
    last_registered: date | None = None


@dataclass(frozen=True)
class OutgoingMail:
    """A mail row with everything needed to compose it; plain data, detached from the session."""

    id: int
    message_id: str
    recipient: str
    purpose: str
    detail: dict
    attempts: int
    created_at: datetime
    subscriber: Recipient | None
    alerts: tuple[AlertItem, ...] = ()

    @property
    def blocked_reason(self) -> str | None:
        """Why this mail must not go out any more (checked at send time), or None.

        Alerts go to active subscribers only; a confirmation to anyone who has not left or
        bounced. Operator mail has no subscriber.
        """
        if self.subscriber is None:
            return None
        allowed = ("active",) if self.purpose == "alert" else ("pending", "active")
        return None if self.subscriber.status in allowed else self.subscriber.status


def enqueue_mail(
    session: Session,
    *,
    recipient: str,
    purpose: str,
    subscriber_id: int | None,
    detail: dict | None = None,
    now: datetime,
    domain: str,
) -> Mail:
    """Add one pending mail (a confirmation, an operator notice) with its Message-ID fixed now."""
    if purpose not in MailPurpose.values():
        raise ValueError(f"unknown mail purpose {purpose!r}")
    mail = Mail(
        subscriber_id=subscriber_id,
        recipient=recipient,
        purpose=purpose,
        detail=detail or {},
        status="pending",
        attempts=0,
        next_attempt_at=now,
        message_id=f"<ruankao-watch.{purpose}-{uuid.uuid4().hex}@{domain}>",
        created_at=now,
    )
    session.add(mail)
    session.flush()
    return mail


def _due(now: datetime):
    return or_(
        (Mail.status == "pending") & (Mail.next_attempt_at <= now),
        (Mail.status == "sending") & (Mail.lease_until < now),
    )


def claim_mails(
    session: Session, *, now: datetime, lease: timedelta, limit: int, mail_id: int | None = None
) -> list[OutgoingMail]:
    """Claim up to ``limit`` due mails (or the one ``mail_id``, if it is not sent or failed).

    A due mail is pending and its next attempt has come, or left ``sending`` by a sender
    whose lease has expired. Claiming marks it ``sending`` until ``now + lease`` and
    counts the attempt; the caller commits before talking to the SMTP server.
    """
    query = select(Mail.id).order_by(Mail.next_attempt_at, Mail.id).limit(limit)
    if mail_id is None:
        query = query.where(_due(now))
    else:
        query = query.where(
            Mail.id == mail_id,
            or_(Mail.status == "pending", (Mail.status == "sending") & (Mail.lease_until < now)),
        )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if not ids:
        return []
    session.execute(
        update(Mail)
        .where(Mail.id.in_(ids))
        .values(status="sending", attempts=Mail.attempts + 1, lease_until=now + lease)
    )
    return load_mails(session, ids)


def pending_mails(session: Session, *, now: datetime) -> list[OutgoingMail]:
    """Pending mails due by ``now``, oldest first, without claiming (``run --dry-run`` writes them out)."""
    query = select(Mail.id).where(Mail.status == "pending", Mail.next_attempt_at <= now).order_by(Mail.id)
    return load_mails(session, list(session.scalars(query)))


def count_due(session: Session, now: datetime) -> int:
    """How many mails a sender would take now (for its progress bar)."""
    return session.scalar(select(func.count(Mail.id)).where(_due(now))) or 0


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; the store writes UTC only, so say so."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load_mails(session: Session, ids: list[int]) -> list[OutgoingMail]:
    """The mails ``ids`` as plain data, with their subscribers and alerts.

    Columns rather than ORM entities, and each notice version's parsed fields read once
    however many mails of the batch mention it: this runs once per batch of a send.
    """
    if not ids:
        return []
    rows = session.execute(
        select(
            Alert.mail_id,
            Alert.id,
            Alert.kind,
            Alert.about,
            Alert.detail,
            Alert.version_id,
            Certificate.qualification,
            Certificate.obtained,
            Certificate.obtained_high,
            Certificate.last_registered,
        )
        .outerjoin(Certificate, Certificate.id == Alert.certificate_id)
        .where(Alert.mail_id.in_(ids))
        .order_by(Alert.id)
    ).all()
    version_ids = {row.version_id for row in rows if row.version_id is not None}
    versions = {
        row.id: row
        for row in session.execute(
            select(
                NoticeVersion.id,
                NoticeVersion.region,
                NoticeVersion.parsed,
                Notice.url,
                Notice.title,
                Notice.source_id,
            )
            .join(Notice, Notice.id == NoticeVersion.notice_id)
            .where(NoticeVersion.id.in_(version_ids))
        )
    }
    items: dict[int, list[AlertItem]] = {mail_id: [] for mail_id in ids}
    for row in rows:
        version = versions.get(row.version_id)
        items[row.mail_id].append(
            AlertItem(
                id=row.id,
                kind=row.kind,
                about=row.about,
                detail=row.detail or {},
                notice_url=version.url if version else None,
                notice_title=version.title if version else None,
                source_id=version.source_id if version else None,
                region=version.region if version else None,
                parsed=(version.parsed or {}) if version else {},
                qualification=row.qualification,
                obtained=row.obtained,
                obtained_high=row.obtained_high,
                last_registered=row.last_registered,
            )
        )
    mails = []
    for row in session.execute(
        select(
            Mail.id,
            Mail.message_id,
            Mail.recipient,
            Mail.purpose,
            Mail.detail,
            Mail.attempts,
            Mail.created_at,
            Subscriber.id.label("subscriber_id"),
            Subscriber.email,
            Subscriber.name,
            Subscriber.status,
            Subscriber.link_secret,
            Subscriber.region,
            Subscriber.province,
            Subscriber.city,
        )
        .outerjoin(Subscriber, Subscriber.id == Mail.subscriber_id)
        .where(Mail.id.in_(ids))
        .order_by(Mail.id)
    ):
        recipient = None
        if row.subscriber_id is not None:
            recipient = Recipient(
                row.subscriber_id,
                row.email,
                row.name,
                row.status,
                row.link_secret,
                row.region,
                row.province,
                row.city,
            )
        mails.append(
            OutgoingMail(
                id=row.id,
                message_id=row.message_id,
                recipient=row.recipient,
                purpose=row.purpose,
                detail=row.detail or {},
                attempts=row.attempts,
                created_at=_aware(row.created_at),
                subscriber=recipient,
                alerts=tuple(items[row.id]),
            )
        )
    return mails


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed mail.

    ``result``: ``sent``; ``retry`` (a 4xx reply or a connection failure before DATA);
    ``failed`` (a 5xx reply); ``blocked`` (the subscriber left or bounces); ``unknown``
    (the connection died after the message was handed over: it may have been accepted,
    so the row stays ``sending`` and is retried only when its lease expires).
    """

    mail_id: int
    result: str
    attempts: int = 0
    error: str | None = None
    bounced: bool = False


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` tries: 1, 2, 4 … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def record_outcomes(session: Session, outcomes: list[Outcome], *, now: datetime) -> dict[str, int]:
    """Store the outcomes of one batch; returns counts ``sent``, ``failed``, ``retried``, ``skipped``, ``unknown``.

    A retry past ``MAX_ATTEMPTS`` becomes ``failed`` with the last error. A 5.1.x refusal
    counts against the subscriber, who becomes ``bouncing`` after ``BOUNCE_LIMIT`` of them.
    """
    counts = {"sent": 0, "failed": 0, "retried": 0, "skipped": 0, "unknown": 0}
    sent = [o.mail_id for o in outcomes if o.result == "sent"]
    if sent:
        session.execute(
            update(Mail)
            .where(Mail.id.in_(sent))
            .values(status="sent", sent_at=now, lease_until=None, last_error=None)
        )
        counts["sent"] = len(sent)
    for outcome in outcomes:
        if outcome.result == "sent":
            continue
        error = (outcome.error or "")[:2000]
        if outcome.result == "retry" and outcome.attempts < MAX_ATTEMPTS:
            values = {
                "status": "pending",
                "next_attempt_at": now + backoff(outcome.attempts),
                "lease_until": None,
                "last_error": error,
            }
            counts["retried"] += 1
        elif outcome.result == "unknown":
            values = {"last_error": error}
            counts["unknown"] += 1
        else:
            values = {"status": "failed", "lease_until": None, "last_error": error}
            counts["skipped" if outcome.result == "blocked" else "failed"] += 1
        session.execute(update(Mail).where(Mail.id == outcome.mail_id).values(**values))
        if outcome.bounced:
            _count_bounce(session, outcome.mail_id)
    return counts


def _count_bounce(session: Session, mail_id: int) -> None:
    subscriber_id = select(Mail.subscriber_id).where(Mail.id == mail_id).scalar_subquery()
    session.execute(
        update(Subscriber)
        .where(Subscriber.id == subscriber_id)
        .values(hard_bounces=Subscriber.hard_bounces + 1)
    )
    session.execute(
        update(Subscriber)
        .where(
            Subscriber.id == subscriber_id,
            Subscriber.hard_bounces >= BOUNCE_LIMIT,
            Subscriber.status == "active",
        )
        .values(status="bouncing")
    )


def sent_since(session: Session, since: datetime) -> int:
    """How many mails went out since ``since`` (the hourly rate limit spans sender runs)."""
    return (
        session.scalar(select(func.count(Mail.id)).where(Mail.status == "sent", Mail.sent_at >= since)) or 0
    )


def sources_to_report(session: Session) -> list[SourceState]:
    """Unhealthy sources the operator has not been told about yet.

    Sources that recovered have their ``admin_alerted_at`` cleared here first, so a
    later failure is reported again.
    """
    session.execute(
        update(SourceState)
        .where(SourceState.healthy.is_(True), SourceState.admin_alerted_at.is_not(None))
        .values(admin_alerted_at=None)
    )
    return list(
        session.scalars(
            select(SourceState)
            .where(SourceState.healthy.is_(False), SourceState.admin_alerted_at.is_(None))
            .order_by(SourceState.source_id)
        )
    )
