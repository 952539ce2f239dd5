"""End to end through a real SMTP server: queue, send, and a re-run that sends nothing."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta

from sqlalchemy import select

from alerts.queue import queue_alerts
from alerts.send import send_mail_now, send_outbox
from alerts.tokens import read_token
from store.db import make_engine, make_sessionmaker, upgrade
from store.models import Mail, Subscriber
from store.outbox import enqueue_mail
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice


def clock(at=NOW):
    return lambda: at


def test_one_eligible_subscriber_gets_exactly_one_mail_and_a_rerun_sends_nothing(sessions, config, smtp):
    add_notice(sessions, notice())
    add_subscriber(sessions, "in@example.com", "2021下半年")
    add_subscriber(sessions, "out@example.com", "2024上半年")

    counts = queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert counts["new_window"] == 1 and counts["mails"] == 1
    assert send_outbox(sessions, config.mail, now_fn=clock()) == {
        "sent": 1, "failed": 0, "retried": 0, "released": 0, "skipped": 0, "unknown": 0,
    }  # fmt: skip

    assert queue_alerts(sessions, config.alerting, today=TODAY, now=NOW + timedelta(hours=1))["mails"] == 0
    assert send_outbox(sessions, config.mail, now_fn=clock(NOW + timedelta(hours=1)))["sent"] == 0

    [received] = smtp.handler.received
    assert received.rcpt_tos == ["in@example.com"]
    message = received.message
    assert (
        "您2021年下半年取得的信息系统项目管理师证书在本次范围内" in message.get_body(("plain",)).get_content()
    )
    with sessions() as s:
        [mail] = s.scalars(select(Mail)).all()
        assert (mail.status, mail.attempts, mail.message_id) == ("sent", 1, message["Message-ID"])


def test_confirmation_mail_carries_a_working_confirm_link(sessions, config, smtp):
    subscriber_id = add_subscriber(sessions, "new@example.com", "2021", status="pending")
    with sessions.begin() as s:
        mail = enqueue_mail(
            s, recipient="new@example.com", purpose="confirm", subscriber_id=subscriber_id,
            now=NOW, domain=config.mail_domain,
        )  # fmt: skip
        mail_id = mail.id
    assert asyncio.run(send_mail_now(sessions, config.mail, mail_id)) == "sent"
    assert asyncio.run(send_mail_now(sessions, config.mail, mail_id)) == "not-due"

    [received] = smtp.handler.received
    body = received.message.get_body(("plain",)).get_content()
    [token] = re.findall(r"https://watch\.example\.org/confirm/(\S+)", body)
    with sessions() as s:
        link_secret = s.get(Subscriber, subscriber_id).link_secret
    claims = read_token(
        token,
        "confirm",
        today_day=(TODAY - date(1970, 1, 1)).days,
        secret=config.secret,
        link_secret_of={subscriber_id: link_secret}.get,
    )
    assert claims is not None and claims.subscriber_id == subscriber_id
    assert "List-Unsubscribe" not in received.message


def test_message_ids_are_unique_across_databases_and_fixed_per_mail(tmp_path, config):
    ids = []
    for name in ("a", "b"):  # two installations, or one database made anew: the same first alert
        url = f"sqlite:///{tmp_path / name}.sqlite3"
        upgrade(url)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        add_notice(sessions, notice())
        add_subscriber(sessions, "in@example.com", "2021")
        queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
        with sessions() as s:
            ids.append(s.scalars(select(Mail.message_id)).one())
        engine.dispose()
    assert ids[0] != ids[1]
    assert all(re.fullmatch(r"<ruankao-watch\.alert-[0-9a-f]{32}@example\.org>", i) for i in ids)
