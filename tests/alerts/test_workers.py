"""Crashes and concurrency: a sender killed mid-batch, two senders and two alert runs on PostgreSQL, one SQLite sender."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alerts.queue import queue_alerts
from alerts.send import LEASE, send_outbox
from store.db import make_engine, make_sessionmaker, upgrade
from store.locks import sender_lock
from store.models import Alert, Mail
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice
from tests.factories import config as make_config

ROOT = Path(__file__).resolve().parents[2]
SENDER = """
import json, sys
from app.config import Config
from alerts.send import send_outbox
from store.db import make_engine, make_sessionmaker
config = Config(**json.loads(sys.argv[1]))
print(json.dumps(send_outbox(make_sessionmaker(make_engine(config.database_url)), config)), flush=True)
"""


def start_sender(config) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", SENDER, json.dumps(asdict(config))], env=env, stdout=subprocess.PIPE, text=True
    )


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
    queue_alerts(sessions, config, today=TODAY, now=NOW)
    return emails


def message_ids(sessions) -> dict[str, str]:
    with sessions() as s:
        return dict(s.execute(select(Mail.message_id, Mail.status)).all())


def test_a_sender_killed_mid_batch_loses_nothing_and_resends_with_the_same_message_id(sessions, config, smtp):
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

    later = datetime.now(UTC) + LEASE + timedelta(minutes=1)
    send_outbox(sessions, config, now_fn=lambda: later)

    statuses = message_ids(sessions)
    assert set(statuses.values()) == {"sent"}
    accepted = [r.message["Message-ID"] for r in smtp.handler.accepted()]
    assert set(accepted) == set(statuses)  # every mail arrived, each under its own fixed Message-ID
    assert [r.rcpt_tos for r in smtp.handler.received].count([emails[0]]) == 2


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
        assert send_outbox(sessions, config, now_fn=lambda: NOW)["locked"] == 1
    assert smtp.handler.received == []
    assert send_outbox(sessions, config, now_fn=lambda: NOW)["sent"] == 1


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
        return queue_alerts(sessions, config, today=TODAY, now=NOW)

    with ThreadPoolExecutor(2) as pool:
        results = [f.result(timeout=60) for f in [pool.submit(run) for _ in range(2)]]
    assert sum(r["new_window"] for r in results) == 50
    assert sum(r["mails"] for r in results) == 50
    with sessions() as s:
        assert s.scalar(select(func.count(Alert.id)).where(Alert.mail_id.is_(None))) == 0
    engine.dispose()
