"""Filling the push outbox: what each operator channel and each subscriber target must be sent.

An operator channel (``op:<key>``) is sent every current notice with an open window in its
regions (national notices always) and kinds, a change to a notice it was sent while a
window is open, and a reminder before a window of such a notice closes. A subscriber's
confirmed target (``sub:<id>``) is sent each of the subscriber's alerts of this run. Every
post is keyed (channel, kind, about) like the alert ledger, so a re-run adds nothing.
Subscribers' targets and their confirmation live here too.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import DateTime, Integer, String, cast, func, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from core.places import CITY_PROVINCE, NATIONAL
from core.vocab import NOTICE_ALERT_KINDS
from store.matching import days_from, insert_into, is_postgres, open_notices, open_window
from store.models import Alert, Notice, NoticeVersion, NoticeWindow, Push, PushTarget, Subscriber
from store.push_outbox import insert_pushes

# Targets one subscriber may have: enough for a phone and a group or two.
MAX_TARGETS = 5


def _row(channel: str, kind: str, about: str, now: datetime, **values: object) -> dict:
    return {
        "channel": channel,
        "kind": kind,
        "about": about,
        "detail": {},
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        **values,
    }


def insert_push_rows(session: Session, rows: list[dict]) -> int:
    """Insert posts, skipping those already queued (same channel, kind, about); returns how many were added."""
    if not rows:
        return 0
    stmt = insert_into(session, Push).on_conflict_do_nothing(index_elements=["channel", "kind", "about"])
    if is_postgres(session):
        return len(session.scalars(stmt.returning(Push.id), rows).all())
    return sum(session.connection().execute(stmt, [row]).rowcount for row in rows)


def region_passes(region: str, regions: tuple[str, ...]) -> bool:
    """A national notice always passes; otherwise one of ``regions`` or a city inside one (深圳 in 广东)."""
    if not regions or region in (NATIONAL, "", None):
        return True
    return region in regions or CITY_PROVINCE.get(region) in regions


def queue_channel_notices(
    session: Session,
    channel: str,
    *,
    regions: tuple[str, ...],
    kinds: tuple[str, ...],
    today: date,
    now: datetime,
) -> int:
    """Queue every current notice with an open window that passes the channel's regions and kinds.

    No ``kinds``: every kind. A notice whose region the parser was unsure of passes (the
    text says so), as it does for subscribers.
    """
    rows = []
    for notice in open_notices(session, today):
        if kinds and notice.kind not in kinds:
            continue
        if not (notice.unsure("region") or region_passes(notice.region, regions)):
            continue
        kind = "late_registration" if notice.kind == "late_registration" else "new_window"
        detail = {"uncertain": list(notice.uncertain)} if notice.uncertain else {}
        rows.append(
            _row(
                channel,
                kind,
                f"notice:{notice.notice_id}",
                now,
                notice_id=notice.notice_id,
                version_id=notice.version_id,
                detail=detail,
            )
        )
    return insert_push_rows(session, rows)


@dataclass(frozen=True)
class ChannelChange:
    """A notice a channel was sent whose current version differs from the one it was sent."""

    notice_id: int
    from_version_id: int
    to_version_id: int
    before: dict
    after: dict


def channel_changes(session: Session, channel: str, today: date) -> list[ChannelChange]:
    """The notices sent to ``channel`` that changed since, while a window of either version is still open."""
    last = (
        select(Push.notice_id, func.max(Push.version_id).label("version_id"))
        .where(Push.channel == channel, Push.kind.in_(NOTICE_ALERT_KINDS))
        .group_by(Push.notice_id)
        .subquery()
    )
    older = aliased(NoticeVersion)
    rows = session.execute(
        select(Notice.id, older.id, NoticeVersion.id, older.parsed, NoticeVersion.parsed)
        .select_from(last)
        .join(Notice, Notice.id == last.c.notice_id)
        .join(NoticeVersion, NoticeVersion.id == Notice.current_version_id)
        .join(older, older.id == last.c.version_id)
        .where(
            last.c.version_id != Notice.current_version_id,
            or_(open_window(today), open_window(today, older.id)),
        )
        .order_by(Notice.id)
    )
    return [ChannelChange(*row) for row in rows]


def queue_channel_change(
    session: Session, channel: str, change: ChannelChange, lines: list[str], now: datetime
) -> int:
    """Queue the ``changed`` post for one change, with the lines saying what changed."""
    row = _row(
        channel,
        "changed",
        f"notice:{change.notice_id}:version:{change.to_version_id}",
        now,
        notice_id=change.notice_id,
        version_id=change.to_version_id,
        detail={"from_version_id": change.from_version_id, "changes": lines},
    )
    return insert_push_rows(session, [row])


def queue_channel_closing(session: Session, channel: str, *, days: int, today: date, now: datetime) -> int:
    """Queue ``closing_soon`` for each window, of a notice the channel was sent in an earlier run, ending within ``days``."""
    told = (
        select(Push.notice_id)
        .where(Push.channel == channel, Push.kind.in_(NOTICE_ALERT_KINDS), Push.created_at < now)
        .distinct()
        .subquery()
    )
    rows = session.execute(
        select(Notice.id, NoticeVersion.id, NoticeWindow.position, NoticeWindow.end_date)
        .select_from(told)
        .join(Notice, Notice.id == told.c.notice_id)
        .join(NoticeVersion, NoticeVersion.id == Notice.current_version_id)
        .join(NoticeWindow, NoticeWindow.version_id == NoticeVersion.id)
        .where(NoticeWindow.end_date >= today, days_from(session, today, NoticeWindow.end_date) <= days)
    )
    return insert_push_rows(
        session,
        [
            _row(
                channel,
                "closing_soon",
                f"closing:{notice_id}:{position}:{end}",
                now,
                notice_id=notice_id,
                version_id=version_id,
                detail={"window": position},
            )
            for notice_id, version_id, position, end in rows
        ],
    )


def queue_target_pushes(session: Session, now: datetime) -> int:
    """Queue each alert not yet in a mail (this run's) for every confirmed target of its active subscriber.

    Runs before the alerts are bundled into mails, in the same transaction.
    """
    query = (
        select(
            literal("sub:") + cast(PushTarget.id, String),
            PushTarget.id,
            Alert.kind,
            Alert.about,
            Alert.notice_id,
            Alert.version_id,
            Alert.id,
            Alert.detail,
            literal("pending"),
            literal(0, Integer),
            literal(now, DateTime(timezone=True)),
            literal(now, DateTime(timezone=True)),
        )
        .select_from(Alert)
        .join(PushTarget, PushTarget.subscriber_id == Alert.subscriber_id)
        .join(Subscriber, Subscriber.id == Alert.subscriber_id)
        .where(Alert.mail_id.is_(None), PushTarget.status == "confirmed", Subscriber.status == "active")
    )
    return insert_pushes(session, query)


# --- subscribers' targets -------------------------------------------------------------------


class TooManyTargets(ValueError):
    """A subscriber already has ``MAX_TARGETS`` push targets."""


def add_target(
    session: Session, subscriber: Subscriber, *, service: str, url: str, now: datetime
) -> PushTarget:
    """Add a pending target (its URL checked by the caller) and queue its test message; a known one is kept as it is."""
    known = session.scalars(
        select(PushTarget).where(PushTarget.subscriber_id == subscriber.id, PushTarget.url == url)
    ).first()
    if known is not None:
        return known
    count = session.scalar(select(func.count()).where(PushTarget.subscriber_id == subscriber.id)) or 0
    if count >= MAX_TARGETS:
        raise TooManyTargets(f"最多可添加 {MAX_TARGETS} 个推送地址")
    target = PushTarget(
        subscriber_id=subscriber.id,
        service=service,
        url=url,
        status="pending",
        confirm_code=secrets.token_urlsafe(24),
        created_at=now,
    )
    session.add(target)
    session.flush()
    queue_test_message(session, target, now)
    return target


def queue_test_message(session: Session, target: PushTarget, now: datetime) -> int:
    """Queue the test message whose link confirms ``target`` (once per confirmation code)."""
    row = _row(f"sub:{target.id}", "confirm", f"confirm:{target.confirm_code[:16]}", now, target_id=target.id)
    return insert_push_rows(session, [row])


def retest_target(session: Session, subscriber_id: int, target_id: int, now: datetime) -> PushTarget | None:
    """A new code and test message for a pending or refused target of the subscriber's; None if not theirs or confirmed."""
    target = session.get(PushTarget, target_id)
    if target is None or target.subscriber_id != subscriber_id or target.status == "confirmed":
        return None
    target.confirm_code = secrets.token_urlsafe(24)
    target.status = "pending"  # a refused target is tried again by its new test message
    queue_test_message(session, target, now)
    return target


def refuse_targets(session: Session, target_ids: set[int]) -> None:
    """Stop posting to targets whose service refused their key (HTTP 401/403/404/410).

    Their queued posts are then blocked when claimed, and no new ones are queued, until the
    owner sends a test message again and confirms it (``retest_target``).
    """
    if target_ids:
        session.execute(update(PushTarget).where(PushTarget.id.in_(target_ids)).values(status="refused"))


def targets_of(session: Session, subscriber_id: int) -> list[PushTarget]:
    return list(
        session.scalars(
            select(PushTarget).where(PushTarget.subscriber_id == subscriber_id).order_by(PushTarget.id)
        )
    )


def remove_target(session: Session, subscriber_id: int, target_id: int) -> bool:
    """Delete one of the subscriber's targets (and its queued posts); False when it is not theirs."""
    target = session.get(PushTarget, target_id)
    if target is None or target.subscriber_id != subscriber_id:
        return False
    session.delete(target)
    session.flush()
    return True


def confirm_target(session: Session, target_id: int, code: str, now: datetime) -> PushTarget | None:
    """Confirm the target whose test-message link carried ``code``; None for a wrong or unknown one.

    Confirming twice is not an error.
    """
    target = session.get(PushTarget, target_id)
    if target is None or not hmac.compare_digest(target.confirm_code.encode(), code.encode()):
        return None
    if target.status != "confirmed":
        target.status, target.confirmed_at = "confirmed", now
    return target
