"""Each SMTP outcome against a real (scripted) server, and what the outbox records for it."""

from __future__ import annotations

import ssl
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from alerts.queue import queue_alerts
from alerts.send import send_outbox
from store.models import Mail, Subscriber
from store.outbox import LOST_WAIT, MAX_LOST_AFTER_DATA
from testkit.smtp import SmtpServer
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice, self_signed_certificate
from tests.factories import config as make_config

EMAIL = "zhang@example.com"
ZERO = {"sent": 0, "failed": 0, "retried": 0, "released": 0, "skipped": 0, "unknown": 0}


def at(moment):
    return lambda: moment


def queue_one(sessions, config, email=EMAIL) -> None:
    add_notice(sessions, notice())
    add_subscriber(sessions, email, "2021")
    assert queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)["mails"] == 1


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
    assert send_outbox(sessions, config.mail, now_fn=at(NOW)) == {**ZERO, result: 1}
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
    assert send_outbox(sessions, config.mail, now_fn=at(NOW))["retried"] == 1
    assert (
        send_outbox(sessions, config.mail, now_fn=at(NOW + timedelta(seconds=30)))["sent"] == 0
    )  # not due yet
    assert send_outbox(sessions, config.mail, now_fn=at(NOW + timedelta(minutes=1)))["sent"] == 1
    first, second = smtp.handler.received
    assert first.message["Message-ID"] == second.message["Message-ID"] == the_mail(sessions).message_id
    assert first.data == second.data


def test_backoff_grows_and_a_mail_gives_up_by_age_with_the_last_error(sessions, config, smtp):
    queue_one(sessions, config)
    with sessions.begin() as s:
        s.execute(update(Mail).values(attempts=2))
    smtp.handler.script(EMAIL, "451 4.3.0 later")
    send_outbox(sessions, config.mail, now_fn=at(NOW))
    mail = the_mail(sessions)
    assert mail.next_attempt_at.replace(tzinfo=None) == (NOW + timedelta(minutes=4)).replace(tzinfo=None)
    assert (mail.status, mail.attempts) == ("pending", 3)
    # Many tries within the age are fine; one past it ends the mail with its reason.
    with sessions.begin() as s:
        s.execute(update(Mail).values(attempts=40))
    smtp.handler.script(EMAIL, "451 4.3.0 still later")
    day_before = NOW + timedelta(days=config.give_up_after_days) - timedelta(hours=1)
    assert send_outbox(sessions, config.mail, now_fn=at(day_before))["retried"] == 1
    smtp.handler.script(EMAIL, "451 4.3.0 still later")
    with sessions.begin() as s:
        s.execute(update(Mail).values(next_attempt_at=NOW + timedelta(days=3)))
    assert send_outbox(sessions, config.mail, now_fn=at(NOW + timedelta(days=3)))["failed"] == 1
    mail = the_mail(sessions)
    assert (mail.status, mail.attempts) == ("failed", 42)
    assert mail.last_error == "gave up: not delivered within 3 days; last error: 451 4.3.0 still later"


def test_repeated_bad_mailbox_marks_the_subscriber_bouncing(sessions, config, smtp):
    queue_one(sessions, config)
    smtp.handler.rcpt_replies[EMAIL] = "550 5.1.1 No such user"
    send_outbox(sessions, config.mail, now_fn=at(NOW))
    with sessions() as s:
        assert s.scalars(select(Subscriber.status)).one() == "active"
    add_notice(sessions, notice(2))
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    send_outbox(sessions, config.mail, now_fn=at(NOW))
    with sessions() as s:
        assert s.execute(select(Subscriber.status, Subscriber.hard_bounces)).one() == ("bouncing", 2)


def test_policy_rejection_does_not_count_as_a_bounce(sessions, config, smtp):
    queue_one(sessions, config)
    smtp.handler.script(EMAIL, "554 5.7.1 rejected")
    send_outbox(sessions, config.mail, now_fn=at(NOW))
    with sessions() as s:
        assert s.execute(select(Subscriber.status, Subscriber.hard_bounces)).one() == ("active", 0)


@pytest.mark.parametrize("fault", ["drop", "stall"])
def test_a_connection_lost_after_data_waits_before_it_is_resent(sessions, config, smtp, fault):
    config = config.model_copy(update=dict(smtp_url=config.smtp_url.replace("timeout=2", "timeout=0.5")))
    queue_one(sessions, config)
    smtp.handler.script(EMAIL, fault)
    assert send_outbox(sessions, config.mail, now_fn=at(NOW)) == {**ZERO, "unknown": 1}
    mail = the_mail(sessions)
    assert (mail.status, mail.lost_after_data) == ("pending", 1) and "after DATA" in mail.last_error
    assert send_outbox(sessions, config.mail, now_fn=at(NOW + LOST_WAIT - timedelta(seconds=1)))["sent"] == 0
    assert len(smtp.handler.received) == 1  # no immediate second DATA
    assert send_outbox(sessions, config.mail, now_fn=at(NOW + LOST_WAIT + timedelta(seconds=1)))["sent"] == 1
    first, second = smtp.handler.received
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert the_mail(sessions).attempts == 2


def test_connections_lost_after_data_are_capped(sessions, config, smtp):
    config = config.model_copy(update=dict(smtp_url=config.smtp_url.replace("timeout=2", "timeout=0.5")))
    queue_one(sessions, config)
    smtp.handler.script(EMAIL, *["drop"] * (MAX_LOST_AFTER_DATA + 2))
    moment = NOW
    for _ in range(MAX_LOST_AFTER_DATA + 2):
        send_outbox(sessions, config.mail, now_fn=at(moment))
        moment += LOST_WAIT + timedelta(seconds=1)
    assert len(smtp.handler.received) == MAX_LOST_AFTER_DATA  # then it stops, instead of every run forever
    mail = the_mail(sessions)
    assert mail.status == "failed"
    assert mail.last_error.startswith(f"gave up: connection lost after DATA {MAX_LOST_AFTER_DATA} times")


def test_required_starttls_that_the_server_does_not_offer_fails_closed(sessions, config, smtp):
    config = config.model_copy(update=dict(smtp_url=config.smtp_url + "&starttls=true"))
    queue_one(sessions, config)
    assert send_outbox(sessions, config.mail, now_fn=at(NOW))["retried"] == 1
    assert smtp.handler.received == []
    assert "STARTTLS" in the_mail(sessions).last_error.upper()


@pytest.mark.parametrize("query", ["", "&starttls=true"], ids=["starttls-if-offered", "starttls-required"])
def test_a_relay_whose_certificate_does_not_verify_gets_nothing(sessions, database_url, tmp_path, query):
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(*self_signed_certificate(tmp_path))
    with SmtpServer(tls_context=tls) as relay:  # offers STARTTLS with a certificate nobody vouches for
        config = make_config(database_url, relay.port)
        config = config.model_copy(update=dict(smtp_url=config.smtp_url + query))
        queue_one(sessions, config)
        assert send_outbox(sessions, config.mail, now_fn=at(NOW))["retried"] == 1
    assert relay.handler.received == []  # no fallback to a clear-text session
    mail = the_mail(sessions)
    assert mail.status == "pending" and "CERTIFICATE_VERIFY_FAILED" in mail.last_error


def test_a_refused_connection_is_retried(sessions, config, smtp):
    config = config.model_copy(update=dict(smtp_url="smtp://127.0.0.1:9?timeout=1"))
    queue_one(sessions, config)
    assert send_outbox(sessions, config.mail, now_fn=at(NOW))["retried"] == 1
    assert the_mail(sessions).status == "pending"


def test_a_subscriber_who_left_before_the_send_gets_nothing(sessions, config, smtp):
    queue_one(sessions, config)
    with sessions.begin() as s:
        s.execute(update(Subscriber).values(status="unsubscribed"))
    assert send_outbox(sessions, config.mail, now_fn=at(NOW)) == {**ZERO, "skipped": 1}
    assert smtp.handler.received == []
    mail = the_mail(sessions)
    assert (mail.status, mail.last_error) == ("failed", "subscriber unsubscribed")


def test_the_hourly_limit_spans_runs(sessions, config, smtp):
    config = config.model_copy(update=dict(send_rate_per_hour=1))
    add_notice(sessions, notice())
    add_subscriber(sessions, "one@example.com", "2021")
    add_subscriber(sessions, "two@example.com", "2021")
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert send_outbox(sessions, config.mail, now_fn=at(NOW))["sent"] == 1
    assert send_outbox(sessions, config.mail, now_fn=at(NOW + timedelta(minutes=59)))["sent"] == 0
    assert send_outbox(sessions, config.mail, now_fn=at(NOW + timedelta(minutes=61)))["sent"] == 1


def test_a_sixteen_hour_relay_outage_fails_nothing_and_counts_only_real_tries(sessions, config, smtp):
    down = config.model_copy(update=dict(smtp_url="smtp://127.0.0.1:9?timeout=1"))
    add_notice(sessions, notice())
    for i in range(12):
        add_subscriber(sessions, f"user{i:02d}@example.com", "2021")
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    for run in range(8):  # every two hours, as cron would
        counts = send_outbox(sessions, down.mail, now_fn=at(NOW + timedelta(hours=2 * run)))
        assert counts["failed"] == 0, counts
        assert counts["released"] >= 10
    with sessions() as s:
        mails = s.scalars(select(Mail)).all()
    assert {m.status for m in mails} == {"pending"}
    assert sum(m.attempts for m in mails) <= 8 * down.send_concurrency  # only the mails really tried
    assert all(m.last_error.startswith(("connection failed", "not tried: connection failed")) for m in mails)
    assert send_outbox(sessions, config.mail, now_fn=at(NOW + timedelta(hours=24)))["sent"] == 12


@pytest.mark.parametrize(
    ("rcpt", "data", "first_run"),
    [
        ("550 5.1.1 No such user", None, {"sent": 4, "failed": 1}),  # the others go on at once
        (None, "421 4.7.0 Try again later, closing connection", {"sent": 1, "retried": 1, "released": 3}),
    ],
    ids=["550-at-rcpt", "421-mid-session"],
)
def test_one_refusal_in_a_session_loses_and_doubles_nothing(sessions, config, smtp, rcpt, data, first_run):
    config = config.model_copy(update=dict(send_concurrency=1))
    add_notice(sessions, notice())
    emails = [f"user{i}@example.com" for i in range(5)]
    for email in emails:
        add_subscriber(sessions, email, "2021")
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    if rcpt:
        smtp.handler.rcpt_replies[emails[1]] = rcpt
    if data:
        smtp.handler.script(emails[1], data)
    assert send_outbox(sessions, config.mail, now_fn=at(NOW)) == {**ZERO, **first_run}
    send_outbox(sessions, config.mail, now_fn=at(NOW + timedelta(minutes=1)))
    accepted = [r.rcpt_tos[0] for r in smtp.handler.accepted()]
    assert sorted(accepted) == sorted(e for e in emails if rcpt is None or e != emails[1])  # each once
    with sessions() as s:
        assert sorted(s.scalars(select(Mail.status))) == ["failed"] * bool(rcpt) + ["sent"] * len(accepted)
