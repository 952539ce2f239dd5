"""The alert ledger survives a subscriber's edits: nothing sent is deleted or queued again, new things still go.

Removing a certificate used to delete that subscriber's alerts about it (ON DELETE
CASCADE), and the next run queued them again. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta

from alembic import command
from sqlalchemy import func, select, text, update

from alerts.queue import queue_alerts
from store.db import alembic_config, make_engine
from store.models import Alert, Mail, Subscriber
from store.subscribers import CertificateData, SubscriberData, replace_preferences
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice


def _edit(sessions, subscriber_id: int, region: str, *certificates: tuple[str, str], kinds=()) -> None:
    data = SubscriberData(
        "li@example.com",
        (region,),
        tuple(CertificateData(q, "", obtained) for q, obtained in certificates),
        alert_kinds=kinds,
    ).validated(TODAY)
    with sessions.begin() as s:
        replace_preferences(s, s.get(Subscriber, subscriber_id), data)


def _send_everything(sessions) -> None:
    with sessions.begin() as s:
        s.execute(update(Mail).values(status="sent", sent_at=NOW))


def _counts(sessions, subscriber_id: int) -> tuple[int, int]:
    with sessions() as s:
        alerts = s.scalar(select(func.count(Alert.id)).where(Alert.subscriber_id == subscriber_id))
        mails = s.scalar(select(func.count(Mail.id)).where(Mail.subscriber_id == subscriber_id))
    return alerts, mails


def test_removing_a_certificate_or_changing_region_and_topics_never_requeues_what_was_sent(sessions, config):
    add_notice(sessions, notice(1, eligible=((None, "2022"),)))
    sid = add_subscriber(sessions, "li@example.com", "2021下半年", "2023上半年")  # a notice, an expiry
    first = queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert (first["new_window"], first["expiry"], first["mails"]) == (1, 1, 1)
    _send_everything(sessions)
    before = _counts(sessions, sid)

    _edit(
        sessions, sid, "天津市红桥区", ("信息系统项目管理师", "2023上半年")
    )  # the notice's certificate goes
    _edit(sessions, sid, "广东省深圳市", ("信息系统项目管理师", "2023上半年"), kinds=("registration",))
    _edit(sessions, sid, "天津市红桥区", ("信息系统项目管理师", "2021下半年"))  # it comes back, same session
    _edit(
        sessions,
        sid,
        "天津市红桥区",
        ("信息系统项目管理师", "2021下半年"),
        ("信息系统项目管理师", "2023上半年"),
    )
    again = queue_alerts(sessions, config.alerting, today=TODAY, now=NOW + timedelta(hours=2))

    assert again == dict.fromkeys(again, 0)
    assert _counts(sessions, sid) == before


def test_what_is_new_after_an_edit_is_still_sent(sessions, config):
    add_notice(sessions, notice(1, eligible=((None, "2022"),)))
    sid = add_subscriber(sessions, "li@example.com", "2021下半年")
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    _send_everything(sessions)

    # 广州: a 广东 notice concerns it (深圳 has its own examining institution, so it would not).
    _edit(sessions, sid, "广东省广州市", ("信息系统项目管理师", "2021下半年"), ("网络工程师", "2023上半年"))
    add_notice(
        sessions,
        notice(
            2,
            kind="certificate_collection",
            region="广东",
            eligible=(("2023", "2023"),),
            end=date(2026, 3, 28),
        ),
    )
    again = queue_alerts(sessions, config.alerting, today=TODAY, now=NOW + timedelta(hours=2))

    assert (again["new_window"], again["expiry"], again["mails"]) == (1, 1, 1)


def test_the_migration_rewrites_stored_expiry_keys_so_nothing_is_reminded_twice(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    command.upgrade(alembic_config(url), "0003")
    engine = make_engine(url)  # foreign keys on, as the application runs
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO subscriber (id, email, status, region, province, city, alert_kinds,"
                " reminder_days, expiry_reminders, digest, link_secret, created_at, hard_bounces)"
                " VALUES (1, 'li@example.com', 'active', '', '', '', '[]', 3, 1, 1, 'k', '2026-01-01', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO certificate (id, subscriber_id, qualification, level, obtained, obtained_low,"
                " obtained_high) VALUES (7, 1, '程序员', '初级', '2023上半年', 20231, 20231)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO alert (subscriber_id, kind, about, certificate_id, detail, created_at)"
                " VALUES (1, 'expiry', 'expiry:7:20231:180', 7, '{}', '2026-01-01')"
            )
        )
    command.upgrade(alembic_config(url), "head")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT about FROM alert")).scalar() == "expiry:程序员:20231:20231:180"
        conn.execute(text("DELETE FROM certificate"))
        assert conn.execute(text("SELECT certificate_id FROM alert")).one() == (None,)
    engine.dispose()
