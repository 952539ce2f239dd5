"""Matching in SQL: which active subscribers a notice concerns, written straight into the alert table.

The work is one INSERT … SELECT per alert kind, so it scales with the database rather
than with a Python loop over subscribers, and ``ON CONFLICT DO NOTHING`` on the alert's
unique key makes a re-run (or two overlapping runs) queue nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, DateTime, Integer, String, and_, cast, exists, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.models import (
    Alert,
    Certificate,
    EligibleRange,
    Mail,
    Notice,
    NoticeVersion,
    NoticeWindow,
    Subscriber,
)

# Notice kinds a subscriber gets when they chose no kinds at all. Exam sign-up notices
# concern people who do not hold a certificate yet, so holders opt in to them.
DEFAULT_ALERT_KINDS = ("registration", "late_registration", "certificate_collection", "reminders")
# Kinds whose notices name the certificates they concern; the others concern everyone in the region.
CERTIFICATE_KINDS = ("registration", "late_registration", "certificate_collection")


def _insert(session: Session, model=Alert):
    """The dialect's INSERT, which knows ON CONFLICT DO NOTHING on both backends."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def _wants_kind(kind_column):
    """SQL: the subscriber chose this notice kind (an empty choice means the defaults)."""
    chosen = cast(Subscriber.alert_kinds, String)
    return or_(
        and_(chosen == "[]", kind_column.in_(DEFAULT_ALERT_KINDS)),
        chosen.like(literal('%"') + kind_column + literal('"%')),
    )


def _region_matches():
    return or_(
        NoticeVersion.region == "national",
        NoticeVersion.region == Subscriber.province,
        NoticeVersion.region == Subscriber.city,
    )


def queue_window_alerts(session: Session, *, today: date, now: datetime) -> int:
    """Queue a ``new_window`` alert for every subscriber a current notice with an open window concerns.

    "Concerns" means: the subscriber is active and chose the notice's kind, the notice is
    national or in their province or city, and, for registration and collection notices,
    one of their certificates lies in an eligible range (the alert names the first such
    certificate). Returns how many alerts were added.
    """
    open_window = exists().where(
        NoticeWindow.version_id == NoticeVersion.id,
        or_(NoticeWindow.end_date.is_(None), NoticeWindow.end_date >= today),
    )
    columns = [
        "subscriber_id",
        "kind",
        "about",
        "notice_id",
        "version_id",
        "certificate_id",
        "detail",
        "created_at",
    ]

    def select_alerts(certificate_id):
        return (
            select(
                Subscriber.id,
                literal("new_window"),
                literal("notice:") + cast(Notice.id, String),
                Notice.id,
                NoticeVersion.id,
                certificate_id,
                cast(literal("{}"), JSON),
                literal(now, DateTime(timezone=True)),
            )
            .select_from(Notice)
            .join(NoticeVersion, NoticeVersion.id == Notice.current_version_id)
            .join(Subscriber, Subscriber.status == "active")
            .where(open_window, _region_matches(), _wants_kind(NoticeVersion.kind))
        )

    holders = (
        select_alerts(func.min(Certificate.id))
        .join(Certificate, Certificate.subscriber_id == Subscriber.id)
        .join(
            EligibleRange,
            and_(
                EligibleRange.version_id == NoticeVersion.id,
                Certificate.obtained_low <= EligibleRange.high,
                Certificate.obtained_high >= EligibleRange.low,
            ),
        )
        .where(NoticeVersion.kind.in_(CERTIFICATE_KINDS))
        .group_by(Subscriber.id, Notice.id, NoticeVersion.id)
    )
    everyone = select_alerts(literal(None, Integer)).where(NoticeVersion.kind.not_in(CERTIFICATE_KINDS))
    added = 0
    for query in (holders, everyone):
        stmt = (
            _insert(session)
            .from_select(columns, query)
            .on_conflict_do_nothing(index_elements=["subscriber_id", "kind", "about"])
        )
        added += len(session.execute(stmt.returning(Alert.id)).all())
    return added


def bundle_alerts_into_mails(session: Session, *, now: datetime, domain: str) -> int:
    """Give every alert not yet in a mail one pending mail per subscriber (the digest).

    The Message-ID is fixed here, once, so a retry after a crash sends the same identity.
    Returns how many mails were created.
    """
    batch = uuid.uuid4().hex[:16]
    pending = select(Alert.subscriber_id).where(Alert.mail_id.is_(None)).distinct().subquery()
    message_id = (
        literal(f"<ruankao-watch.{batch}.") + cast(pending.c.subscriber_id, String) + literal(f"@{domain}>")
    )
    insert_mails = _insert(session, Mail).from_select(
        [
            "subscriber_id",
            "recipient",
            "purpose",
            "status",
            "attempts",
            "next_attempt_at",
            "message_id",
            "detail",
            "created_at",
        ],
        select(
            pending.c.subscriber_id,
            Subscriber.email,
            literal("alert"),
            literal("pending"),
            literal(0),
            literal(now, DateTime(timezone=True)),
            message_id,
            cast(literal("{}"), JSON),
            literal(now, DateTime(timezone=True)),
        ).join(Subscriber, Subscriber.id == pending.c.subscriber_id),
    )
    # RETURNING rather than rowcount: psycopg reports -1 for INSERT … SELECT … ON CONFLICT.
    created = len(session.execute(insert_mails.returning(Mail.id)).all())
    if created:
        mail_of_subscriber = (
            select(Mail.id)
            .where(
                Mail.subscriber_id == Alert.subscriber_id, Mail.message_id.like(f"<ruankao-watch.{batch}.%")
            )
            .scalar_subquery()
        )
        session.execute(update(Alert).where(Alert.mail_id.is_(None)).values(mail_id=mail_of_subscriber))
    return created
