"""The push outbox: posts to push channels, claimed, delivered and recorded under the mail's rules.

A post moves pending → sending (claimed, with a lease) → sent, or back to pending with a
later attempt, or to failed with its reason, exactly as a mail does: the claim, the
lease, the take-over of dead senders' claims, retries by age and the outcome rules are
``store.outbox``'s, applied to the ``push`` table. What is particular to pushes lives
here: reading a post with what it is about, and each channel's health (since when it
fails, whether the operator was told).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from store.claims import claim_ids
from store.matching import insert_into, is_postgres
from store.models import Alert, Certificate, Push, PushChannel, PushTarget, Subscriber
from store.outbox import Outcome, record_outcomes
from store.outgoing import (
    AlertItem,
    Recipient,
    alert_item,
    aware,
    recipient_columns,
    recipient_of,
    version_rows,
)
from store.subscriber_regions import regions_by_subscriber

PUSH_COLUMNS = (
    "channel",
    "target_id",
    "kind",
    "about",
    "notice_id",
    "version_id",
    "alert_id",
    "detail",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
)


@dataclass(frozen=True)
class OutgoingPush:
    """A claimed post with what it says and where it goes; plain data, detached from the session.

    ``url`` is the subscriber target's Apprise URL (None for an operator channel, whose URL
    stays in the configuration). ``item`` is None for a target's test message.
    """

    id: int
    channel: str
    kind: str
    detail: dict
    attempts: int
    created_at: datetime
    url: str | None
    target_id: int | None
    target_status: str | None
    confirm_code: str | None
    subscriber: Recipient | None
    item: AlertItem | None
    lease_until: datetime | None = (
        None  # while claimed: when the claim runs out and another sender may take it
    )

    @property
    def blocked_reason(self) -> str | None:
        """Why this post must not go out any more (checked when it is sent), or None."""
        if not self.channel.startswith("sub:"):
            return None
        if self.url is None or self.subscriber is None:
            return "push target removed"
        allowed = ("pending", "active") if self.kind == "confirm" else ("active",)
        if self.subscriber.status not in allowed:
            return f"subscriber {self.subscriber.status}"
        if self.target_status == "refused":
            return "push target refused by the service"
        if self.kind != "confirm" and self.target_status != "confirmed":
            return "push target not confirmed"
        return None


def insert_pushes(session: Session, query) -> int:
    """Run INSERT … SELECT ``query`` (columns as ``PUSH_COLUMNS``) into ``push``, skipping duplicates."""
    stmt = (
        insert_into(session, Push)
        .from_select(list(PUSH_COLUMNS), query)
        .on_conflict_do_nothing(index_elements=["channel", "kind", "about"])
    )
    if is_postgres(session):
        return session.scalar(select(func.count()).select_from(stmt.returning(Push.id).cte("added")))
    return session.connection().execute(stmt).rowcount


def _items(session: Session, rows) -> dict[int, AlertItem]:
    """The notice (and, for a subscriber's post, the certificate) each post is about."""
    versions = version_rows(session, {r.version_id for r in rows if r.version_id is not None})
    return {
        r.id: alert_item(r, versions.get(r.version_id), r.alert_id or 0) for r in rows if r.kind != "confirm"
    }


def load_pushes(session: Session, ids: list[int]) -> list[OutgoingPush]:
    """The posts ``ids`` as plain data, with their targets, subscribers and notices."""
    if not ids:
        return []
    target = aliased(PushTarget)
    rows = session.execute(
        select(
            Push.id,
            Push.channel,
            Push.kind,
            Push.about,
            Push.detail,
            Push.attempts,
            Push.created_at,
            Push.lease_until,
            Push.version_id,
            Push.alert_id,
            Push.target_id,
            target.url,
            target.status.label("target_status"),
            target.confirm_code,
            *recipient_columns(),
            Certificate.qualification,
            Certificate.obtained,
            Certificate.obtained_high,
            Certificate.last_registered,
        )
        .outerjoin(target, target.id == Push.target_id)
        .outerjoin(Subscriber, Subscriber.id == target.subscriber_id)
        .outerjoin(Alert, Alert.id == Push.alert_id)
        .outerjoin(Certificate, Certificate.id == Alert.certificate_id)
        .where(Push.id.in_(ids))
        .order_by(Push.id)
    ).all()
    items = _items(session, rows)
    regions = regions_by_subscriber(session, (r.subscriber_id for r in rows))
    return [
        OutgoingPush(
            id=r.id,
            channel=r.channel,
            kind=r.kind,
            detail=r.detail or {},
            attempts=r.attempts,
            created_at=aware(r.created_at),
            url=r.url,
            target_id=r.target_id,
            target_status=r.target_status,
            confirm_code=r.confirm_code,
            subscriber=recipient_of(r, regions),
            item=items.get(r.id),
            lease_until=aware(r.lease_until) if r.lease_until else None,
        )
        for r in rows
    ]


def claim_pushes(
    session: Session,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    holder: int,
    skip: set[str] | frozenset[str] = frozenset(),
    kind: str | None = None,
) -> list[OutgoingPush]:
    """Claim up to ``limit`` due posts for ``holder``, none of the channels ``skip`` (``store.claims.claim_ids``)."""
    where = (Push.channel.not_in(sorted(skip)),) if skip else ()
    if kind is not None:
        where = (*where, Push.kind == kind)
    ids = claim_ids(session, Push, now=now, lease=lease, limit=limit, holder=holder, row_id=None, where=where)
    return load_pushes(session, ids)


def _channel_states(session: Session, keys: set[str], labels: dict[str, str]) -> dict[str, PushChannel]:
    states = {s.key: s for s in session.scalars(select(PushChannel).where(PushChannel.key.in_(keys)))}
    for key in keys - set(states):
        states[key] = PushChannel(key=key, label=labels.get(key, key))
        session.add(states[key])
    for key, state in states.items():
        state.label = labels.get(key, state.label)
    return states


def record_push_outcomes(
    session: Session,
    outcomes: list[Outcome],
    *,
    now: datetime,
    holder: int,
    give_up_after: timedelta,
    labels: dict[str, str],
) -> dict[str, int]:
    """Store the outcomes of posts, and each channel's health; counts as ``store.outbox.empty_counts``.

    A channel that took a post is healthy again; one whose post failed or must be retried
    is failing since the first such outcome, with the reason. ``labels`` are the channels'
    masked URLs, the only form in which they are stored.
    """
    channels = dict(
        session.execute(select(Push.id, Push.channel).where(Push.id.in_([o.mail_id for o in outcomes]))).all()
    )
    counts = record_outcomes(
        session, outcomes, now=now, holder=holder, give_up_after=give_up_after, model=Push
    )
    lost = [o.mail_id for o in outcomes if o.result == "unknown"]
    if lost:  # a post has no DATA: say what happened to it
        session.execute(
            update(Push)
            .where(Push.id.in_(lost), Push.status == "failed")
            .values(last_error=func.replace(Push.last_error, "connection lost after DATA", "timed out"))
        )
    tried = [o for o in outcomes if o.result not in ("blocked", "release") and o.mail_id in channels]
    if not tried:
        return counts
    states = _channel_states(session, {channels[o.mail_id] for o in tried}, labels)
    for outcome in tried:
        state = states[channels[outcome.mail_id]]
        if outcome.result == "sent":
            state.last_success_at, state.failing_since, state.last_error = now, None, None
            state.admin_alerted_at = None
        else:
            state.failing_since = state.failing_since or now
            state.last_error = (outcome.error or "")[:2000]
    return counts


def channels_to_report(session: Session, *, now: datetime, failing_for: timedelta) -> list[PushChannel]:
    """Operator channels failing for ``failing_for`` or longer that the operator was not told about."""
    return list(
        session.scalars(
            select(PushChannel)
            .where(
                PushChannel.key.like("op:%"),
                PushChannel.failing_since <= now - failing_for,
                PushChannel.admin_alerted_at.is_(None),
            )
            .order_by(PushChannel.key)
        )
    )


def mark_reported(session: Session, keys: list[str], now: datetime) -> None:
    if keys:
        session.execute(update(PushChannel).where(PushChannel.key.in_(keys)).values(admin_alerted_at=now))


def push_status(session: Session) -> dict:
    """Posts by status, and every channel with its health (labels only: the URLs are secret)."""
    counts = Counter(dict(session.execute(select(Push.status, func.count()).group_by(Push.status)).all()))
    return {
        "outbox": {k: counts.get(k, 0) for k in ("pending", "sending", "sent", "failed")},
        "channels": [
            {
                "channel": c.key,
                "label": c.label,
                "healthy": c.failing_since is None,
                "failing_since": c.failing_since,
                "last_success_at": c.last_success_at,
                "last_error": c.last_error,
            }
            for c in session.scalars(select(PushChannel).order_by(PushChannel.key))
        ],
    }
