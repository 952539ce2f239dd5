"""People sitting the exam: no certificate, a region, the exams they follow and the kinds they chose.

A candidate subscribed to 报名 in 天津 gets Tianjin's sign-up notice and no registration
notice; one who chose 2026下半年 does not hear of the 2026上半年 sign-up; results notices,
which have no window, are news for a month after they come out. SQLite and PostgreSQL, and
the mail through a real SMTP server.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select

from alerts.queue import queue_alerts
from alerts.send import send_outbox
from store.models import Alert, Notice, Subscriber
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice

SIGNUP = "关于2026年上半年计算机技术与软件专业技术资格（水平）考试报名工作的通知"


def exam_notice(number: int, kind: str, region: str, sessions: tuple[str, ...], **kwargs):
    """A sign-up or results notice about ``sessions`` (a results one with no window when ``windows=False``)."""
    windows = kwargs.pop("windows", True)
    fetched = notice(number, kind=kind, region=region, eligible=(), fee=None, **kwargs)
    parsed = replace(fetched.parsed, session=sessions, windows=fetched.parsed.windows if windows else ())
    return replace(fetched, parsed=parsed)


def told(sessions) -> set[tuple[str, int]]:
    """(address, notice id) of every notice alert queued."""
    with sessions() as s:
        rows = s.execute(
            select(Subscriber.email, Alert.notice_id).join(Subscriber).where(Alert.notice_id.is_not(None))
        )
        return {tuple(row) for row in rows}


def test_a_candidate_gets_the_signup_notice_of_their_region_and_no_registration_notice(
    sessions, config, smtp
):
    add_notice(sessions, exam_notice(1, "exam_signup", "天津", ("2026上半年",), title=SIGNUP))
    add_notice(sessions, exam_notice(2, "exam_signup", "广东", ("2026上半年",)))
    add_notice(sessions, notice(3, kind="registration", region="national"))
    add_notice(sessions, notice(4, kind="registration", region="天津"))
    add_subscriber(sessions, "candidate@example.com", region="天津市红桥区", kinds=("exam_signup", "results"))
    add_subscriber(sessions, "everything@example.com", region="天津市红桥区")  # no certificate, every kind
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert told(sessions) == {("candidate@example.com", 1), ("everything@example.com", 1)}
    assert send_outbox(sessions, config.mail, now_fn=lambda: NOW)["sent"] == 2
    [mail] = [r for r in smtp.handler.received if r.rcpt_tos == ["candidate@example.com"]]
    text = mail.message.get_body(("plain",)).get_content()
    assert (
        SIGNUP in text
        and "这是天津的通知，您登记的地区是天津市红桥区。本通知涉及2026年上半年的考试。" in text
    )
    assert "证书登记" not in str(mail.message["Subject"])


def test_a_candidate_who_chose_exams_hears_only_of_those(sessions, config):
    add_notice(sessions, exam_notice(1, "exam_signup", "national", ("2026上半年",)))
    add_notice(sessions, exam_notice(2, "exam_signup", "national", ("2026下半年",)))
    add_notice(sessions, exam_notice(3, "exam_signup", "national", ()))  # the session was not read: tell
    add_notice(sessions, exam_notice(4, "exam_signup", "national", ("2026",)))  # both halves of 2026
    add_subscriber(sessions, "autumn@example.com", kinds=("exam_signup",), exam_sessions=("2026下半年",))
    add_subscriber(sessions, "any@example.com", kinds=("exam_signup",))
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert told(sessions) == {
        ("autumn@example.com", 2), ("autumn@example.com", 3), ("autumn@example.com", 4),
        ("any@example.com", 1), ("any@example.com", 2), ("any@example.com", 3), ("any@example.com", 4),
    }  # fmt: skip


def test_a_results_notice_without_a_window_is_news_for_a_month(sessions, config):
    fresh = exam_notice(
        1, "results", "national", ("2025下半年",), windows=False, published=TODAY - timedelta(days=10)
    )
    old = exam_notice(
        2, "results", "national", ("2025下半年",), windows=False, published=TODAY - timedelta(days=40)
    )
    other = exam_notice(3, "results", "national", ("2025上半年",), windows=False, published=TODAY)
    for fetched in (fresh, old, other):
        add_notice(sessions, fetched)
    add_subscriber(sessions, "sat@example.com", kinds=("results",), exam_sessions=("2025下半年",))
    add_subscriber(sessions, "signup-only@example.com", kinds=("exam_signup",))
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert told(sessions) == {("sat@example.com", 1)}
    with sessions() as s:
        assert s.scalar(select(Notice.id).where(Notice.id == 2)) == 2  # stored, just no longer news


def test_a_results_notice_with_a_review_window_is_news_while_it_is_open(sessions, config):
    add_notice(
        sessions,
        exam_notice(1, "results", "national", ("2025下半年",), start=date(2026, 2, 25), end=date(2026, 3, 3),
                    published=date(2025, 12, 19)),
    )  # fmt: skip
    add_subscriber(sessions, "sat@example.com", kinds=("results",))
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert told(sessions) == {("sat@example.com", 1)}
