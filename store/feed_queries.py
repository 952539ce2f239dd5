"""The feeds' own reads: a private feed's subscriber, and the notices that concern them.

"Concerns" is what the alert layer decided (the notices it queued alerts about for this
subscriber) plus what it would decide now for current notices: national or in their
province or city, of a kind they chose, and for certificate notices one of their
certificates inside an eligible range. The second part lets a new subscriber's feed show
the notices already out before they joined.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from core.vocab import CERTIFICATE_KINDS
from store.models import Alert, Certificate, EligibleRange, Notice, NoticeVersion, Subscriber

# A bouncing address still reads its feed: the feed is the way round a mailbox that refuses mail.
FEED_STATUSES = ("active", "bouncing")


def feed_subscriber(session: Session, subscriber_id: int) -> Subscriber | None:
    """The subscriber a private feed token names, if they may still read their feed (subscribed)."""
    return session.scalars(
        select(Subscriber).where(Subscriber.id == subscriber_id, Subscriber.status.in_(FEED_STATUSES))
    ).one_or_none()


def notices_for_subscriber(
    session: Session, subscriber: Subscriber, *, limit: int | None = None
) -> list[Notice]:
    """Notices concerning ``subscriber``, newest first like ``list_notices``, current version loaded."""
    kinds = [k for k in subscriber.alert_kinds if k != "reminders"]
    alerted = select(Alert.notice_id).where(
        Alert.subscriber_id == subscriber.id, Alert.notice_id.is_not(None)
    )
    holds_eligible = exists().where(
        Certificate.subscriber_id == subscriber.id,
        EligibleRange.version_id == NoticeVersion.id,
        Certificate.obtained_low <= EligibleRange.high,
        Certificate.obtained_high >= EligibleRange.low,
    )
    regions = ["national", *(r for r in (subscriber.province, subscriber.city) if r)]
    matches_now = and_(
        NoticeVersion.region.in_(regions),
        NoticeVersion.kind.in_(kinds),
        or_(NoticeVersion.kind.not_in(CERTIFICATE_KINDS), holds_eligible),
    )
    query = (
        select(Notice)
        .join(NoticeVersion, NoticeVersion.id == Notice.current_version_id)
        .where(or_(Notice.id.in_(alerted), matches_now))
        .options(selectinload(Notice.current_version), selectinload(Notice.versions))
        .order_by(Notice.published_date.desc().nulls_last(), Notice.first_seen_at.desc(), Notice.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))
