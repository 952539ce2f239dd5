"""Attacks on the alert ledger: subscribers who leave and come back between match and send, notices withdrawn.

Runs on SQLite and PostgreSQL, with a real SMTP server on loopback.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from alerts.queue import queue_alerts
from alerts.send import send_outbox
from store.models import Mail, Subscriber
from store.subscribers import CertificateData, SubscriberData, activate, reopen, unsubscribe
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice

EMAIL = "li@example.com"


def at(moment):
    return lambda: moment


@pytest.mark.parametrize("back_before_the_send", [False, True])
def test_someone_who_leaves_and_comes_back_is_told_of_the_open_notice_they_missed(
    sessions, config, smtp, back_before_the_send
):
    add_notice(sessions, notice())
    subscriber_id = add_subscriber(sessions, EMAIL, "2021")
    assert queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)["mails"] == 1
    again = SubscriberData(EMAIL, ("天津市红桥区",), (CertificateData("信息系统项目管理师", "", "2021"),))
    with sessions.begin() as s:
        unsubscribe(s.get(Subscriber, subscriber_id), NOW)
        if back_before_the_send:  # subscribed again, not confirmed yet: the mail still may not go
            reopen(s, s.get(Subscriber, subscriber_id), again.validated(TODAY))
    assert send_outbox(sessions, config.mail, now_fn=at(NOW))["skipped"] == 1
    with sessions.begin() as s:  # back, and confirmed; the notice's window is still open
        subscriber = s.get(Subscriber, subscriber_id)
        if not back_before_the_send:
            reopen(s, subscriber, again.validated(TODAY))
        assert activate(s, subscriber, NOW)
    assert queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)["new_window"] == 1
    assert send_outbox(sessions, config.mail, now_fn=at(NOW))["sent"] == 1
    [received] = smtp.handler.accepted()
    assert received.rcpt_tos == [EMAIL] and "证书登记" in received.message["Subject"]
    with sessions() as s:  # the mail not sent while they were away stays, with its reason
        assert sorted(s.execute(select(Mail.status, Mail.last_error))) == [
            ("failed", "subscriber " + ("pending" if back_before_the_send else "unsubscribed")),
            ("sent", None),
        ]
    assert queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)["mails"] == 0  # and only once


@pytest.mark.parametrize(
    ("windows", "says"),
    [((), "取消登记"), (None, "登记截止：2026年3月20日 → 2026年2月28日")],
    ids=["postponed-without-a-date", "closed-early"],
)
def test_a_window_withdrawn_or_closed_after_the_alert_is_announced_once(
    sessions, config, smtp, windows, says
):
    add_notice(sessions, notice())
    add_subscriber(sessions, EMAIL, "2021")
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert send_outbox(sessions, config.mail, now_fn=at(NOW))["sent"] == 1
    later = NOW + timedelta(hours=6)
    amended = notice(end=date(2026, 2, 28), text="登记工作推迟，具体时间另行通知", at=later)
    if windows is not None:
        amended = replace(amended, parsed=replace(amended.parsed, windows=windows))
    assert add_notice(sessions, amended) == "changed"
    assert queue_alerts(sessions, config.alerting, today=TODAY, now=later)["changed"] == 1
    assert send_outbox(sessions, config.mail, now_fn=at(later))["sent"] == 1
    change = smtp.handler.accepted()[-1].message
    assert "有变更" in change["Subject"] and says in change.get_body(("plain",)).get_content()
    assert queue_alerts(sessions, config.alerting, today=TODAY, now=later)["mails"] == 0


def test_a_closing_today_reminder_expires_at_beijing_midnight_not_at_utc_midnight(sessions, config, smtp):
    add_notice(sessions, notice(end=date(2026, 3, 20)))
    for email in ("before@example.com", "after@example.com"):
        add_subscriber(sessions, email, "2021")
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert send_outbox(sessions, config.mail, now_fn=at(NOW))["sent"] == 2
    last_day = datetime(2026, 3, 20, 1, tzinfo=UTC)  # 09:00 in Beijing on the window's last day
    assert queue_alerts(sessions, config.alerting, today=date(2026, 3, 20), now=last_day)["closing_soon"] == 2
    midnight = datetime(2026, 3, 20, 16, tzinfo=UTC)  # 00:00 of the 21st in Beijing, still the 20th in UTC
    with sessions.begin() as s:  # the relay was away all day; each mail is due on one side of midnight
        s.execute(
            update(Mail)
            .where(Mail.status == "pending")
            .values(next_attempt_at=midnight - timedelta(seconds=1))
        )
        s.execute(
            update(Mail)
            .where(Mail.status == "pending", Mail.recipient == "after@example.com")
            .values(next_attempt_at=midnight)
        )
    assert send_outbox(sessions, config.mail, now_fn=at(midnight - timedelta(seconds=1)))["sent"] == 1
    reminder = smtp.handler.accepted()[-1]
    assert reminder.rcpt_tos == ["before@example.com"]
    assert "今天截止" in reminder.message.get_body(("plain",)).get_content()
    counts = send_outbox(sessions, config.mail, now_fn=at(midnight))
    assert (counts["sent"], counts["failed"]) == (0, 1)  # the deadline passed in Beijing: not sent late
