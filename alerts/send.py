"""Delivery: claims due outbox mails, composes them, sends them over SMTP and records the outcome.

The order of each batch is claim (commit) → SMTP, with no transaction open → record
(commit). A process killed at any point loses nothing: its claimed rows stay ``sending``
until the next sender finds it dead (``store.locks.sender_presence``) and sends them
again, with the same Message-IDs. A problem with one mail is recorded on that mail; only
a broken connection ends the run, and the mails it did not try are released untouched.
See docs/delivery.md.
"""

from __future__ import annotations

import asyncio
import logging
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
from alerts.deadlines import expired_reason
from alerts.smtp import Connection, DeliveryError, Envelope, RateLimiter, SmtpSettings
from core.times import in_beijing
from store.claims import claim_holders, release_claims
from store.locks import dead_holders, sender_lock, sender_presence
from store.models import Mail
from store.outbox import (
    Outcome,
    claim_mails,
    count_due,
    empty_counts,
    pending_mails,
    record_outcomes,
    released_if_claim_running_out,
)
from store.outgoing import OutgoingMail

if TYPE_CHECKING:
    from core.config import MailSettings

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
# When the database fails to take outcomes, the sender stops sending and tries again this
# many times, these seconds apart, before it gives up (and its claims go out again).
RECORD_RETRIES = (0.5, 2.0, 5.0)

log = logging.getLogger("ruankao_watch.send")


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _Delivery:
    """One sender run: a pool of SMTP connections fed from claimed batches."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        config: MailSettings,
        now_fn: Callable[[], datetime],
        holder: int,
    ):
        self.sessions = sessions
        self.config = config
        self.now_fn = now_fn
        self.holder = holder  # this run's claims carry it; see store.locks.sender_presence
        self.give_up_after = timedelta(days=config.give_up_after_days)
        self.settings = SmtpSettings.from_url(config.smtp_url)
        # A mail is sent only while its claim has this much left: the time an SMTP transaction
        # may take (four commands), but never so much of the lease that nothing could go.
        self.lease_margin = min(timedelta(seconds=4 * self.settings.timeout), LEASE / 4)
        self.limiter = RateLimiter(config.send_rate_per_second)
        self.connections = [Connection(self.settings) for _ in range(max(config.send_concurrency, 1))]
        self.envelope_sender = parseaddr(config.mail_from)[1]  # where bounces go
        self.broken: str | None = None  # set when the server (or the store) cannot be used this run
        self.unrecorded: list[Outcome] = []  # outcomes the database failed to take, tried again at the end

    async def deliver(self, mail: OutgoingMail, connection: Connection) -> Outcome:
        """Send one claimed mail and say what became of it; never raises for anything about this mail."""
        if mail.blocked_reason:
            return Outcome(mail.id, "blocked", f"subscriber {mail.blocked_reason}")
        expired = expired_reason(mail.alerts, in_beijing(self.now_fn()).date())
        if expired:
            return Outcome(mail.id, "failed", expired)
        if self.broken:
            return Outcome(mail.id, "release", f"not tried: {self.broken}")
        try:
            envelope = Envelope.of(mail.recipient)
            message = message_bytes(mail, self.config)
        except DeliveryError as exc:
            return Outcome(mail.id, exc.kind, exc.reason)
        except Exception as exc:  # a template or data bug must not stop the other mails
            return Outcome(mail.id, "failed", f"could not compose: {exc!r}")
        await self.limiter.wait()
        late = released_if_claim_running_out(mail.id, mail.lease_until, self.now_fn(), self.lease_margin)
        if late:
            return late
        try:
            await connection.send(message, self.envelope_sender, envelope)
        except DeliveryError as exc:
            if exc.connection:  # refused, dropped, or 421 "slow down": stop this run, retry later
                self.broken = exc.reason
            return Outcome(mail.id, exc.kind, exc.reason, bounced=exc.bad_mailbox)
        return Outcome(mail.id, "sent")

    def _claim(self, limit: int) -> list[OutgoingMail]:
        with self.sessions.begin() as session:
            return claim_mails(
                session,
                now=self.now_fn(),
                lease=LEASE,
                limit=limit,
                holder=self.holder,
                per_hour=self.config.send_rate_per_hour,
            )

    def record(self, outcomes: list[Outcome]) -> dict[str, int]:
        with self.sessions.begin() as session:
            return record_outcomes(
                session, outcomes, now=self.now_fn(), holder=self.holder, give_up_after=self.give_up_after
            )

    def _record_or_stop(self, outcomes: list[Outcome]) -> dict[str, int]:
        """Record outcomes; when the database fails, stop sending and keep them for ``_record_the_rest``.

        A sender that went on sending without recording would leave every mail of the run
        claimed and unrecorded, and the next sender would send them all a second time.
        """
        try:
            return self.record(outcomes)
        except Exception as exc:
            log.warning("could not record %d outcomes, sending stops: %r", len(outcomes), exc)
            self.broken = self.broken or f"could not record outcomes: {exc!r}"
            self.unrecorded.extend(outcomes)
            return {}

    async def _record_the_rest(
        self, loop: asyncio.AbstractEventLoop, db: ThreadPoolExecutor
    ) -> dict[str, int]:
        """Record what the database failed to take, after a pause; raises when it still cannot.

        The mails then stay claimed by this sender, and the next one sends them again, with
        the same Message-IDs: a duplicate only for those the server had accepted.
        """
        for pause in RECORD_RETRIES:
            await asyncio.sleep(pause)
            try:
                return await loop.run_in_executor(db, self.record, self.unrecorded)
            except Exception as exc:
                log.warning("could not record %d outcomes: %r", len(self.unrecorded), exc)
        return await loop.run_in_executor(db, self.record, self.unrecorded)

    def _take_over_and_count(self) -> int:
        """Release the claims of senders that died, so they go out now; returns how many mails are due."""
        with self.sessions.begin() as session:
            holders = [h for h in claim_holders(session, Mail) if h != self.holder]
            release_claims(session, dead_holders(session, holders), now=self.now_fn(), model=Mail)
            return count_due(session, self.now_fn())

    async def run(self, limit: int | None, progress: bool) -> dict[str, int]:
        """Claim, send and record until nothing is due, the budget is spent or the server fails.

        Three kinds of task share the run: a claimer that claims the next batch when the
        queue runs low, one worker per SMTP connection, and a recorder that writes outcomes as they
        come, a few at a time. All database work runs in
        one thread beside the event loop, so a commit never holds up the SMTP traffic, and
        a killed sender leaves unrecorded only the mails of the last moments.
        """
        loop = asyncio.get_running_loop()
        counts = empty_counts()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox") as db:
            total = await loop.run_in_executor(db, self._take_over_and_count)
            budget = sys.maxsize if limit is None else limit  # the hourly cap is checked at each claim
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
                        for key, value in (
                            await loop.run_in_executor(db, self._record_or_stop, outcomes)
                        ).items():
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
            if self.unrecorded:
                for key, value in (await self._record_the_rest(loop, db)).items():
                    counts[key] += value
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
    config: MailSettings,
    *,
    now_fn: Callable[[], datetime] = _utcnow,
    progress: bool = False,
    limit: int | None = None,
) -> dict[str, int]:
    """Deliver every due mail; returns counts as ``store.outbox.empty_counts``.

    ``skipped`` are mails whose subscriber left or bounces (marked failed, not sent);
    ``released`` were claimed but not tried because the relay failed earlier in the run;
    ``unknown`` are mails whose connection died after DATA (tried again later). On SQLite
    a second sender finds the lock taken and returns at once with ``locked`` set; on
    PostgreSQL any number of senders share the queue.
    """
    url = sessions.kw["bind"].url
    with sender_lock(url) as acquired:
        if not acquired:
            return {**empty_counts(), "locked": 1}
        with sender_presence(url) as holder:
            return asyncio.run(_Delivery(sessions, config, now_fn, holder).run(limit, progress))


async def send_mail_now(sessions: sessionmaker[Session], config: MailSettings, mail_id: int) -> str:
    """Deliver one mail right away (the web app's confirmation mail), through the same claim and record.

    Returns the outcome: ``sent``, ``retry`` (a sender will try again later), ``failed``,
    ``blocked``, ``unknown``, or ``not-due`` when the mail is already sent, failed or
    held by another sender.
    """
    with sender_presence(sessions.kw["bind"].url) as holder:
        delivery = _Delivery(sessions, config, _utcnow, holder)
        with sessions.begin() as session:
            mails = claim_mails(session, now=_utcnow(), lease=LEASE, limit=1, holder=holder, mail_id=mail_id)
        if not mails:
            return "not-due"
        try:
            outcome = await delivery.deliver(mails[0], delivery.connections[0])
        finally:
            await delivery.connections[0].close()
        delivery.record([outcome])
        return outcome.result


def write_eml(
    sessions: sessionmaker[Session], config: MailSettings, out_dir: Path, *, now: datetime
) -> list[Path]:
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
