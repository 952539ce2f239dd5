"""Reminders: a window of a notice you were told about closes soon, a registration lapses.

Both are one INSERT … SELECT per reminder stage into the alert ledger, keyed so that each
reminder fires once (the window's end date, the registration period's start).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    and_,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from core.sessions import REGISTRATION_YEARS, registration_basis, shift_years
from core.vocab import NOTICE_ALERT_KINDS, SubscriberStatus
from store.matching import (
    EXPIRY_REMINDER_DAYS,
    as_text,
    days_from,
    insert_alerts,
    json_object,
    wants_topic,
)
from store.models import (
    Alert,
    Certificate,
    Notice,
    NoticeVersion,
    NoticeWindow,
    Subscriber,
)


def queue_closing_alerts(session: Session, *, today: date, now: datetime) -> int:
    """Queue ``closing_soon`` for each open window ending within the subscriber's ``reminder_days``.

    Only for notices the subscriber was alerted about in an earlier run (an alert already
    in a mail): someone who hears of a notice today gets the notice, not a second line.
    The key includes the end date, so an extended window is reminded of again.
    """
    told = (
        select(Alert.subscriber_id, Alert.notice_id)
        .where(Alert.kind.in_(NOTICE_ALERT_KINDS), Alert.mail_id.is_not(None))
        .distinct()
        .subquery()
    )
    query = (
        select(
            Subscriber.id,
            literal("closing_soon"),
            literal("closing:")
            + as_text(Notice.id)
            + literal(":")
            + as_text(NoticeWindow.position)
            + literal(":")
            + as_text(NoticeWindow.end_date),
            Notice.id,
            NoticeVersion.id,
            literal(None, Integer),
            json_object(session, window=NoticeWindow.position),
            literal(now, DateTime(timezone=True)),
        )
        .select_from(told)
        .join(Subscriber, Subscriber.id == told.c.subscriber_id)
        .join(Notice, Notice.id == told.c.notice_id)
        .join(NoticeVersion, NoticeVersion.id == Notice.current_version_id)
        .join(NoticeWindow, NoticeWindow.version_id == NoticeVersion.id)
        .where(
            Subscriber.status == SubscriberStatus.ACTIVE,
            wants_topic("reminders"),
            NoticeWindow.end_date >= today,
            days_from(session, today, NoticeWindow.end_date) <= Subscriber.reminder_days,
        )
    )
    return insert_alerts(session, query)


def queue_expiry_alerts(
    session: Session, *, today: date, now: datetime, days_ahead: tuple[int, ...] = EXPIRY_REMINDER_DAYS
) -> int:
    """Queue ``expiry`` reminders for certificates whose registration lapses within a reminder stage.

    Each stage (180 and 30 days ahead by default) fires once per registration period: the
    key names the period's start, so registering again starts a new cycle. A certificate
    found late gets only the nearest stage. Subscribers who turned expiry reminders off,
    or reminders altogether, get none. The period start is a range over columns (the
    registration date, or the session ordinal), so the condition uses the indexes.
    """
    stages = sorted(days_ahead, reverse=True)
    added = 0
    for index, ahead in enumerate(stages):
        nearer = stages[index + 1] if index + 1 < len(stages) else -1
        # today ∈ (expiry - ahead … expiry - nearer] ⇔ basis ∈ [today + nearer + 1 - 3y … today + ahead - 3y]
        first = shift_years(today + timedelta(days=nearer + 1), -REGISTRATION_YEARS)
        last = shift_years(today + timedelta(days=ahead), -REGISTRATION_YEARS)
        ordinals = [
            year * 10 + half
            for year in range(first.year - 1, last.year + 1)
            for half in (1, 2)
            if first <= registration_basis(year * 10 + half, None) <= last
        ]
        in_stage = or_(
            Certificate.last_registered.between(first, last),
            and_(Certificate.last_registered.is_(None), Certificate.obtained_high.in_(ordinals)),
        )
        basis = func.coalesce(as_text(Certificate.last_registered), as_text(Certificate.obtained_high))
        query = (
            select(
                Subscriber.id,
                literal("expiry"),
                # Named by qualification and session, not by the certificate row: one removed
                # and entered again on the manage page is the same certificate, reminded once.
                literal("expiry:")
                + Certificate.qualification
                + literal(":")
                + as_text(Certificate.obtained_high)
                + literal(":")
                + basis
                + literal(f":{ahead}"),
                literal(None, Integer),
                literal(None, Integer),
                Certificate.id,
                literal({"days_ahead": ahead}, JSON),
                literal(now, DateTime(timezone=True)),
            )
            .select_from(Certificate)
            .join(Subscriber, Subscriber.id == Certificate.subscriber_id)
            .where(
                Subscriber.status == SubscriberStatus.ACTIVE,
                Subscriber.expiry_reminders.is_(True),  # its own switch, not 截止前提醒 (deadlines)
                in_stage,
            )
        )
        added += insert_alerts(session, query)
    return added
