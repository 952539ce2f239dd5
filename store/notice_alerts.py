"""Notice alerts: "this notice concerns you" (``new_window``, ``late_registration``) and "it changed".

Whom a notice concerns is decided by the conditions in ``store.matching``; this module
runs them, one INSERT … SELECT per open notice, into the alert ledger.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from store.matching import (
    CERTIFICATE_KINDS,
    NOTICE_ALERT_KINDS,
    OpenNotice,
    in_range,
    insert_alerts,
    open_notices,
    open_window,
    region_matches,
    wants_topic,
)
from store.models import (
    Alert,
    Certificate,
    Notice,
    NoticeVersion,
    Subscriber,
)


def queue_notice_alerts(session: Session, *, today: date, now: datetime) -> Counter[str]:
    """Queue an alert for every subscriber a current notice with an open window concerns.

    "Concerns" means: the subscriber is active and chose the notice's kind, the notice is
    national or in their province or city, and, for registration and collection notices,
    one of their certificates lies in an eligible range (the alert names the first such
    certificate). A late-registration notice (补登记) is its own alert kind and goes only to
    holders who have not registered since the notice came out: those who missed the window.
    Returns the alerts added, by kind.

    One INSERT … SELECT per open notice, with the notice's values as constants: as one
    statement over notices × subscribers × ranges, SQLite took 1.6–1.9× a bare insert of the
    same rows (BENCHMARKS.md, Alerts). The passes run in a fixed order (certificate notices,
    late registration, the rest), so alert ids, and the Message-IDs derived from them,
    follow it as they did when each pass was one statement.
    """

    def select_alerts(notice: OpenNotice, kind: str, subscriber_id, certificate_id):
        # Unsure of the region: everyone may be concerned, and the alert says why.
        region = true() if notice.unsure("region") else region_matches(notice.region)
        detail = {"uncertain": list(notice.uncertain)} if notice.uncertain else {}
        return select(
            subscriber_id,
            literal(kind),
            literal(f"notice:{notice.notice_id}"),
            literal(notice.notice_id),
            literal(notice.version_id),
            certificate_id,
            literal(detail, JSON),
            literal(now, DateTime(timezone=True)),
        ).where(Subscriber.status == "active", region, wants_topic(notice.kind))

    def holders(notice: OpenNotice, kind: str, *conditions):
        # Certificates drive the join and the grouping is on certificate.subscriber_id, so
        # SQLite walks the certificate index in subscriber order, looks each subscriber up
        # by primary key and groups without a sort; grouping on subscriber.id made it scan
        # subscribers and search the certificate index once per subscriber instead.
        # Unsure of the eligible ranges: every holder may be concerned, and the alert says why.
        eligible = (
            true() if notice.unsure("eligible") else or_(*(in_range(notice, rng) for rng in notice.ranges))
        )
        return (
            select_alerts(notice, kind, Certificate.subscriber_id, func.min(Certificate.id))
            .select_from(Certificate)
            .join(Subscriber, Subscriber.id == Certificate.subscriber_id)
            .where(eligible, *conditions)
            .group_by(Certificate.subscriber_id)
        )

    def missed(notice: OpenNotice):
        if notice.published is None:
            return true()
        return or_(Certificate.last_registered.is_(None), Certificate.last_registered < notice.published)

    notices = open_notices(session, today)
    counts: Counter[str] = Counter(new_window=0, late_registration=0)
    for notice in notices:
        readable = notice.ranges or notice.unsure("eligible")
        if notice.kind in CERTIFICATE_KINDS and notice.kind != "late_registration" and readable:
            counts["new_window"] += insert_alerts(session, holders(notice, "new_window"))
    for notice in notices:
        if notice.kind == "late_registration" and (notice.ranges or notice.unsure("eligible")):
            counts["late_registration"] += insert_alerts(
                session, holders(notice, "late_registration", missed(notice))
            )
    for notice in notices:
        if notice.kind not in CERTIFICATE_KINDS:
            everyone = select_alerts(notice, "new_window", Subscriber.id, literal(None, Integer))
            counts["new_window"] += insert_alerts(session, everyone)
    return counts


def _last_alerted_versions():
    """Per (subscriber, notice): the newest version the subscriber was told about."""
    return (
        select(
            Alert.subscriber_id.label("subscriber_id"),
            Alert.notice_id.label("notice_id"),
            func.max(Alert.version_id).label("version_id"),
        )
        .where(Alert.kind.in_(NOTICE_ALERT_KINDS))
        .group_by(Alert.subscriber_id, Alert.notice_id)
        .subquery()
    )


@dataclass(frozen=True)
class VersionChange:
    """A notice whose current version differs from one some subscribers were alerted about."""

    notice_id: int
    from_version_id: int
    to_version_id: int
    before: dict
    after: dict


def changed_notices(session: Session) -> list[VersionChange]:
    """The (notice, version told about) pairs now outdated; the caller decides what changed.

    There are as many pairs as amended notices (not subscribers), so the diff is taken
    once per pair in Python and the per-subscriber work stays in SQL.
    """
    last = _last_alerted_versions()
    pairs = (
        select(Notice.id.label("notice_id"), last.c.version_id, Notice.current_version_id)
        .distinct()
        .join(Notice, Notice.id == last.c.notice_id)
        .where(last.c.version_id != Notice.current_version_id)
        .subquery()
    )
    older = aliased(NoticeVersion)
    rows = session.execute(
        select(pairs.c.notice_id, older.id, NoticeVersion.id, older.parsed, NoticeVersion.parsed)
        .join(NoticeVersion, NoticeVersion.id == pairs.c.current_version_id)
        .join(older, older.id == pairs.c.version_id)
        .order_by(pairs.c.notice_id, older.id)
    )
    return [VersionChange(*row) for row in rows]


def queue_change_alerts(
    session: Session, change: VersionChange, changes: list[str], *, today: date, now: datetime
) -> int:
    """Queue a ``changed`` alert, with the field-by-field ``changes``, for everyone told about the old version.

    Only while a window of the notice is still open: a correction to a finished window
    is news to nobody.
    """
    last = _last_alerted_versions()
    query = (
        select(
            last.c.subscriber_id,
            literal("changed"),
            literal(f"notice:{change.notice_id}:version:{change.to_version_id}"),
            literal(change.notice_id),
            literal(change.to_version_id),
            literal(None, Integer),
            literal({"from_version_id": change.from_version_id, "changes": changes}, JSON),
            literal(now, DateTime(timezone=True)),
        )
        .select_from(last)
        .join(Subscriber, Subscriber.id == last.c.subscriber_id)
        .join(NoticeVersion, NoticeVersion.id == change.to_version_id)
        .where(
            last.c.notice_id == change.notice_id,
            last.c.version_id == change.from_version_id,
            Subscriber.status == "active",
            open_window(today),
        )
    )
    return insert_alerts(session, query)
