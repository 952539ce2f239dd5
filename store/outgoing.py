"""Outbox rows as plain data for composing: a mail with its subscriber and the alerts it carries.

Reading is kept apart from the outbox's state changes (``store.outbox``): composing needs
columns from six tables, read once per batch of a send, and nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from core.vocab import MailPurpose, SubscriberStatus
from store.models import Alert, Certificate, Mail, Notice, NoticeVersion, Subscriber
from store.subscriber_regions import regions_by_subscriber


@dataclass(frozen=True)
class Recipient:
    """The subscriber a mail goes to, as needed to write to them and to sign their links."""

    id: int
    email: str
    name: str | None
    status: str
    link_secret: str  # signs their links (alerts.tokens)
    regions: tuple[str, ...] = ()  # as they gave them; none: national notices only


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
    lease_until: datetime | None = (
        None  # while claimed: when the claim runs out and another sender may take it
    )

    @property
    def blocked_reason(self) -> str | None:
        """Why this mail must not go out any more (checked at send time), or None.

        Alerts go to active subscribers only; a confirmation to anyone who has not left or
        bounced. Operator mail has no subscriber.
        """
        if self.subscriber is None:
            return None
        allowed = (
            (SubscriberStatus.ACTIVE,)
            if self.purpose == MailPurpose.ALERT
            else (SubscriberStatus.PENDING, SubscriberStatus.ACTIVE)
        )
        return None if self.subscriber.status in allowed else self.subscriber.status


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; the store writes UTC only, so say so."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def version_rows(session: Session, version_ids: set[int]) -> dict[int, Row]:
    """Each notice version's parsed fields and notice, read once however many alerts mention it."""
    if not version_ids:
        return {}
    query = (
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
    return {row.id: row for row in session.execute(query)}


def _alert_items(session: Session, ids: list[int]) -> dict[int, list[AlertItem]]:
    """The alerts of the mails ``ids``, by mail, in the order they were queued."""
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
    versions = version_rows(session, {row.version_id for row in rows if row.version_id is not None})
    items: dict[int, list[AlertItem]] = {mail_id: [] for mail_id in ids}
    for row in rows:
        items[row.mail_id].append(alert_item(row, versions.get(row.version_id), row.id))
    return items


def alert_item(row: Row, version: Row | None, item_id: int) -> AlertItem:
    """An alert (or a push about a notice) from its row (kind, about, detail, certificate columns) and version."""
    return AlertItem(
        id=item_id,
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


def recipient_columns() -> tuple:
    """The subscriber columns ``recipient_of`` reads, for a query joined to ``subscriber``."""
    return (
        Subscriber.id.label("subscriber_id"),
        Subscriber.email,
        Subscriber.name,
        Subscriber.status,
        Subscriber.link_secret,
    )


def recipient_of(row: Row, regions: dict[int, tuple[str, ...]]) -> Recipient | None:
    """The recipient of a row read with ``recipient_columns``; ``regions`` from ``regions_by_subscriber``."""
    if row.subscriber_id is None:
        return None  # operator mail
    return Recipient(
        row.subscriber_id,
        row.email,
        row.name,
        row.status,
        row.link_secret,
        regions.get(row.subscriber_id, ()),
    )


def load_mails(session: Session, ids: list[int]) -> list[OutgoingMail]:
    """The mails ``ids`` as plain data, with their subscribers and alerts.

    Columns rather than ORM entities: this runs once per batch of a send.
    """
    if not ids:
        return []
    items = _alert_items(session, ids)
    query = (
        select(
            Mail.id,
            Mail.message_id,
            Mail.recipient,
            Mail.purpose,
            Mail.detail,
            Mail.attempts,
            Mail.created_at,
            Mail.lease_until,
            *recipient_columns(),
        )
        .outerjoin(Subscriber, Subscriber.id == Mail.subscriber_id)
        .where(Mail.id.in_(ids))
        .order_by(Mail.id)
    )
    rows = session.execute(query).all()
    regions = regions_by_subscriber(session, (row.subscriber_id for row in rows))
    return [
        OutgoingMail(
            id=row.id,
            message_id=row.message_id,
            recipient=row.recipient,
            purpose=row.purpose,
            detail=row.detail or {},
            attempts=row.attempts,
            created_at=aware(row.created_at),
            subscriber=recipient_of(row, regions),
            alerts=tuple(items[row.id]),
            lease_until=aware(row.lease_until) if row.lease_until else None,
        )
        for row in rows
    ]
