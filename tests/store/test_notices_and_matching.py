"""Store: versions are added only on real changes, and matching queues each alert once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from parsers.types import EligibleRange, ParsedNotice, Window
from store.matching import bundle_alerts_into_mails
from store.models import Alert, Mail
from store.notice_alerts import queue_notice_alerts
from store.notices import FetchedNotice, list_notices, record_fetch
from store.subscribers import CertificateData, SubscriberData, upsert_subscriber

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def registration(end: date, text: str = "正文") -> FetchedNotice:
    parsed = ParsedNotice(
        title="关于2026年证书登记的通知",
        kind="registration",
        region="national",
        published=date(2026, 2, 20),
        windows=(Window("登记", date(2026, 3, 2), end, "登记时间"),),
        eligible=(EligibleRange(None, "2022", "2022年度及以前"),),
    )
    return FetchedNotice(
        "ruankao",
        "https://www.ruankao.org.cn/article/content/1.html",
        parsed.title,
        parsed.published,
        text,
        parsed,
        NOW,
    )


def subscribe(session, email: str, obtained: str, region: str = "天津市红桥区") -> None:
    data = SubscriberData(email, region, (CertificateData("信息系统项目管理师", "高级", obtained),))
    upsert_subscriber(session, data.validated(date(2026, 3, 1)), status="active", now=NOW)


def test_unchanged_fetch_adds_no_version_and_a_change_adds_one(sessions):
    with sessions.begin() as s:
        assert record_fetch(s, registration(date(2026, 3, 20))) == "new"
    with sessions.begin() as s:
        assert record_fetch(s, registration(date(2026, 3, 20))) == "unchanged"
    with sessions.begin() as s:
        assert record_fetch(s, registration(date(2026, 3, 27), "正文 延长")) == "changed"
    with sessions() as s:
        [notice] = list_notices(s)
        assert len(notice.versions) == 2
        assert notice.current_version.windows[0].end_date == date(2026, 3, 27)


def test_matching_queues_eligible_once_and_skips_the_rest(sessions):
    with sessions.begin() as s:
        record_fetch(s, registration(date(2026, 3, 20)))
        subscribe(s, "in@example.com", "2022下半年")
        subscribe(s, "out@example.com", "2023上半年")
    with sessions.begin() as s:
        assert sum(queue_notice_alerts(s, today=date(2026, 3, 1), now=NOW).values()) == 1
        assert bundle_alerts_into_mails(s, now=NOW, domain="example.org") == 1
    with sessions.begin() as s:
        assert sum(queue_notice_alerts(s, today=date(2026, 3, 1), now=NOW).values()) == 0
        assert bundle_alerts_into_mails(s, now=NOW, domain="example.org") == 0
    with sessions() as s:
        [mail] = s.scalars(select(Mail)).all()
        assert mail.recipient == "in@example.com"
        assert s.scalar(select(func.count(Alert.id)).where(Alert.mail_id == mail.id)) == 1


def test_no_alert_for_a_window_closed_on_today(sessions):
    with sessions.begin() as s:
        record_fetch(s, registration(date(2026, 3, 20)))
        subscribe(s, "in@example.com", "2021")
    with sessions.begin() as s:
        assert sum(queue_notice_alerts(s, today=date(2026, 3, 21), now=NOW).values()) == 0
        assert sum(queue_notice_alerts(s, today=date(2026, 3, 20), now=NOW).values()) == 1


def test_nul_characters_are_dropped_before_storing(sessions):
    hostile = registration(date(2026, 3, 20), "正文\x00尾")
    hostile = FetchedNotice(
        hostile.source_id,
        hostile.url,
        "标题\x00<script>",
        hostile.published,
        hostile.text,
        hostile.parsed,
        hostile.fetched_at,
    )
    with sessions.begin() as s:
        assert record_fetch(s, hostile) == "new"
    with sessions() as s:
        [notice] = list_notices(s)
        assert notice.title == "标题<script>"
        assert notice.current_version.text == "正文尾"
