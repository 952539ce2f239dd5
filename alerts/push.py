"""Push delivery through Apprise: operator channels and subscribers' targets, from the push outbox.

The order is the mail's (``alerts.send``): claim (commit) → post, with no transaction open
→ record (commit); a sender killed in between leaves its claims to the next one, which
takes them over once its proof of life is gone. Each channel's posts go one after another,
spaced for the service's rate limit; channels go side by side. A channel that fails is
not tried again in this run (its other posts are released untouched), so one broken
channel costs one attempt, holds up no other channel and never the mail, which is sent
before. Nothing here raises for one post: every problem is recorded on the post.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import apprise
from sqlalchemy.orm import Session, sessionmaker

from alerts.deadlines import expired_reason
from alerts.push_services import InvalidTarget, check_target_url, mask_url, redact, service_of
from alerts.push_text import push_text
from core.times import in_beijing
from core.wording import describe_changes
from store.claims import claim_holders, release_claims
from store.locks import dead_holders, sender_lock, sender_presence
from store.models import Push
from store.outbox import Outcome, empty_counts, released_if_claim_running_out
from store.push_outbox import OutgoingPush, claim_pushes, record_push_outcomes
from store.push_queue import (
    channel_changes,
    queue_channel_change,
    queue_channel_closing,
    queue_channel_notices,
    queue_target_pushes,
    refuse_targets,
)

if TYPE_CHECKING:
    from core.channels import ChannelSettings, PushSettings
    from core.config import AlertSettings

log = logging.getLogger("ruankao_watch.push")

LEASE = timedelta(minutes=10)
BATCH = 50
# Seconds Apprise may take for one post, all its retries included.
POST_TIMEOUT = 30
# A post goes only while its claim has this much left: longer than one post may take.
LEASE_MARGIN = timedelta(seconds=2 * POST_TIMEOUT)
# Apprise logs each service's HTTP conversation, keys included at DEBUG; what we need of it
# comes back in the result (its warnings), and we log it ourselves with the keys taken out.
logging.getLogger("apprise").setLevel(logging.WARNING)
logging.getLogger("apprise").propagate = False


@dataclass(frozen=True)
class Channel:
    """An operator channel of the configuration (``[[channels]]``)."""

    key: str  # op:<name>, or op:<hash of the URL> when it has no name
    url: str
    label: str  # what logs, status and mails show: the name and the masked URL
    regions: tuple[str, ...]
    kinds: tuple[str, ...]
    reminder_days: int


def operator_channels(configured: tuple[ChannelSettings, ...]) -> list[Channel]:
    """The configured channels (validated by the configuration) with their keys and masked labels."""
    channels = []
    for table in configured:
        url, name = table.url, table.name
        key = "op:" + (name or hashlib.sha256(url.encode()).hexdigest()[:16])
        label = f"{name} {mask_url(url)}".strip()
        channels.append(
            Channel(
                key,
                url,
                label,
                table.regions,
                table.kinds,
                table.reminder_days,
            )
        )
    return channels


def queue_pushes(session: Session, config: AlertSettings, *, today: date, now: datetime) -> dict[str, int]:
    """Fill the push outbox in the caller's transaction (before alerts are bundled into mails).

    For each operator channel: changes to notices it was sent, then new notices, then
    closing-soon reminders; then every new alert to its subscriber's confirmed targets.
    """
    counts = {"channel_posts": 0, "target_posts": 0}
    for channel in operator_channels(config.channels):
        for change in channel_changes(session, channel.key, today):
            lines = describe_changes(change.before, change.after)
            if lines:
                counts["channel_posts"] += queue_channel_change(session, channel.key, change, lines, now)
        counts["channel_posts"] += queue_channel_notices(
            session, channel.key, regions=channel.regions, kinds=channel.kinds, today=today, now=now
        )
        counts["channel_posts"] += queue_channel_closing(
            session, channel.key, days=channel.reminder_days, today=today, now=now
        )
    counts["target_posts"] = queue_target_pushes(session, now)
    return counts


# HTTP answers that say the service will never take this URL (a revoked or deleted key, a
# removed bot), as opposed to an outage or a rate limit, which are worth waiting for; the
# services that say it in a 200 answer's body are read by ``alerts.push_plugins``.
REFUSED = frozenset({401, 403, 404, 410})
_REFUSAL = re.compile(r"error=(\d{3})\b|refused errcode=(-?\d+)")


def refused_status(reason: str) -> str | None:
    """What in an Apprise failure says the key is refused: ``HTTP 401`` (from ``…error=401.``)
    or ``errcode 93000`` (from ``alerts.push_plugins``); None for any other failure."""
    found = _REFUSAL.search(reason)
    if found and found.group(2):
        return f"errcode {found.group(2)}"
    if found and int(found.group(1)) in REFUSED:
        return f"HTTP {found.group(1)}"
    return None


def _reason(result) -> str:
    """The last warning Apprise recorded for a failed post, or its status."""
    entries = list(result.logs())
    messages = [e.message for e in entries if str(e.level).upper() in ("WARNING", "ERROR", "CRITICAL")]
    return messages[-1] if messages else f"apprise: {result.status.name}"


class _Pusher:
    """One push run: claimed posts grouped by channel, each channel in a thread of its own."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        config: PushSettings,
        now_fn: Callable[[], datetime],
        holder: int,
    ):
        self.sessions = sessions
        self.config = config
        self.now_fn = now_fn
        self.holder = holder
        self.channels = {c.key: c for c in operator_channels(config.channels)}
        self.domains = config.official_domains
        self.give_up_after = timedelta(days=config.give_up_after_days)
        self.broken: set[str] = set()  # channels that failed in this run
        self.kind: str | None = None  # only posts of this kind (the web app's test messages)

    def _url(self, post: OutgoingPush) -> str:
        """Where the post goes; raises InvalidTarget when it may not go anywhere any more."""
        if post.channel.startswith("sub:"):
            check_target_url(post.url or "")  # the allow-list again: it may have changed since
            return post.url or ""
        channel = self.channels.get(post.channel)
        if channel is None:
            raise InvalidTarget("channel no longer in the configuration")
        return channel.url

    def post(self, post: OutgoingPush) -> Outcome:
        """Post one claimed message and say what became of it; never raises."""
        if post.blocked_reason:
            return Outcome(post.id, "blocked", post.blocked_reason)
        expired = post.item and expired_reason((post.item,), in_beijing(self.now_fn()).date())
        if expired:
            return Outcome(post.id, "failed", expired)
        try:
            url = self._url(post)
            title, body = push_text(
                post, domains=self.domains, base_url=self.config.base_url, limit=service_of(url).limit
            )
        except InvalidTarget as exc:
            return Outcome(post.id, "failed", str(exc))
        except Exception as exc:  # a data bug must not stop the other posts
            return Outcome(post.id, "failed", f"could not compose: {exc!r}")
        try:
            sender = apprise.Apprise()
            if not sender.add(url):
                return Outcome(post.id, "failed", f"apprise cannot use {mask_url(url)}")
            result = sender.notify(
                body=body, title=title, body_format=apprise.NotifyFormat.TEXT, timeout=POST_TIMEOUT
            )
        except Exception as exc:
            return Outcome(post.id, "retry", redact(f"apprise: {exc!r}", url))
        if result.status == apprise.AppriseResultStatus.SUCCESS:
            return Outcome(post.id, "sent")
        error = redact(_reason(result), url)
        log.warning("push to %s failed: %s", self._label(post), error)
        refusal = refused_status(error)
        if refusal and post.target_id is not None:
            # A subscriber's target will not start working again by waiting: it stops until
            # its owner re-tests or replaces it (the manage page says so). An operator's
            # channel keeps retrying, since fixing its URL in the configuration resumes it.
            return Outcome(
                post.id,
                "failed",
                f"refused by the service ({refusal}): {error}",
                refused_target=post.target_id,
            )
        # A post that timed out may have arrived: it waits, as a mail lost after DATA does.
        return Outcome(
            post.id, "unknown" if result.status == apprise.AppriseResultStatus.TIMEOUT else "retry", error
        )

    def _service_url(self, post: OutgoingPush) -> str:
        channel = self.channels.get(post.channel)
        return post.url or (channel.url if channel else "")

    def _label(self, post: OutgoingPush) -> str:
        channel = self.channels.get(post.channel)
        return channel.label if channel else f"{post.channel} {mask_url(post.url or '')}"

    def _channel_run(self, posts: list[OutgoingPush]) -> list[Outcome]:
        """One channel's posts in order, spaced for its service; after a failure the rest are released."""
        outcomes: list[Outcome] = []
        spacing = 0.0
        for post in posts:
            if post.channel in self.broken:
                outcomes.append(
                    Outcome(post.id, "release", "not tried: the channel failed earlier in this run")
                )
                continue
            time.sleep(spacing)
            late = released_if_claim_running_out(post.id, post.lease_until, self.now_fn(), LEASE_MARGIN)
            if late:
                outcomes.append(late)
                continue
            outcome = self.post(post)
            outcomes.append(outcome)
            if outcome.result in ("retry", "unknown") or outcome.refused_target is not None:
                self.broken.add(post.channel)
            spacing = service_of(self._service_url(post)).spacing
        return outcomes

    def _claim(self) -> list[OutgoingPush]:
        with self.sessions.begin() as session:
            return claim_pushes(
                session,
                now=self.now_fn(),
                lease=LEASE,
                limit=BATCH,
                holder=self.holder,
                skip=self.broken,
                kind=self.kind,
            )

    def _record(self, outcomes: list[Outcome]) -> dict[str, int]:
        labels = {key: c.label for key, c in self.channels.items()}
        refused = {o.refused_target for o in outcomes if o.refused_target is not None}
        with self.sessions.begin() as session:
            refuse_targets(session, refused)
            return record_push_outcomes(
                session,
                outcomes,
                now=self.now_fn(),
                holder=self.holder,
                give_up_after=self.give_up_after,
                labels=labels,
            )

    def run(self, workers: int) -> dict[str, int]:
        with self.sessions.begin() as session:
            holders = [h for h in claim_holders(session, Push) if h != self.holder]
            release_claims(session, dead_holders(session, holders), now=self.now_fn(), model=Push)
        counts = empty_counts()
        with ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="push") as pool:
            while posts := self._claim():
                by_channel: dict[str, list[OutgoingPush]] = {}
                for post in posts:
                    by_channel.setdefault(post.channel, []).append(post)
                outcomes = [o for done in pool.map(self._channel_run, by_channel.values()) for o in done]
                for key, value in self._record(outcomes).items():
                    counts[key] += value
        return counts


def _utcnow() -> datetime:
    return datetime.now(UTC)


def send_test_messages(
    sessions: sessionmaker[Session], config: PushSettings, *, now_fn: Callable[[], datetime] = _utcnow
) -> dict[str, int]:
    """Post the due test messages of new targets now (the web app, right after one was added)."""
    with sender_presence(sessions.kw["bind"].url) as holder:
        pusher = _Pusher(sessions, config, now_fn, holder)
        pusher.kind = "confirm"
        return pusher.run(1)


def send_pushes(
    sessions: sessionmaker[Session], config: PushSettings, *, now_fn: Callable[[], datetime] = _utcnow
) -> dict[str, int]:
    """Deliver every due post; returns counts as ``store.outbox.empty_counts``.

    On SQLite one push sender runs at a time (a second returns at once with ``locked``);
    on PostgreSQL any number share the outbox, as mail senders do.
    """
    url = sessions.kw["bind"].url
    with sender_lock(url, name="push") as acquired:
        if not acquired:
            return {**empty_counts(), "locked": 1}
        with sender_presence(url) as holder:
            return _Pusher(sessions, config, now_fn, holder).run(config.send_concurrency)
