"""The outbox: bundling alerts into mails, claiming due ones for a sender, and recording what the SMTP server said.

A mail moves pending → sending (claimed by one sender, with a lease) → sent, or back to
pending with a later ``next_attempt_at``, or to failed with its reason. Claims commit
before any SMTP traffic, so a sender that dies leaves at most its claimed rows in
``sending``; the next sender takes them over at once when their holder is provably dead
(``store.locks.dead_holders``), or any sender once their lease expires, and sends them
with the Message-ID fixed when the row was created. An outcome is written only while the
claim is still the writer's own. On PostgreSQL claims use ``FOR UPDATE SKIP LOCKED``, so
several senders share the queue without sending a row twice; SQLite gets one sender at a
time (``store.locks.sender_lock``). Mail gives up by age, not by a count of tries: a relay
outage of a day loses nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from core.vocab import MailPurpose, MailStatus, SubscriberStatus
from store.claims import claim_ids, due
from store.models import Alert, Mail, Push, SourceState, Subscriber
from store.outgoing import OutgoingMail, aware, load_mails

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
# A connection lost after DATA may have delivered the mail: wait this long before sending
# it again, and give up after this many such losses rather than resend it every run.
LOST_WAIT = timedelta(minutes=10)
MAX_LOST_AFTER_DATA = 3
# Permanent 5.1.x refusals (no such mailbox) after which a subscriber counts as bouncing.
BOUNCE_LIMIT = 2
# Claims under the hourly cap are counted and taken under this transaction lock on
# PostgreSQL, so senders in several processes share one cap (SQLite: BEGIN IMMEDIATE).
_CAP_LOCK = text("SELECT pg_advisory_xact_lock(1380669267, hashtext(current_schema()))")  # "RKWS"


def new_message_id(purpose: str, domain: str) -> str:
    """A Message-ID no other mail of any installation has: a random UUID, stored with the row."""
    return f"<ruankao-watch.{purpose}-{uuid.uuid4().hex}@{domain}>"


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


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
        status=MailStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        message_id=new_message_id(purpose, domain),
        created_at=now,
    )
    session.add(mail)
    session.flush()
    return mail


def bundle_alerts_into_mails(session: Session, *, now: datetime, domain: str) -> int:
    """Put every alert not yet in a mail into a pending mail: one per subscriber, or one per alert.

    Digest subscribers get one mail for all their new alerts; those who chose instant
    mail (``digest`` false) one per alert. Each mail gets its Message-ID here, once. The
    alerts are read ``FOR UPDATE`` on PostgreSQL, so an overlapping run waits, then finds
    them bundled and creates nothing. Returns how many mails were created.
    """
    query = (
        select(Alert.id, Alert.subscriber_id, Subscriber.email, Subscriber.digest)
        .join(Subscriber, Subscriber.id == Alert.subscriber_id)
        .where(Alert.mail_id.is_(None))
        .order_by(Alert.id)
    )
    if _is_postgres(session):
        query = query.with_for_update(of=Alert)
    bundles: dict[tuple[int, int | None], list[int]] = {}
    emails: dict[int, str] = {}
    for row in session.execute(query):
        bundles.setdefault((row.subscriber_id, None if row.digest else row.id), []).append(row.id)
        emails[row.subscriber_id] = row.email
    if not bundles:
        return 0
    rows = [
        {
            "subscriber_id": subscriber_id,
            "recipient": emails[subscriber_id],
            "purpose": "alert",
            "status": MailStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "message_id": new_message_id("alert", domain),
            "detail": {},
            "created_at": now,
        }
        for subscriber_id, _ in bundles
    ]
    mail_ids = session.scalars(insert(Mail).returning(Mail.id, sort_by_parameter_order=True), rows).all()
    session.execute(
        update(Alert),
        [
            {"id": alert_id, "mail_id": mail_id}
            for mail_id, alert_ids in zip(mail_ids, bundles.values(), strict=True)
            for alert_id in alert_ids
        ],
    )
    return len(mail_ids)


def forget_undelivered_alerts(session: Session, subscriber_id: int) -> int:
    """Drop the subscriber's alerts whose mail failed without arriving, so matching queues them again.

    For someone who confirms again after leaving or bouncing: the mails that were not sent
    while they were away (or were refused) are in nobody's inbox, yet the ledger's unique
    key would keep what still concerns them from ever being queued again. A mail that may
    have arrived (a connection lost after DATA) keeps its alerts, and so does an alert a
    push target of theirs was sent (they were told); the failed mails stay, with their
    reasons. Returns how many alerts were dropped.
    """
    failed = select(Mail.id).where(
        Mail.subscriber_id == subscriber_id, Mail.status == MailStatus.FAILED, Mail.lost_after_data == 0
    )
    pushed = select(Push.alert_id).where(Push.alert_id.is_not(None), Push.status == MailStatus.SENT)
    return session.execute(
        delete(Alert).where(
            Alert.subscriber_id == subscriber_id, Alert.mail_id.in_(failed), Alert.id.not_in(pushed)
        )
    ).rowcount


def _hourly_allowance(session: Session, now: datetime, per_hour: int) -> int:
    """Mails that may still be claimed under the hourly cap: sent in the past hour or in flight count."""
    if _is_postgres(session):
        session.execute(_CAP_LOCK)  # held to the end of the claim's transaction
    used = session.scalar(
        select(func.count(Mail.id)).where(
            ((Mail.status == MailStatus.SENT) & (Mail.sent_at >= now - timedelta(hours=1)))
            | (Mail.status == MailStatus.SENDING)
        )
    )
    return per_hour - (used or 0)


def claim_mails(
    session: Session,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    holder: int,
    per_hour: int | None = None,
    mail_id: int | None = None,
) -> list[OutgoingMail]:
    """Claim up to ``limit`` due mails for ``holder`` (or the one ``mail_id``, if it is not sent or failed).

    A due mail is pending and its next attempt has come, or left ``sending`` by a holder
    whose lease has expired. Claiming marks it ``sending`` until ``now + lease``; the
    attempt is counted only when the mail is tried. ``per_hour`` caps what all senders
    together send in an hour. The caller commits before talking to the SMTP server.
    """
    if per_hour is not None:
        limit = min(limit, _hourly_allowance(session, now, per_hour))
    ids = claim_ids(session, Mail, now=now, lease=lease, limit=limit, holder=holder, row_id=mail_id)
    return load_mails(session, ids)


def pending_mails(session: Session, *, now: datetime) -> list[OutgoingMail]:
    """Pending mails due by ``now``, oldest first, without claiming (``run --dry-run`` writes them out)."""
    query = (
        select(Mail.id)
        .where(Mail.status == MailStatus.PENDING, Mail.next_attempt_at <= now)
        .order_by(Mail.id)
    )
    return load_mails(session, list(session.scalars(query)))


def count_due(session: Session, now: datetime) -> int:
    """How many mails a sender would take now (for its progress bar)."""
    return session.scalar(select(func.count(Mail.id)).where(due(now, Mail))) or 0


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed mail.

    ``result``: ``sent``; ``retry`` (a 4xx reply or a connection failure before DATA);
    ``failed`` (a 5xx reply, or something about this mail that no retry would change);
    ``blocked`` (the subscriber left or bounces); ``release`` (not tried: the relay failed
    earlier in the run); ``unknown`` (the connection died after the message was handed
    over: it may have been accepted, so it waits ``LOST_WAIT`` before it goes again).
    ``refused_target`` (pushes only) names the subscriber's push target whose service
    refused its key, to be marked ``refused`` with the outcome.
    """

    mail_id: int
    result: str
    error: str | None = None
    bounced: bool = False
    refused_target: int | None = None


def released_if_claim_running_out(
    row_id: int, lease_until: datetime | None, now: datetime, margin: timedelta
) -> Outcome | None:
    """A ``release`` for a claimed mail or post whose claim has less than ``margin`` left, else None.

    It waited its turn behind a slow relay or service until another sender could take it (its
    claim runs out) and be delivering it too: given back untried, it goes once, from one sender.
    ``margin`` is the longest one delivery may take.
    """
    if lease_until and now + margin >= lease_until:
        return Outcome(row_id, "release", "not tried: its claim ran out while it waited")
    return None


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` tries: 1, 2, 4 … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


@dataclass(frozen=True)
class _Claimed:
    """The columns of a claimed row that decide what an outcome does to it."""

    created_at: datetime
    attempts: int
    lost_after_data: int


def _claimed(session: Session, holder: int, ids: list[int], model=Mail) -> dict[int, _Claimed]:
    """Those of ``ids`` still claimed by ``holder``: the others were taken over and are not ours to write."""
    query = select(model.id, model.created_at, model.attempts, model.lost_after_data).where(
        model.id.in_(ids), model.status == MailStatus.SENDING, model.claimed_by == holder
    )
    return {
        row.id: _Claimed(aware(row.created_at), row.attempts, row.lost_after_data)
        for row in session.execute(query)
    }


def _new_state(
    outcome: Outcome, row: _Claimed, *, now: datetime, give_up_after: timedelta
) -> tuple[str, dict]:
    """The count an outcome falls under and the values it writes on its row."""
    error = (outcome.error or "")[:2000]
    tried = outcome.result not in ("blocked", "release")
    attempts = row.attempts + 1 if tried else row.attempts
    values: dict = {"attempts": attempts, "last_error": error, "lease_until": None, "claimed_by": None}
    if outcome.result in ("failed", "blocked"):
        return ("skipped" if outcome.result == "blocked" else "failed"), {
            **values,
            "status": MailStatus.FAILED,
        }
    too_old = now - row.created_at >= give_up_after
    lost = row.lost_after_data + (outcome.result == "unknown")
    if too_old or lost >= MAX_LOST_AFTER_DATA:
        why = (
            f"not delivered within {give_up_after / timedelta(days=1):g} days"
            if too_old
            else f"connection lost after DATA {lost} times (it may have arrived)"
        )
        return "failed", {
            **values,
            "status": MailStatus.FAILED,
            "last_error": f"gave up: {why}; last error: {error}",
        }
    if outcome.result == "unknown":
        wait, count = LOST_WAIT, "unknown"
    elif outcome.result == "release":
        wait, count = timedelta(0), "released"
    else:
        wait, count = backoff(attempts), "retried"
    return count, {
        **values,
        "status": MailStatus.PENDING,
        "next_attempt_at": now + wait,
        "lost_after_data": lost,
    }


def empty_counts() -> dict[str, int]:
    """The counts a send reports, all zero."""
    return {"sent": 0, "failed": 0, "retried": 0, "released": 0, "skipped": 0, "unknown": 0}


def record_outcomes(
    session: Session,
    outcomes: list[Outcome],
    *,
    now: datetime,
    holder: int,
    give_up_after: timedelta,
    model=Mail,
) -> dict[str, int]:
    """Store the outcomes of one batch; returns counts as ``empty_counts``.

    Only rows still claimed by ``holder`` are written (a row taken over by another sender
    is theirs now). A retry, a release or an unknown outcome on a mail older than
    ``give_up_after`` fails it with the reason. A 5.1.x refusal counts against the
    subscriber, who becomes ``bouncing`` after ``BOUNCE_LIMIT`` of them. ``model`` is the
    outbox table (``Push`` rows follow the same rules; ``mail_id`` then names a push).
    """
    counts = empty_counts()
    claimed = _claimed(session, holder, [o.mail_id for o in outcomes], model)
    sent = [o.mail_id for o in outcomes if o.result == "sent" and o.mail_id in claimed]
    if sent:
        session.execute(
            update(model)
            .where(model.id.in_(sent))
            .values(
                status=MailStatus.SENT,
                sent_at=now,
                attempts=model.attempts + 1,
                lease_until=None,
                claimed_by=None,
                last_error=None,
            )
        )
        counts["sent"] = len(sent)
    for outcome in outcomes:
        if outcome.result == "sent" or outcome.mail_id not in claimed:
            continue
        count, values = _new_state(outcome, claimed[outcome.mail_id], now=now, give_up_after=give_up_after)
        counts[count] += 1
        session.execute(update(model).where(model.id == outcome.mail_id).values(**values))
        if outcome.bounced and model is Mail:
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
            Subscriber.status == SubscriberStatus.ACTIVE,
        )
        .values(status=SubscriberStatus.BOUNCING)
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
