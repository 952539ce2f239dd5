"""A relay so slow that claims run out while mails wait their turn: another sender takes them, and each goes once.

PostgreSQL only: there several senders share the outbox; on SQLite a second sender waits for the lock.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import timedelta

import pytest

from alerts.send import LEASE, send_outbox
from store.db import make_engine, make_sessionmaker, upgrade
from testkit.smtp import ScriptedHandler, SmtpServer
from tests.alerts.test_workers import message_ids, queue_many
from tests.factories import NOW
from tests.factories import config as make_config


class HoldsTheFirst(ScriptedHandler):
    """Holds the first DATA until ``release`` is set (``arrived`` says it came); the others pass."""

    def __init__(self):
        super().__init__()
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if not self.arrived.is_set():
            self.arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.postgres
def test_mails_whose_claim_ran_out_in_a_slow_senders_queue_go_once_by_the_sender_that_took_them(
    pg_schema_url,
):
    upgrade(pg_schema_url)
    engine = make_engine(pg_schema_url)
    sessions = make_sessionmaker(engine)
    clock = [NOW]
    results: list[dict] = []
    with SmtpServer(HoldsTheFirst()) as smtp:  # held DATA must not time out: no timing in this test
        url = f"smtp://127.0.0.1:{smtp.port}?timeout=300"
        config = make_config(pg_schema_url, smtp.port, smtp_url=url, send_concurrency=1)
        # Twelve: the slow sender claims ten (one connection's batch) and, with nine still in
        # its queue, does not claim again before its claims run out.
        queue_many(sessions, config, 12)
        slow = threading.Thread(
            target=lambda: results.append(send_outbox(sessions, config.mail, now_fn=lambda: clock[0]))
        )
        slow.start()  # claims ten, and the relay holds the first one
        assert smtp.handler.arrived.wait(60), "the slow sender never reached the relay"
        clock[0] = NOW + LEASE + timedelta(minutes=1)  # so slow that its claims ran out
        other = send_outbox(sessions, config.mail, now_fn=lambda: clock[0])  # the next cron run's sender
        assert other["sent"] == 12
        smtp.handler.release.set()
        slow.join(120)
    engine_ids = message_ids(sessions)
    engine.dispose()
    assert set(engine_ids.values()) == {"sent"}
    sent = Counter(r.message["Message-ID"] for r in smtp.handler.accepted())
    assert set(sent) == set(engine_ids)
    # Only the mail that was on the wire when its claim ran out went twice (with its Message-ID).
    assert sorted(sent.values()) == [1] * 11 + [2], results
