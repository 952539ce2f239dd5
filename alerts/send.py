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
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from alerts.compose import message_bytes
from alerts.smtp import Connection, DeliveryError, RateLimiter, SmtpSettings
from store.locks import sender_lock
from store.outbox import (
    Outcome,
    OutgoingMail,
    claim_mails,
    count_due,
    pending_mails,
    record_outcomes,
    sent_since,
)

if TYPE_CHECKING:
    from app.config import Config

# How long a claim holds a mail: far longer than a batch takes at the configured rate,
# short enough that a crashed sender's mails go out again within the hour.
LEASE = timedelta(minutes=10)
# Mails claimed at once: enough per connection to keep it busy between claims, few enough
# that other senders get their share and that a batch takes well under a minute at the rate.
PER_CONNECTION = 10
MAX_BATCH = 100
# Seconds outcomes may wait to be recorded together; a sender killed in between resends
# at most these mails (with their Message-IDs) once their lease expires.
RECORD_EVERY = 0.05


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _Delivery:
    """One sender run: a pool of SMTP connections fed from claimed batches."""

    def __init__(self, sessions: sessionmaker[Session], config: Config, now_fn: Callable[[], datetime]):
        self.sessions = sessions
        self.config = config
        self.now_fn = now_fn
        self.settings = SmtpSettings.from_url(config.smtp_url)
        self.limiter = RateLimiter(config.send_rate_per_second)
        self.connections = [Connection(self.settings) for _ in range(max(config.send_concurrency, 1))]
        self.envelope_sender = parseaddr(config.mail_from)[1]  # where bounces go
        self.broken: str | None = None  # set when the server cannot be used this run

    async def deliver(self, mail: OutgoingMail, connection: Connection) -> Outcome:
        """Send one claimed mail and say what became of it; never raises for a delivery problem."""
        if mail.blocked_reason:
            return Outcome(mail.id, "blocked", mail.attempts, f"subscriber {mail.blocked_reason}")
        if self.broken:
            return Outcome(mail.id, "retry", mail.attempts, f"not tried: {self.broken}")
        try:
            message = message_bytes(mail, self.config)
        except Exception as exc:  # a template or data bug must not stop the other mails
            return Outcome(mail.id, "failed", mail.attempts, f"could not compose: {exc!r}")
        await self.limiter.wait()
        try:
            await connection.send(message, self.envelope_sender, mail.recipient)
        except DeliveryError as exc:
            if exc.connection:  # refused, dropped, or 421 "slow down": stop this run, retry later
                self.broken = exc.reason
            return Outcome(mail.id, exc.kind, mail.attempts, exc.reason, bounced=exc.bad_mailbox)
        return Outcome(mail.id, "sent", mail.attempts)

    def _claim(self, limit: int) -> list[OutgoingMail]:
        with self.sessions.begin() as session:
            return claim_mails(session, now=self.now_fn(), lease=LEASE, limit=limit)

    def _record(self, outcomes: list[Outcome]) -> dict[str, int]:
        with self.sessions.begin() as session:
            return record_outcomes(session, outcomes, now=self.now_fn())

    def _budget_and_total(self, limit: int | None) -> tuple[int, int]:
        """Mails this run may send (the hourly limit spans runs, so it is counted in the store)."""
        with self.sessions() as session:
            budget = self.config.send_rate_per_hour - sent_since(session, self.now_fn() - timedelta(hours=1))
            total = count_due(session, self.now_fn())
        budget = budget if limit is None else min(budget, limit)
        return max(budget, 0), min(total, max(budget, 0))

    async def run(self, limit: int | None, progress: bool) -> dict[str, int]:
        """Claim, send and record until nothing is due, the budget is spent or the server fails.

        Three kinds of task share the run: a claimer that claims the next batch when the
        queue runs low, one worker per SMTP connection, and a recorder that writes outcomes as they
        come, a few at a time. All database work runs in
        one thread beside the event loop, so a commit never holds up the SMTP traffic, and
        a killed sender leaves unrecorded only the mails of the last moments.
        """
        loop = asyncio.get_running_loop()
        counts = {"sent": 0, "failed": 0, "retried": 0, "skipped": 0, "unknown": 0}
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox") as db:
            budget, total = await loop.run_in_executor(db, self._budget_and_total, limit)
            rate = self.config.send_rate_per_second
            batch = min(MAX_BATCH, PER_CONNECTION * len(self.connections))
            if rate > 0:
                batch = max(len(self.connections), min(batch, math.ceil(rate * 60)))
            queue: asyncio.Queue[OutgoingMail | None] = asyncio.Queue()
            low = asyncio.Event()  # set by workers when the queue is half empty: claim the next batch
            done: list[Outcome] = []
            wake = asyncio.Event()
            finished = False
            bar = _progress_bar(progress, total)

            async def claimer() -> None:
                nonlocal budget
                while budget > 0 and not self.broken:
                    mails = await loop.run_in_executor(db, self._claim, min(batch, budget))
                    if not mails:
                        break
                    budget -= len(mails)
                    for mail in mails:
                        queue.put_nowait(mail)
                    low.clear()
                    await low.wait()
                for _ in self.connections:
                    queue.put_nowait(None)

            async def worker(connection: Connection) -> None:
                while (mail := await queue.get()) is not None:
                    if queue.qsize() <= batch // 2:
                        low.set()
                    done.append(await self.deliver(mail, connection))
                    wake.set()
                    if bar:
                        bar.advance()

            async def recorder() -> None:
                while True:
                    await wake.wait()
                    if not finished:  # let a few outcomes gather: one commit for several mails
                        await asyncio.sleep(RECORD_EVERY)
                    wake.clear()
                    while done:
                        outcomes = done[:]
                        del done[: len(outcomes)]
                        for key, value in (await loop.run_in_executor(db, self._record, outcomes)).items():
                            counts[key] += value
                    if finished:
                        return

            recording = asyncio.create_task(recorder())
            try:
                await asyncio.gather(claimer(), *(worker(c) for c in self.connections))
            finally:
                finished = True
                wake.set()
                await recording
                for connection in self.connections:
                    await connection.close()
                if bar:
                    bar.stop()
        return counts


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
        path.write_bytes(message_bytes(mail, config))
        paths.append(path)
    return paths
