"""Crashes and concurrency: a sender killed mid-batch, two senders and two alert runs on PostgreSQL, one SQLite sender."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

import alerts.send
from alerts.queue import queue_alerts
from alerts.send import LEASE, send_outbox
from store.db import make_engine, make_sessionmaker, upgrade
from store.locks import sender_lock, sender_presence
from store.models import Alert, Mail
from store.outbox import Outcome, claim_mails, record_outcomes
from store.subscribers import SubscriberData
from testkit.smtp import ScriptedHandler, SmtpServer
from tests.conftest import cli, kill
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice
from tests.factories import config as make_config
from web.subscriptions import request_subscription

ROOT = Path(__file__).resolve().parents[2]
GIVE_UP = timedelta(days=3)
SENDER = """
import json, sys
from core.config import Settings
from alerts.send import send_outbox
from store.db import make_engine, make_sessionmaker
config = Settings.model_validate_json(sys.argv[1])
print(json.dumps(send_outbox(make_sessionmaker(make_engine(config.database_url)), config.mail)), flush=True)
"""


def start_sender(config) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", SENDER, config.model_dump_json()], env=env, stdout=subprocess.PIPE, text=True
    )


class GatedHandler(ScriptedHandler):
    """Holds every DATA until ``gate`` connections have been made (or ten seconds pass), so runs overlap."""

    def __init__(self, gate: int):
        super().__init__()
        self.gate = gate

    async def handle_DATA(self, server, session, envelope):
        for _ in range(200):
            if self.connections >= self.gate:
                break
            await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


def queue_many(sessions, config, count: int) -> list[str]:
    add_notice(sessions, notice())
    emails = [f"user{i:03d}@example.com" for i in range(count)]
    for email in emails:
        add_subscriber(sessions, email, "2021")
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    return emails


def message_ids(sessions) -> dict[str, str]:
    with sessions() as s:
        return dict(s.execute(select(Mail.message_id, Mail.status)).all())


def test_a_sender_killed_mid_batch_is_taken_over_at_once_with_the_same_message_ids(sessions, config, smtp):
    emails = queue_many(sessions, config, 6)
    smtp.handler.script(emails[0], "stall")
    sender = start_sender(config)
    try:
        wait_for(lambda: len(smtp.handler.received) == 6)  # five accepted, the first one hanging
    finally:
        sender.send_signal(signal.SIGKILL)
        sender.communicate()
    assert sender.returncode == -signal.SIGKILL
    statuses = message_ids(sessions)
    assert set(statuses.values()) <= {"sending", "sent"} and "sending" in statuses.values()

    send_outbox(sessions, config.mail)  # right away: the dead sender's lease has not expired

    statuses = message_ids(sessions)
    assert set(statuses.values()) == {"sent"}
    accepted = [r.message["Message-ID"] for r in smtp.handler.accepted()]
    assert set(accepted) == set(statuses)  # every mail arrived, each under its own fixed Message-ID
    assert [r.rcpt_tos for r in smtp.handler.received].count([emails[0]]) == 2


def test_a_live_senders_claims_are_left_alone_until_their_lease_ends(sessions, config, smtp):
    queue_many(sessions, config, 1)
    with sender_presence(config.database_url) as alive:
        with sessions.begin() as s:
            assert len(claim_mails(s, now=NOW, lease=LEASE, limit=5, holder=alive)) == 1
        assert send_outbox(sessions, config.mail, now_fn=lambda: NOW)["sent"] == 0  # its holder lives
        assert (
            send_outbox(sessions, config.mail, now_fn=lambda: NOW + LEASE + timedelta(seconds=1))["sent"] == 1
        )


def test_sigkill_of_send_mid_batch_then_one_plain_send_delivers_everything(
    cli_env, database_url, sessions, config, smtp
):
    emails = queue_many(sessions, config, 6)
    smtp.handler.script(emails[0], "stall")
    env = {
        **cli_env,
        "RUANKAO_WATCH_DATABASE_URL": database_url,
        "RUANKAO_WATCH_SMTP_URL": config.smtp_url,
        "RUANKAO_WATCH_SECRET": config.secret,
        "RUANKAO_WATCH_SEND_RATE_PER_SECOND": "1000",
    }
    sender = subprocess.Popen(
        [sys.executable, "-m", "app", "send"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        # A cold `python -m app` start can be slow on a loaded machine; a sender that exits is a failure.
        wait_for(lambda: len(smtp.handler.received) == 6 or sender.poll() is not None, seconds=120)
        assert sender.poll() is None, "send exited before it was killed"
    finally:
        sender.send_signal(signal.SIGKILL)
        sender.wait()
    result = cli(env, "send")
    assert result.returncode == 0, result.stdout + result.stderr
    statuses = message_ids(sessions)
    assert set(statuses.values()) == {"sent"}
    accepted = [r.message["Message-ID"] for r in smtp.handler.accepted()]
    assert set(accepted) == set(statuses)  # all delivered; any duplicate carries its mail's Message-ID
    ids_by_recipient = {}
    for received in smtp.handler.accepted():
        ids_by_recipient.setdefault(received.rcpt_tos[0], set()).add(received.message["Message-ID"])
    assert set(ids_by_recipient) == set(emails)
    assert all(len(ids) == 1 for ids in ids_by_recipient.values())  # a resend is the same message


class HeldAfterFirst(ScriptedHandler):
    """Accepts the first messages at once and holds the next ones until ``release`` is set."""

    async def handle_DATA(self, server, session, envelope):
        while self.received and not self.release.is_set():
            await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def test_a_failed_commit_of_outcomes_stops_the_sender_and_sends_nothing_twice(
    database_url, sessions, monkeypatch
):
    lost = OperationalError("UPDATE mail …", {}, Exception("server closed the connection unexpectedly"))
    failures = [lost]  # the database fails once, when the sender records what the server said
    record = alerts.send.record_outcomes
    with SmtpServer(HeldAfterFirst()) as smtp:

        def flaky(*args, **kwargs):
            if failures:
                smtp.handler.release.set()  # the messages held meanwhile go on: one per connection
                raise failures.pop()
            return record(*args, **kwargs)

        config = make_config(database_url, smtp.port)
        queue_many(sessions, config, 30)
        monkeypatch.setattr(alerts.send, "record_outcomes", flaky)
        first = send_outbox(sessions, config.mail, now_fn=lambda: NOW)
        # It stopped: the messages already on their way went out (how many depends on how the
        # connections were scheduled when the write failed), the rest were given back untried.
        assert first["sent"] < 30 and first["released"] > 0, first
        second = send_outbox(sessions, config.mail, now_fn=lambda: NOW)
    accepted = [r.message["Message-ID"] for r in smtp.handler.accepted()]
    assert len(accepted) == len(set(accepted)) == 30  # each mail once: what reached the server was recorded
    assert first["sent"] + second["sent"] == 30
    assert set(message_ids(sessions).values()) == {"sent"}


def test_an_outcome_is_written_only_while_the_claim_is_ours(sessions, config, smtp):
    queue_many(sessions, config, 1)
    with sessions.begin() as s:
        [mail] = claim_mails(s, now=NOW, lease=LEASE, limit=1, holder=1)
    later = NOW + LEASE + timedelta(seconds=1)
    with sessions.begin() as s:  # the lease ran out; another sender took the mail and sent it
        assert claim_mails(s, now=later, lease=LEASE, limit=1, holder=2)
        assert (
            record_outcomes(s, [Outcome(mail.id, "sent")], now=later, holder=2, give_up_after=GIVE_UP)["sent"]
            == 1
        )
    with sessions.begin() as s:  # the first sender's late word changes nothing
        late = record_outcomes(
            s, [Outcome(mail.id, "retry", "451 late")], now=later, holder=1, give_up_after=GIVE_UP
        )
        assert late["retried"] == 0
    assert set(message_ids(sessions).values()) == {"sent"}


@pytest.mark.postgres
def test_the_hourly_cap_is_shared_by_senders_in_several_processes(pg_schema_url):
    handler = GatedHandler(gate=4)  # DATA waits until both senders (two connections each) are in
    controller = SmtpServer(handler)
    controller.start()
    try:
        upgrade(pg_schema_url)
        engine = make_engine(pg_schema_url)
        sessions = make_sessionmaker(engine)
        config = make_config(pg_schema_url, controller.port, send_rate_per_hour=50)
        queue_many(sessions, config, 120)
        senders = [start_sender(config) for _ in range(2)]
        results = [json.loads(p.communicate(timeout=60)[0]) for p in senders]
        assert sum(r["sent"] for r in results) == 50 == len(handler.accepted())
        engine.dispose()
    finally:
        handler.release.set()
        controller.stop()


@pytest.mark.postgres
def test_two_senders_on_postgresql_share_the_queue_and_send_nothing_twice(pg_schema_url, smtp):
    upgrade(pg_schema_url)
    engine = make_engine(pg_schema_url)
    sessions = make_sessionmaker(engine)
    config = make_config(pg_schema_url, smtp.port)
    queue_many(sessions, config, 200)
    smtp.handler.delay = 0.02
    senders = [start_sender(config) for _ in range(2)]
    results = [json.loads(p.communicate(timeout=60)[0]) for p in senders]
    assert sum(r["sent"] for r in results) == 200
    assert all(r["sent"] for r in results), results  # both took part
    accepted = [r.message["Message-ID"] for r in smtp.handler.accepted()]
    assert len(accepted) == len(set(accepted)) == 200
    assert set(message_ids(sessions).values()) == {"sent"}
    engine.dispose()


def test_a_second_sqlite_sender_finds_the_lock_taken_and_sends_nothing(tmp_path, smtp):
    url = f"sqlite:///{tmp_path / 'lock.sqlite3'}"
    upgrade(url)
    sessions = make_sessionmaker(make_engine(url))
    config = make_config(url, smtp.port)
    queue_many(sessions, config, 1)
    with sender_lock(url) as first:
        assert first
        assert send_outbox(sessions, config.mail, now_fn=lambda: NOW)["locked"] == 1
    assert smtp.handler.received == []
    assert send_outbox(sessions, config.mail, now_fn=lambda: NOW)["sent"] == 1


@pytest.mark.postgres
def test_two_overlapping_alert_runs_on_postgresql_queue_each_mail_once(pg_schema_url, smtp):
    upgrade(pg_schema_url)
    engine = make_engine(pg_schema_url)
    sessions = make_sessionmaker(engine)
    config = make_config(pg_schema_url, smtp.port)
    add_notice(sessions, notice())
    for i in range(50):
        add_subscriber(sessions, f"user{i:03d}@example.com", "2021")
    start = threading.Barrier(2)

    def run() -> dict:
        start.wait(timeout=10)
        return queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)

    with ThreadPoolExecutor(2) as pool:
        results = [f.result(timeout=60) for f in [pool.submit(run) for _ in range(2)]]
    assert sum(r["new_window"] for r in results) == 50
    assert sum(r["mails"] for r in results) == 50
    with sessions() as s:
        assert s.scalar(select(func.count(Alert.id)).where(Alert.mail_id.is_(None))) == 0
    engine.dispose()


KILLED_AFTER_THE_250 = """
import sys, time
import alerts.send
from core.config import Settings
from store.db import make_engine, make_sessionmaker

def stuck(*args, **kwargs):  # the server has answered 250; the sender dies before recording it
    print("accepted", flush=True)
    time.sleep(600)

alerts.send.record_outcomes = stuck
config = Settings.model_validate_json(sys.argv[1])
alerts.send.send_outbox(make_sessionmaker(make_engine(config.database_url)), config.mail)
"""


def test_a_sender_killed_between_the_250_and_its_record_is_resent_once_with_the_same_message(
    sessions, config, smtp
):
    queue_many(sessions, config, 1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sender = subprocess.Popen(
        [sys.executable, "-c", KILLED_AFTER_THE_250, config.model_dump_json()],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sender.stdout.readline().strip() == "accepted"
    finally:
        kill(sender)
    assert len(smtp.handler.accepted()) == 1 and set(message_ids(sessions).values()) == {"sending"}
    assert send_outbox(sessions, config.mail, now_fn=lambda: NOW)["sent"] == 1  # its sender is dead: at once
    assert send_outbox(sessions, config.mail, now_fn=lambda: NOW + LEASE * 2)["sent"] == 0
    first, second = smtp.handler.accepted()
    assert first.data == second.data  # the one resend is the same message, Message-ID and all
    assert message_ids(sessions) == {first.message["Message-ID"]: "sent"}


class HeldUntilReleased(ScriptedHandler):
    """Holds every DATA until ``release`` is set; ``arrived`` says one came."""

    def __init__(self):
        super().__init__()
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.arrived.set()
        while not self.release.is_set():
            await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def test_sqlite_under_fifty_writers_and_a_second_sender_process_sends_each_mail_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    upgrade(url)
    sessions = make_sessionmaker(make_engine(url))
    with SmtpServer(HeldUntilReleased()) as smtp:  # held DATA must not time out: no timing in this test
        config = make_config(url, smtp.port, smtp_url=f"smtp://127.0.0.1:{smtp.port}?timeout=300")
        queue_many(sessions, config, 20)
        first = start_sender(config)
        assert smtp.handler.arrived.wait(60), "the first sender never reached the server"
        second = start_sender(config)  # a second scheduler, while the first is busy
        start = threading.Barrier(50)

        def subscribe(i: int) -> int | None:  # the web app's writes, fifty at once
            data = SubscriberData(f"w{i:02d}@example.com", (), ()).validated(TODAY)
            start.wait(timeout=30)
            with sessions.begin() as s:
                return request_subscription(s, data, config=config.web, now=NOW)

        with ThreadPoolExecutor(50) as pool:
            confirmations = list(pool.map(subscribe, range(50)))
        assert json.loads(second.communicate(timeout=120)[0])["locked"] == 1
        smtp.handler.release.set()
        result = json.loads(first.communicate(timeout=120)[0])
    assert None not in confirmations
    assert result["sent"] == 70
    accepted = [r.message["Message-ID"] for r in smtp.handler.accepted()]
    assert len(accepted) == len(set(accepted)) == 70
