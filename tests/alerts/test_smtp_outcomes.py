"""Each SMTP outcome against a real (scripted) server, and what the outbox records for it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from alerts.queue import queue_alerts
from alerts.send import LEASE, send_outbox
from store.models import Mail, Subscriber
from store.outbox import MAX_ATTEMPTS
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice

EMAIL = "zhang@example.com"
ZERO = {"sent": 0, "failed": 0, "retried": 0, "skipped": 0, "unknown": 0}


def at(moment):
    return lambda: moment


def queue_one(sessions, config, email=EMAIL) -> None:
    add_notice(sessions, notice())
    add_subscriber(sessions, email, "2021")
    assert queue_alerts(sessions, config, today=TODAY, now=NOW)["mails"] == 1


def the_mail(sessions) -> Mail:
    with sessions() as s:
        return s.scalars(select(Mail)).one()


@pytest.mark.parametrize(
    ("rcpt", "data", "result", "status"),
    [
        (None, "250 OK", "sent", "sent"),
        (None, "421 4.7.0 Too many messages, slow down", "retried", "pending"),
        (None, "451 4.3.0 Temporary local problem", "retried", "pending"),
        ("452 4.2.2 Mailbox full", None, "retried", "pending"),
        ("550 5.1.1 No such user", None, "failed", "failed"),
        (None, "554 5.7.1 Message rejected as spam", "failed", "failed"),
    ],
)
def test_replies_are_classified(sessions, config, smtp, rcpt, data, result, status):
    queue_one(sessions, config)
    if rcpt:
        smtp.handler.rcpt_replies[EMAIL] = rcpt
    if data:
        smtp.handler.script(EMAIL, data)
    assert send_outbox(sessions, config, now_fn=at(NOW)) == {**ZERO, result: 1}
    mail = the_mail(sessions)
    assert (mail.status, mail.attempts) == (status, 1)
    if status == "pending":
        assert mail.next_attempt_at.replace(tzinfo=None) == (NOW + timedelta(minutes=1)).replace(tzinfo=None)
        assert mail.lease_until is None
    if status != "sent":
        assert mail.last_error.startswith((rcpt or data)[:3])


def test_a_retry_goes_out_later_with_the_same_message_id(sessions, config, smtp):
    queue_one(sessions, config)
    smtp.handler.script(EMAIL, "451 4.3.0 later", "250 OK")
    assert send_outbox(sessions, config, now_fn=at(NOW))["retried"] == 1
    assert send_outbox(sessions, config, now_fn=at(NOW + timedelta(seconds=30)))["sent"] == 0  # not due yet
    assert send_outbox(sessions, config, now_fn=at(NOW + timedelta(minutes=1)))["sent"] == 1
    first, second = smtp.handler.received
    assert first.message["Message-ID"] == second.message["Message-ID"] == the_mail(sessions).message_id
    assert first.data == second.data


def test_backoff_grows_and_ends_in_failed_with_the_last_error(sessions, config, smtp):
    queue_one(sessions, config)
    with sessions.begin() as s:
        s.execute(update(Mail).values(attempts=2))
    smtp.handler.script(EMAIL, "451 4.3.0 later")
    send_outbox(sessions, config, now_fn=at(NOW))
    mail = the_mail(sessions)
    assert mail.next_attempt_at.replace(tzinfo=None) == (NOW + timedelta(minutes=4)).replace(tzinfo=None)
    with sessions.begin() as s:
        s.execute(update(Mail).values(attempts=MAX_ATTEMPTS - 1, next_attempt_at=NOW))
    smtp.handler.script(EMAIL, "451 4.3.0 still later")
    assert send_outbox(sessions, config, now_fn=at(NOW))["failed"] == 1
    mail = the_mail(sessions)
    assert (mail.status, mail.attempts, mail.last_error) == ("failed", MAX_ATTEMPTS, "451 4.3.0 still later")


def test_repeated_bad_mailbox_marks_the_subscriber_bouncing(sessions, config, smtp):
    queue_one(sessions, config)
    smtp.handler.rcpt_replies[EMAIL] = "550 5.1.1 No such user"
    send_outbox(sessions, config, now_fn=at(NOW))
    with sessions() as s:
        assert s.scalars(select(Subscriber.status)).one() == "active"
    add_notice(sessions, notice(2))
    queue_alerts(sessions, config, today=TODAY, now=NOW)
    send_outbox(sessions, config, now_fn=at(NOW))
    with sessions() as s:
        assert s.execute(select(Subscriber.status, Subscriber.hard_bounces)).one() == ("bouncing", 2)


def test_policy_rejection_does_not_count_as_a_bounce(sessions, config, smtp):
    queue_one(sessions, config)
    smtp.handler.script(EMAIL, "554 5.7.1 rejected")
    send_outbox(sessions, config, now_fn=at(NOW))
    with sessions() as s:
        assert s.execute(select(Subscriber.status, Subscriber.hard_bounces)).one() == ("active", 0)


@pytest.mark.parametrize("fault", ["drop", "stall"])
def test_a_connection_lost_after_data_is_not_resent_until_the_lease_expires(sessions, config, smtp, fault):
    config = dataclasses.replace(config, smtp_url=config.smtp_url.replace("timeout=2", "timeout=0.5"))
    queue_one(sessions, config)
    smtp.handler.script(EMAIL, fault)
    assert send_outbox(sessions, config, now_fn=at(NOW)) == {**ZERO, "unknown": 1}
    mail = the_mail(sessions)
    assert mail.status == "sending" and "after DATA" in mail.last_error
    assert send_outbox(sessions, config, now_fn=at(NOW + LEASE - timedelta(seconds=1)))["sent"] == 0
    assert len(smtp.handler.received) == 1  # no immediate second DATA
    assert send_outbox(sessions, config, now_fn=at(NOW + LEASE + timedelta(seconds=1)))["sent"] == 1
    first, second = smtp.handler.received
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert the_mail(sessions).attempts == 2


def test_required_starttls_that_the_server_does_not_offer_fails_closed(sessions, config, smtp):
    config = dataclasses.replace(config, smtp_url=config.smtp_url + "&starttls=true")
    queue_one(sessions, config)
    assert send_outbox(sessions, config, now_fn=at(NOW))["retried"] == 1
    assert smtp.handler.received == []
    assert "STARTTLS" in the_mail(sessions).last_error.upper()


def test_a_refused_connection_is_retried(sessions, config, smtp):
    config = dataclasses.replace(config, smtp_url="smtp://127.0.0.1:9?timeout=1")
    queue_one(sessions, config)
    assert send_outbox(sessions, config, now_fn=at(NOW))["retried"] == 1
    assert the_mail(sessions).status == "pending"


def test_a_subscriber_who_left_before_the_send_gets_nothing(sessions, config, smtp):
    queue_one(sessions, config)
    with sessions.begin() as s:
        s.execute(update(Subscriber).values(status="unsubscribed"))
    assert send_outbox(sessions, config, now_fn=at(NOW)) == {**ZERO, "skipped": 1}
    assert smtp.handler.received == []
    mail = the_mail(sessions)
    assert (mail.status, mail.last_error) == ("failed", "subscriber unsubscribed")


def test_the_hourly_limit_spans_runs(sessions, config, smtp):
    config = dataclasses.replace(config, send_rate_per_hour=1)
    add_notice(sessions, notice())
    add_subscriber(sessions, "one@example.com", "2021")
    add_subscriber(sessions, "two@example.com", "2021")
    queue_alerts(sessions, config, today=TODAY, now=NOW)
    assert send_outbox(sessions, config, now_fn=at(NOW))["sent"] == 1
    assert send_outbox(sessions, config, now_fn=at(NOW + timedelta(minutes=59)))["sent"] == 0
    assert send_outbox(sessions, config, now_fn=at(NOW + timedelta(minutes=61)))["sent"] == 1
