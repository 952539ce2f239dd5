"""Delivery: claims due outbox mails, composes them, sends them over SMTP and records the outcome.

The order of each batch is claim (commit) → SMTP, with no transaction open → record
(commit). A process killed at any point loses nothing: claimed rows stay ``sending``
until their lease expires and are then sent again with the same Message-ID. A mail
whose connection died after DATA is not resent at once (the server may have accepted
it); it waits for its lease like a crashed sender's. See docs/delivery.md.
"""

from __future__ import annotations

import asyncio
import math
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from alerts.compose import compose
from alerts.smtp import Connection, DeliveryError, RateLimiter, SmtpSettings, flatten
from store.outbox import (
    Outcome,
    OutgoingMail,
    claim_mails,
    count_due,
    pending_mails,
    record_outcomes,
    sender_lock,
    sent_since,
)

if TYPE_CHECKING:
    from app.config import Config

# How long a claim holds a mail: far longer than a batch takes at the configured rate,
# short enough that a crashed sender's mails go out again within the hour.
LEASE = timedelta(minutes=10)
MAX_BATCH = 100


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _envelope_sender(config: Config) -> str:
    return parseaddr(config.mail_from)[1]


class _Delivery:
    """One sender run: a pool of SMTP connections fed from claimed batches."""

    def __init__(self, sessions: sessionmaker[Session], config: Config, now_fn: Callable[[], datetime]):
        self.sessions = sessions
        self.config = config
        self.now_fn = now_fn
        self.settings = SmtpSettings.from_url(config.smtp_url)
        self.limiter = RateLimiter(config.send_rate_per_second)
        self.connections = [Connection(self.settings) for _ in range(max(config.send_concurrency, 1))]
        self.broken: str | None = None  # set when the server cannot be used this run

    async def deliver(self, mail: OutgoingMail, connection: Connection) -> Outcome:
        """Send one claimed mail and say what became of it; never raises for a delivery problem."""
        if mail.blocked_reason:
            return Outcome(mail.id, "blocked", mail.attempts, f"subscriber {mail.blocked_reason}")
        if self.broken:
            return Outcome(mail.id, "retry", mail.attempts, f"not tried: {self.broken}")
        try:
            message = flatten(compose(mail, self.config))
        except Exception as exc:  # a template or data bug must not stop the other mails
            return Outcome(mail.id, "failed", mail.attempts, f"could not compose: {exc!r}")
        await self.limiter.wait()
        try:
            await connection.send(message, _envelope_sender(self.config), mail.recipient)
        except DeliveryError as exc:
            if exc.connection:  # refused, dropped, or 421 "slow down": stop this run, retry later
                self.broken = exc.reason
            return Outcome(mail.id, exc.kind, mail.attempts, exc.reason, bounced=exc.bad_mailbox)
        return Outcome(mail.id, "sent", mail.attempts)

    async def deliver_batch(self, mails: list[OutgoingMail], on_done: Callable[[], None]) -> list[Outcome]:
        queue: asyncio.Queue[OutgoingMail] = asyncio.Queue()
        for mail in mails:
            queue.put_nowait(mail)
        outcomes: list[Outcome] = []

        async def worker(connection: Connection) -> None:
            while not queue.empty():
                outcomes.append(await self.deliver(queue.get_nowait(), connection))
                on_done()

        await asyncio.gather(*(worker(c) for c in self.connections))
        return outcomes

    async def run(self, limit: int | None, progress: bool) -> dict[str, int]:
        counts = {"sent": 0, "failed": 0, "retried": 0, "skipped": 0, "unknown": 0}
        with self.sessions() as session:
            budget = self.config.send_rate_per_hour - sent_since(session, self.now_fn() - timedelta(hours=1))
            total = count_due(session, self.now_fn())
        budget = min(budget, limit) if limit is not None else budget
        batch_size = max(
            len(self.connections), min(MAX_BATCH, math.ceil(self.config.send_rate_per_second * 60))
        )
        bar = _progress_bar(progress, min(total, max(budget, 0)))
        try:
            while budget > 0 and not self.broken:
                with self.sessions.begin() as session:
                    mails = claim_mails(
                        session, now=self.now_fn(), lease=LEASE, limit=min(batch_size, budget)
                    )
                if not mails:
                    break
                budget -= len(mails)
                outcomes = await self.deliver_batch(mails, bar.advance if bar else _nothing)
                with self.sessions.begin() as session:
                    for key, value in record_outcomes(session, outcomes, now=self.now_fn()).items():
                        counts[key] += value
        finally:
            for connection in self.connections:
                await connection.close()
            if bar:
                bar.stop()
        return counts


def _nothing() -> None:
    return None


class _Bar:
    """A rich progress bar on stderr; only made when stderr is a terminal."""

    def __init__(self, total: int):
        from rich.progress import Progress

        self._progress = Progress(transient=True)
        self._task = self._progress.add_task("发送邮件", total=total)
        self._progress.start()

    def advance(self) -> None:
        self._progress.advance(self._task)

    def stop(self) -> None:
        self._progress.stop()


def _progress_bar(wanted: bool, total: int) -> _Bar | None:
    return _Bar(total) if wanted and total and sys.stderr.isatty() else None


def send_outbox(
    sessions: sessionmaker[Session],
    config: Config,
    *,
    now_fn: Callable[[], datetime] = _utcnow,
    progress: bool = False,
    limit: int | None = None,
) -> dict[str, int]:
    """Deliver every due mail; returns counts ``sent``, ``failed``, ``retried``, ``skipped``, ``unknown``.

    ``skipped`` are mails whose subscriber left or bounces (marked failed, not sent);
    ``unknown`` are mails whose connection died after DATA (left ``sending`` until the
    lease expires). On SQLite a second sender finds the lock taken and returns at once
    with ``locked`` set; on PostgreSQL any number of senders share the queue.
    """
    bind = sessions.kw["bind"]
    with sender_lock(bind.url) as acquired:
        if not acquired:
            return {"sent": 0, "failed": 0, "retried": 0, "skipped": 0, "unknown": 0, "locked": 1}
        return asyncio.run(_Delivery(sessions, config, now_fn).run(limit, progress))


async def send_mail_now(sessions: sessionmaker[Session], config: Config, mail_id: int) -> str:
    """Deliver one mail right away (the web app's confirmation mail), through the same claim and record.

    Returns the outcome: ``sent``, ``retry`` (a sender will try again later), ``failed``,
    ``blocked``, ``unknown``, or ``not-due`` when the mail is already sent, failed or
    held by another sender.
    """
    delivery = _Delivery(sessions, config, _utcnow)
    with sessions.begin() as session:
        mails = claim_mails(session, now=_utcnow(), lease=LEASE, limit=1, mail_id=mail_id)
    if not mails:
        return "not-due"
    try:
        outcome = await delivery.deliver(mails[0], delivery.connections[0])
    finally:
        await delivery.connections[0].close()
    with sessions.begin() as session:
        record_outcomes(session, [outcome], now=_utcnow())
    return outcome.result


def write_eml(sessions: sessionmaker[Session], config: Config, out_dir: Path, *, now: datetime) -> list[Path]:
    """Write every pending mail due by ``now`` as an .eml file; sends nothing and changes no status."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with sessions() as session:
        mails = pending_mails(session, now=now)
    paths = []
    for mail in mails:
        path = out_dir / f"{mail.id:06d}-{mail.purpose}.eml"
        path.write_bytes(flatten(compose(mail, config)))
        paths.append(path)
    return paths
