"""The feeds' own reads: a private feed's subscriber, and the notices that concern them.

"Concerns" is what the alert layer decided (the notices it queued alerts about for this
subscriber) plus what it would decide now for the notices still open, by the same rule
(``store.matching.concerned``, docs/matching.md): the second part lets a new subscriber's
feed show the notices already out before they joined.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from core.vocab import SubscriberStatus
from store.matching import concerned, open_notices
from store.models import Alert, Notice, NoticeVersion, Subscriber

# A bouncing address still reads its feed: the feed is the way round a mailbox that refuses mail.
FEED_STATUSES = (SubscriberStatus.ACTIVE, SubscriberStatus.BOUNCING)


def feed_subscriber(session: Session, subscriber_id: int) -> Subscriber | None:
    """The subscriber a private feed token names, if they may still read their feed (subscribed)."""
    return session.scalars(
        select(Subscriber).where(Subscriber.id == subscriber_id, Subscriber.status.in_(FEED_STATUSES))
    ).one_or_none()


def notices_for_subscriber(
    session: Session, subscriber: Subscriber, *, today: date, limit: int | None = None
) -> list[Notice]:
    """Notices concerning ``subscriber``, newest first like ``list_notices``, current version loaded.

    Those the alert layer queued alerts about, and the open notices that concern them now
    by the very rule matching applies (``store.matching.concerned``), asked about this one
    subscriber: one small query per open notice of a kind they chose.
    """
    alerted = select(Alert.notice_id).where(
        Alert.subscriber_id == subscriber.id, Alert.notice_id.is_not(None)
    )
    kinds = [k for k in subscriber.alert_kinds if k != "reminders"]
    now = []
    for notice in open_notices(session, today, NoticeVersion.kind.in_(kinds)):
        who = concerned(notice, lambda subscriber_id, _: [subscriber_id], FEED_STATUSES)
        if who is not None and session.scalar(select(who.where(Subscriber.id == subscriber.id).exists())):
            now.append(notice.notice_id)
    query = (
        select(Notice)
        .join(NoticeVersion, NoticeVersion.id == Notice.current_version_id)
        .where(or_(Notice.id.in_(alerted), Notice.id.in_(now)))
        .options(selectinload(Notice.current_version), selectinload(Notice.versions))
        .order_by(Notice.published_date.desc().nulls_last(), Notice.first_seen_at.desc(), Notice.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))
