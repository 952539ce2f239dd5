"""Changes, closing-soon and expiry reminders, digests versus instant mail, operator mail, dry runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy

from sqlalchemy import func, select, update

from alerts.health import queue_health_mails
from alerts.queue import queue_alerts
from alerts.send import send_outbox, write_eml
from store.models import Alert, Certificate, Mail, SourceState, Subscriber
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice


def day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 8, tzinfo=UTC)


def run(sessions, config, today: date) -> dict:
    counts = queue_alerts(sessions, config.alerting, today=today, now=day(today))
    counts["sent"] = send_outbox(sessions, config.mail, now_fn=lambda: day(today))["sent"]
    return counts


def kinds(sessions) -> list[str]:
    with sessions() as s:
        return list(s.scalars(select(Alert.kind).order_by(Alert.id)))


def test_a_changed_notice_is_announced_field_by_field_once(sessions, config, smtp):
    add_notice(sessions, notice(end=date(2026, 3, 20), fee=30))
    add_subscriber(sessions, "zhang@example.com", "2021")
    assert run(sessions, config, TODAY)["sent"] == 1
    add_notice(sessions, notice(end=date(2026, 3, 20), fee=30, text="正文（重新排版）"))
    assert run(sessions, config, TODAY)["changed"] == 0  # reworded, nothing to act on
    add_notice(sessions, notice(end=date(2026, 3, 27), fee=35, text="正文 延长"))
    counts = run(sessions, config, date(2026, 3, 2))
    assert (counts["changed"], counts["new_window"], counts["sent"]) == (1, 0, 1)
    assert run(sessions, config, date(2026, 3, 2))["mails"] == 0
    text = smtp.handler.received[-1].message.get_body(("plain",)).get_content()
    assert "变更：登记截止：2026年3月20日 → 2026年3月27日" in text
    assert "变更：登记费：30元/人 → 35元/人" in text


def test_a_notice_back_to_its_first_text_is_announced_as_a_change(sessions, config, smtp):
    """A → B → A: whoever was told B hears that the deadline went back, and the next run is quiet."""
    first = notice(end=date(2026, 3, 20))
    add_notice(sessions, first)
    add_subscriber(sessions, "zhang@example.com", "2021")
    run(sessions, config, TODAY)
    add_notice(sessions, notice(end=date(2026, 3, 27), text="正文 延长"))
    assert run(sessions, config, date(2026, 3, 2))["changed"] == 1
    assert add_notice(sessions, first) == "changed"
    assert run(sessions, config, date(2026, 3, 3))["changed"] == 1
    assert run(sessions, config, date(2026, 3, 3))["mails"] == 0
    text = smtp.handler.received[-1].message.get_body(("plain",)).get_content()
    assert "变更：登记截止：2026年3月27日 → 2026年3月20日" in text


def test_closing_soon_follows_reminder_days_and_fires_once(sessions, config, smtp):
    add_notice(sessions, notice(end=date(2026, 3, 20)))
    add_subscriber(sessions, "three@example.com", "2021", reminder_days=3)
    add_subscriber(sessions, "zero@example.com", "2021", reminder_days=0)
    add_subscriber(sessions, "none@example.com", "2021", kinds=("registration",))
    run(sessions, config, TODAY)
    assert run(sessions, config, date(2026, 3, 16))["closing_soon"] == 0
    assert run(sessions, config, date(2026, 3, 17))["closing_soon"] == 1
    assert run(sessions, config, date(2026, 3, 18))["closing_soon"] == 0
    assert run(sessions, config, date(2026, 3, 20))["closing_soon"] == 1
    assert run(sessions, config, date(2026, 3, 21))["closing_soon"] == 0
    three, today = (m.message for m in smtp.handler.received[-2:])
    text = three.get_body(("plain",)).get_content()
    assert "【即将截止（还剩 3 天）】" in text and "2026年3月20日" in text
    assert "即将截止（还剩 3 天）" in str(three["Subject"])
    assert "【即将截止（今天截止）】" in today.get_body(("plain",)).get_content()


def test_a_reminder_no_sender_sent_before_its_deadline_fails_with_the_reason_instead(sessions, config, smtp):
    """Queued on the 17th (还剩 3 天) while the relay or the scheduler was down for days: sent on the
    21st it would urge people towards a deadline that passed, so it fails, visibly, with why."""
    add_notice(sessions, notice(end=date(2026, 3, 20)))
    add_subscriber(sessions, "late@example.com", "2021", reminder_days=3)
    add_subscriber(sessions, "ontime@example.com", "2021", reminder_days=3)
    run(sessions, config, TODAY)
    assert (
        queue_alerts(sessions, config.alerting, today=date(2026, 3, 17), now=day(date(2026, 3, 17)))[
            "closing_soon"
        ]
        == 2
    )
    with sessions.begin() as s:  # a sender runs on the deadline day, when only one of them is due
        s.execute(
            update(Mail)
            .where(Mail.recipient == "late@example.com")
            .values(next_attempt_at=day(date(2026, 3, 21)))
        )
    assert send_outbox(sessions, config.mail, now_fn=lambda: day(date(2026, 3, 20)))["sent"] == 1
    counts = send_outbox(sessions, config.mail, now_fn=lambda: day(date(2026, 3, 21)))
    assert (counts["sent"], counts["failed"]) == (0, 1)
    with sessions() as s:
        late = s.scalars(
            select(Mail).where(Mail.recipient == "late@example.com").order_by(Mail.id.desc())
        ).first()
    assert late.status == "failed" and "deadline 2026-03-20 passed" in late.last_error
    assert smtp.handler.received[-1].rcpt_tos == ["ontime@example.com"]


def test_a_notice_found_late_gets_no_separate_closing_reminder_in_the_same_run(sessions, config, smtp):
    add_notice(sessions, notice(end=date(2026, 3, 20)))
    add_subscriber(sessions, "zhang@example.com", "2021")
    counts = run(sessions, config, date(2026, 3, 19))
    assert (counts["new_window"], counts["closing_soon"]) == (1, 0)


def test_expiry_reminders_at_180_and_30_days_and_again_after_registering(sessions, config, smtp):
    subscriber_id = add_subscriber(sessions, "zhang@example.com", ("2021", date(2023, 6, 10)))
    add_subscriber(sessions, "off@example.com", ("2021", date(2023, 6, 10)))
    with sessions.begin() as s:
        s.execute(
            update(Subscriber).where(Subscriber.email == "off@example.com").values(expiry_reminders=False)
        )
    # the registration lapses on 2026-06-10
    assert run(sessions, config, date(2025, 12, 11))["expiry"] == 0
    assert run(sessions, config, date(2025, 12, 12))["expiry"] == 1
    assert run(sessions, config, date(2025, 12, 13))["expiry"] == 0
    assert run(sessions, config, date(2026, 5, 10))["expiry"] == 0
    assert run(sessions, config, date(2026, 5, 11))["expiry"] == 1
    assert run(sessions, config, date(2026, 6, 11))["expiry"] == 0
    text = smtp.handler.received[-1].message.get_body(("plain",)).get_content()
    assert "登记有效期将于2026年6月10日届满" in text
    with sessions.begin() as s:
        s.execute(update(Certificate).where(Certificate.subscriber_id == subscriber_id).values(
            last_registered=date(2026, 6, 1)))  # fmt: skip
    assert run(sessions, config, date(2028, 12, 3))["expiry"] == 1


def test_the_expiry_switch_alone_decides_expiry_reminders_not_the_deadline_reminder_box(
    sessions, config, smtp
):
    add_subscriber(sessions, "no-deadlines@example.com", ("2021", date(2023, 6, 10)), kinds=("registration",))
    assert run(sessions, config, date(2025, 12, 12))["expiry"] == 1


def test_expiry_reminder_days_come_from_the_config_and_an_empty_list_turns_them_off(sessions, config, smtp):
    add_subscriber(sessions, "zhang@example.com", ("2021", date(2023, 6, 10)))  # lapses 2026-06-10
    ninety = config.model_copy(update=dict(expiry_reminder_days=[90]))
    assert (
        run(sessions, config.model_copy(update=dict(expiry_reminder_days=[])), date(2026, 3, 12))["expiry"]
        == 0
    )
    assert run(sessions, ninety, date(2025, 12, 12))["expiry"] == 0  # 180 days ahead is not a stage now
    assert run(sessions, ninety, date(2026, 3, 11))["expiry"] == 0
    assert run(sessions, ninety, date(2026, 3, 12))["expiry"] == 1


def test_instant_subscribers_get_one_mail_per_alert_digest_subscribers_one_in_all(sessions, config, smtp):
    add_notice(sessions, notice(1))
    add_notice(sessions, notice(2, title="另一条登记通知"))
    add_subscriber(sessions, "digest@example.com", "2021")
    add_subscriber(sessions, "instant@example.com", "2021", digest=False)
    assert run(sessions, config, TODAY)["mails"] == 3
    by_rcpt = {}
    for received in smtp.handler.received:
        by_rcpt.setdefault(received.rcpt_tos[0], []).append(received)
    assert len(by_rcpt["digest@example.com"]) == 1 and len(by_rcpt["instant@example.com"]) == 2
    assert "2条新提醒" in by_rcpt["digest@example.com"][0].message["Subject"]


def test_one_admin_mail_per_broken_source_until_it_recovers(sessions, config, smtp):
    with sessions.begin() as s:
        s.add(SourceState(source_id="tianjin", healthy=False, problems=["0 items from the list page"]))
    assert queue_health_mails(sessions, config.alerting, NOW) == 1
    assert queue_health_mails(sessions, config.alerting, NOW) == 0
    assert queue_health_mails(sessions, config.model_copy(update=dict(admin_email="")).alerting, NOW) == 0
    with sessions.begin() as s:
        s.execute(update(SourceState).values(healthy=True))
    assert queue_health_mails(sessions, config.alerting, NOW) == 0
    with sessions.begin() as s:
        s.execute(update(SourceState).values(healthy=False))
    assert queue_health_mails(sessions, config.alerting, NOW) == 1
    assert send_outbox(sessions, config.mail, now_fn=lambda: NOW)["sent"] == 2
    assert {r.rcpt_tos[0] for r in smtp.handler.received} == {"ops@example.org"}


def test_the_admin_mail_says_its_times_in_beijing_time(sessions, config, smtp):
    with sessions.begin() as s:
        s.add(
            SourceState(
                source_id="tianjin",
                healthy=False,
                problems=["0 items from the list page"],
                failing_since=datetime(2026, 3, 1, 1, 30, tzinfo=UTC),
                last_success_at=datetime(2026, 2, 28, 17, 5, tzinfo=UTC),
            )
        )
    assert queue_health_mails(sessions, config.alerting, NOW) == 1
    assert send_outbox(sessions, config.mail, now_fn=lambda: NOW)["sent"] == 1
    message = smtp.handler.received[0].message
    for body in (message.get_body(("plain",)), message.get_body(("html",))):
        text = body.get_content()
        assert "异常开始：2026年3月1日 09:30（北京时间）" in text
        assert "最近一次成功：2026年3月1日 01:05（北京时间）" in text


def test_write_eml_composes_pending_mails_and_changes_nothing(sessions, config, smtp, tmp_path):
    add_notice(sessions, notice())
    add_subscriber(sessions, "zhang@example.com", "2021")
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    [path] = write_eml(sessions, config.mail, tmp_path / "out", now=NOW)
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "zhang@example.com"
    with sessions() as s:
        assert s.scalar(select(func.count()).where(Mail.status == "pending")) == 1
    assert send_outbox(sessions, config.mail, now_fn=lambda: NOW + timedelta(minutes=1))["sent"] == 1
    assert smtp.handler.received[0].data.replace(b"\r\n", b"\n") == path.read_bytes().replace(b"\r\n", b"\n")
