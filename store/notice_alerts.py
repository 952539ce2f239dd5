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
)
from sqlalchemy.orm import Session, aliased

from core.vocab import CERTIFICATE_KINDS, NOTICE_ALERT_KINDS, SubscriberStatus
from store.matching import (
    OpenNotice,
    concerned,
    insert_alerts,
    open_notices,
    open_window,
)
from store.models import (
    Alert,
    Notice,
    NoticeVersion,
    Subscriber,
)


def queue_notice_alerts(session: Session, *, today: date, now: datetime) -> Counter[str]:
    """Queue an alert for every subscriber a current notice with an open window concerns.

    "Concerns" is ``store.matching.concerned`` (docs/matching.md); the alert names the
    first eligible certificate. A late-registration notice (补登记) is its own alert kind.
    An alert about a notice whose scope the parser was unsure of carries the uncertainty
    in its detail, so the mail can say so. Returns the alerts added, by kind.

    One INSERT … SELECT per open notice, with the notice's values as constants: as one
    statement over notices × subscribers × ranges, SQLite took 1.6–1.9× a bare insert of the
    same rows (BENCHMARKS.md, Alerts). The passes run in a fixed order (certificate notices,
    late registration, the rest), so alert ids, and the Message-IDs derived from them,
    follow it as they did when each pass was one statement.
    """

    def alerts(notice: OpenNotice, kind: str):
        detail = {"uncertain": list(notice.uncertain)} if notice.uncertain else {}
        return concerned(
            notice,
            lambda subscriber_id, certificate_id: [
                subscriber_id,
                literal(kind),
                literal(f"notice:{notice.notice_id}"),
                literal(notice.notice_id),
                literal(notice.version_id),
                certificate_id,
                literal(detail, JSON),
                literal(now, DateTime(timezone=True)),
            ],
        )

    notices = open_notices(session, today)
    counts: Counter[str] = Counter(new_window=0, late_registration=0)
    passes = (  # certificate notices, late registration, the rest: ids keep this order
        lambda n: n.kind in CERTIFICATE_KINDS and n.kind != "late_registration",
        lambda n: n.kind == "late_registration",
        lambda n: n.kind not in CERTIFICATE_KINDS,
    )
    for belongs in passes:
        for notice in filter(belongs, notices):
            kind = "late_registration" if notice.kind == "late_registration" else "new_window"
            query = alerts(notice, kind)
            if query is not None:
                counts[kind] += insert_alerts(session, query)
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

    Only while a window of the old or the new version is still open: a correction to a
    finished window is news to nobody, but a window withdrawn (postponed without a date)
    or closed early is news to everyone who was told it was open.
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
            Subscriber.status == SubscriberStatus.ACTIVE,
            or_(open_window(today), open_window(today, change.from_version_id)),
        )
    )
    return insert_alerts(session, query)
