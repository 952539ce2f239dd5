"""The subscription service: subscribe, import, confirm, manage, unsubscribe, whatever door it came by.

The HTML pages, the JSON API and the operators' CLI (``subscribers add|import``) call these,
so the double opt-in, the cool-down on confirmation mails and the link checks are written
once. Functions take a Session and never commit: the caller owns the transaction.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from alerts.push import send_test_messages
from alerts.push_services import SERVICES, check_target_url, mask_url
from alerts.send import send_mail_now
from alerts.tokens import epoch_day, make_token, read_token
from core.config import WebSettings
from core.vocab import SubscriberStatus
from feeds.private import feed_token
from feeds.publish import private_url
from store.models import Subscriber
from store.outbox import enqueue_mail
from store.push_queue import TooManyTargets, add_target, targets_of
from store.subscribers import (
    SubscriberData,
    activate,
    find_subscriber,
    get_subscriber,
    reopen,
    upsert_subscriber,
)

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# One confirmation mail per address per hour at most: a form filled in by a bot with a
# stranger's address must not turn us into a mail bomb.
CONFIRM_COOLDOWN = timedelta(hours=1)


def local_today(now: datetime) -> date:
    """Sessions and registration dates are Beijing dates."""
    return now.astimezone(SHANGHAI).date()


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def request_subscription(
    session: Session, data: SubscriberData, *, config: WebSettings, now: datetime, push: tuple[str, ...] = ()
) -> int | None:
    """Record a request to subscribe (``data`` validated); the id of a confirmation mail to send, or None.

    A known address keeps what it has: only its own links may change a subscription, so
    a request naming someone else's address can at most send them a confirmation mail,
    once per cool-down. An unsubscribed address starts again as pending. ``push`` targets
    (checked against the allow-list by the caller) are added, pending, only to a new or
    reopened subscription, for the same reason.
    """
    subscriber = find_subscriber(session, data.email)
    fresh = subscriber is None or subscriber.status in (
        SubscriberStatus.UNSUBSCRIBED,
        SubscriberStatus.BOUNCING,
    )
    if subscriber is None:
        subscriber = upsert_subscriber(session, data, status=SubscriberStatus.PENDING, now=now).subscriber
    elif fresh:
        reopen(session, subscriber, data)
    for url in push if fresh else ():
        try:
            add_target(session, subscriber, service=check_target_url(url), url=url, now=now)
        except TooManyTargets:  # a reopened subscription that kept its targets: the rest are ignored
            break
    return queue_confirmation(session, subscriber, config=config, now=now)


def add_subscriber(
    session: Session, data: SubscriberData, *, confirmed: bool, config: WebSettings, now: datetime
) -> tuple[bool, bool]:
    """An operator adds or imports one validated person; (created, confirmation queued).

    ``confirmed`` asserts consent given elsewhere, so a pending address becomes active; an
    unsubscribed one stays unsubscribed whatever the file says. Without it the person gets the
    same confirmation mail the web form sends: importing a list must not bypass double opt-in.
    """
    result = upsert_subscriber(
        session, data, status=SubscriberStatus.ACTIVE if confirmed else SubscriberStatus.PENDING, now=now
    )
    subscriber = result.subscriber
    if confirmed:
        activate(session, subscriber, now)
    if subscriber.status != SubscriberStatus.PENDING:
        return result.created, False
    return result.created, queue_confirmation(session, subscriber, config=config, now=now) is not None


def queue_confirmation(
    session: Session, subscriber: Subscriber, *, config: WebSettings, now: datetime
) -> int | None:
    """Queue the confirmation mail unless one went out within the cool-down; its id or None.

    An active subscriber gets it too: its link shows "already confirmed" and their
    manage link, which is how someone who lost their mails gets back in.
    """
    if subscriber.status not in (SubscriberStatus.PENDING, SubscriberStatus.ACTIVE):
        return None
    sent = subscriber.confirmation_sent_at
    if sent is not None and now - _aware(sent) < CONFIRM_COOLDOWN:
        return None
    mail = enqueue_mail(
        session,
        recipient=subscriber.email,
        purpose="confirm",
        subscriber_id=subscriber.id,
        detail={},
        now=now,
        domain=config.mail.mail_domain,
    )
    subscriber.confirmation_sent_at = now
    return mail.id


async def send_now(sessions: sessionmaker[Session], config: WebSettings, mail_id: int) -> None:
    """Deliver a queued confirmation at once; on failure it stays queued for the ``send`` step."""
    try:
        await send_mail_now(sessions, config.mail, mail_id)
    except Exception:
        log.exception("confirmation mail %s not sent now; the send step will retry it", mail_id)


async def push_now(sessions: sessionmaker[Session], config: WebSettings) -> None:
    """Post the test messages of newly added push targets at once; what fails waits for the ``send`` step."""
    try:
        await asyncio.to_thread(send_test_messages, sessions, config.push)
    except Exception:
        log.exception("test messages not posted now; the send step will retry them")


def target_rows(session: Session | None, subscriber_id: int) -> list[dict]:
    """What the manage page and the data export show of each push target: the URL masked, never whole."""
    return [
        {
            "id": t.id,
            "service": SERVICES[t.service].label if t.service in SERVICES else t.service,
            "url": mask_url(t.url),
            "status": t.status,
            "created_at": t.created_at.isoformat(),
        }
        for t in (targets_of(session, subscriber_id) if session is not None else [])
    ]


def subscriber_for_token(
    session: Session, token: str, purpose: str, *, config: WebSettings, now: datetime
) -> Subscriber | None:
    """The subscriber a valid, unexpired, unrevoked link names; None for every kind of bad link."""
    found: dict[int, Subscriber | None] = {}

    def link_secret_of(subscriber_id: int) -> str | None:
        found[subscriber_id] = get_subscriber(session, subscriber_id)
        return found[subscriber_id].link_secret if found[subscriber_id] else None

    claims = read_token(
        token, purpose, today_day=epoch_day(now), secret=config.secret, link_secret_of=link_secret_of
    )
    return found[claims.subscriber_id] if claims else None


def link(subscriber: Subscriber, purpose: str, *, config: WebSettings, now: datetime) -> str:
    """The absolute URL of the subscriber's confirm, manage or unsubscribe page."""
    return f"{config.base_url.rstrip('/')}/{purpose}/{_token(subscriber, purpose, config, now)}"


def private_feed_links(subscriber: Subscriber, *, config: WebSettings) -> dict[str, str]:
    """The subscriber's own feed and calendar URLs; one non-expiring feed token serves both."""
    token = feed_token(subscriber.id, subscriber.link_secret, config.secret)
    return {
        "feed": private_url(config.base_url, token, calendar=False),
        "calendar": private_url(config.base_url, token, calendar=True),
    }


def _token(subscriber: Subscriber, purpose: str, config: WebSettings, now: datetime) -> str:
    return make_token(
        subscriber.id, subscriber.link_secret, purpose, today_day=epoch_day(now), secret=config.secret
    )
