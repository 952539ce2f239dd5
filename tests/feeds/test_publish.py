"""Feeds from the store, on SQLite and PostgreSQL: every file parses, ids hold, re-runs change nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser
from icalendar import Calendar

from feeds.calendar import window_uids
from feeds.publish import load_entries, render_private, write_feeds
from parsers import parse_notice
from store.feed_queries import feed_subscriber, notices_for_subscriber
from store.models import Alert
from store.notice_alerts import queue_notice_alerts
from store.notices import FetchedNotice, list_notices, record_fetch
from store.subscribers import find_subscriber
from tests.factories import NOW, add_subscriber, notice
from tests.feeds.conftest import REGISTRATION

BASE = "https://feeds.example.org"
OFFICIAL_HOSTS = {"www.ruankao.org.cn", "www.tjpta.cn"}
EXPECTED = [
    "rss.xml",
    "atom.xml",
    "feed.json",
    "calendar.ics",
    "kind/registration.xml",
    "kind/late_registration.xml",
    "kind/exam_signup.xml",
    "kind/certificate_collection.xml",
    "kind/results.xml",
    "kind/other.xml",
    "region/national.xml",
    "region/天津.xml",
]


def test_every_feed_parses_with_unique_ids_and_official_links(notices, tmp_path):
    with notices() as s:
        paths = write_feeds(s, tmp_path, base_url=BASE)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == EXPECTED
    for path in paths:
        if path.suffix == ".ics":
            events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
            assert len(events) == 6 and len({str(e["uid"]) for e in events}) == 6
            continue
        if path.suffix == ".json":  # feedparser 6.0 reads no JSON Feed: check its shape by hand
            items = json.loads(path.read_bytes())["items"]
            assert len({i["id"] for i in items}) == len(items) == 3
            assert all(urlsplit(i["url"]).hostname in OFFICIAL_HOSTS for i in items)
            continue
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, (path, feed.get("bozo_exception"))
        ids = [e.id for e in feed.entries]
        assert len(ids) == len(set(ids))
        for item in feed.entries:
            assert urlsplit(item.link).hostname in OFFICIAL_HOSTS
    whole = feedparser.parse((tmp_path / "rss.xml").read_bytes())
    assert [e.title for e in whole.entries] == [
        "关于<script>alert(1)</script>登记]]><x>的通知gpj.exe",  # controls, bidi, zero-width gone
        "关于2026年上半年证书登记的通知",
        "2026年上半年考试报名通知",
    ]
    assert len(feedparser.parse((tmp_path / "region/天津.xml").read_bytes()).entries) == 1
    assert len(feedparser.parse((tmp_path / "kind/exam_signup.xml").read_bytes()).entries) == 1
    assert feedparser.parse((tmp_path / "kind/results.xml").read_bytes()).entries == []


def test_entry_summary_has_windows_eligibility_fees_evidence_and_official_attachments(notices):
    with notices() as s:
        entry = next(e for e in load_entries(s) if e.title == "关于2026年上半年证书登记的通知")
    assert "登记：2026年3月2日 09:00 至 2026年3月20日 17:00" in entry.summary
    assert "适用：2021年及以前取得的证书" in entry.summary
    assert "费用：登记费 30元/人" in entry.summary
    assert "「2021年度及以前取得证书的人员」" in entry.summary
    assert "附件：登记表 https://www.ruankao.org.cn/files/form.doc" in entry.summary
    assert "example.com" not in entry.summary
    assert entry.published.isoformat() == "2026-02-20T00:00:00+08:00"
    assert entry.updated.isoformat() == "2026-03-01T16:00:00+08:00"


def test_same_data_writes_identical_bytes_and_rewrites_nothing(notices, tmp_path):
    with notices() as s:
        first = {p: p.read_bytes() for p in write_feeds(s, tmp_path / "a", base_url=BASE)}
        mtimes = {p: p.stat().st_mtime_ns for p in first}
        again = write_feeds(s, tmp_path / "a", base_url=BASE)
        second = {p.name: p.read_bytes() for p in write_feeds(s, tmp_path / "b", base_url=BASE)}
    assert {p: p.stat().st_mtime_ns for p in again} == mtimes
    assert {p.name: b for p, b in first.items()} == second
    assert not list((tmp_path / "a").rglob("*.tmp"))


def test_an_amended_notice_keeps_its_id_and_says_what_changed(notices, tmp_path):
    url = "https://www.ruankao.org.cn/article/content/1.html"
    with notices() as s:
        before = {e.title: e for e in load_entries(s)}["关于2026年上半年证书登记的通知"]
    later = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)
    with notices.begin() as s:
        amended = notice(
            url=url,
            **{**REGISTRATION, "end": datetime(2026, 3, 27, 17, 0)},
            fee="35",
            text="正文 延长",
            at=later,
        )
        assert record_fetch(s, amended) == "changed"
    with notices() as s:
        write_feeds(s, tmp_path, base_url=BASE)
    feed = feedparser.parse((tmp_path / "atom.xml").read_bytes())
    item = next(e for e in feed.entries if e.link == url)
    assert item.id == before.id
    assert item.updated == "2026-03-05T10:00:00+08:00" != before.updated.isoformat()
    assert "登记截止：2026年3月20日 17:00 → 2026年3月27日 17:00" in item.summary
    assert "登记费：30元/人 → 35元/人" in item.summary
    assert feed.feed.updated == "2026-03-05T10:00:00+08:00"
    events = Calendar.from_ical((tmp_path / "calendar.ics").read_bytes()).walk("VEVENT")
    assert {str(e["uid"]) for e in events if str(e["url"]) == url} == set(window_uids(before))


def test_javascript_link_is_dropped_but_the_entry_stays(sessions, tmp_path):
    with sessions.begin() as s:
        record_fetch(s, notice(url="javascript:alert(1)//www.ruankao.org.cn/x.html", **REGISTRATION))
    with sessions() as s:
        write_feeds(s, tmp_path, base_url=BASE)
    feed = feedparser.parse((tmp_path / "rss.xml").read_bytes())
    assert feed.bozo == 0
    [item] = feed.entries
    assert "link" not in item and item.id.startswith("urn:uuid:")


def test_limit_keeps_the_newest(notices, tmp_path):
    with notices() as s:
        write_feeds(s, tmp_path, base_url=BASE, limit=2)
    titles = [e.title for e in feedparser.parse((tmp_path / "rss.xml").read_bytes()).entries]
    assert len(titles) == 2 and "2026年上半年考试报名通知" not in titles


SIGNUP = "https://www.ruankao.org.cn/article/content/3.html"


def test_private_feed_has_what_concerns_the_subscriber(notices):
    with notices.begin() as s:
        holder = add_subscriber(s, "holder@example.com", "2020下半年")  # 天津, eligible (≤2021)
        newcomer = add_subscriber(s, "new@example.com", "2024上半年", region="广东省深圳市")  # not eligible
        add_subscriber(s, "later@example.com", "2021上半年", region="上海")
        queue_notice_alerts(s, today=NOW.date(), now=NOW)
    with notices() as s:
        sub = feed_subscriber(s, holder)
        # Default topics are every kind: the national exam sign-up notice concerns everyone.
        assert [n.url for n in notices_for_subscriber(s, sub, today=NOW.date())] == [
            "http://www.tjpta.cn/notice/2.html",
            "https://www.ruankao.org.cn/article/content/1.html",
            SIGNUP,
        ]
        other = feed_subscriber(s, newcomer)
        assert [n.url for n in notices_for_subscriber(s, other, today=NOW.date())] == [SIGNUP]
        shanghai = find_subscriber(s, "later@example.com")
        assert [n.url for n in notices_for_subscriber(s, shanghai, today=NOW.date())] == [
            "https://www.ruankao.org.cn/article/content/1.html",
            SIGNUP,
        ]
        rss = render_private(
            s,
            sub,
            calendar=False,
            self_url=f"{BASE}/feeds/private/t.xml",
            base_url=BASE,
            limit=50,
            today=NOW.date(),
        )
        ics = render_private(
            s,
            sub,
            calendar=True,
            self_url=f"{BASE}/calendar/private/t.ics",
            base_url=BASE,
            limit=50,
            today=NOW.date(),
        )
    feed = feedparser.parse(rss.body)
    assert feed.bozo == 0 and feed.feed.title == "我的软考通知" and len(feed.entries) == 3
    assert "holder@example.com" not in rss.body.decode()
    assert len(Calendar.from_ical(ics.body).walk("VALARM")) == 6  # two windows each


def test_private_feed_follows_kind_choices_and_includes_alerted_notices(notices):
    with notices.begin() as s:
        holder = add_subscriber(s, "signup@example.com", "2020下半年")
        find_subscriber(s, "signup@example.com").alert_kinds = ["exam_signup"]
    with notices() as s:
        sub = feed_subscriber(s, holder)
        assert [n.url for n in notices_for_subscriber(s, sub, today=NOW.date())] == [
            "https://www.ruankao.org.cn/article/content/3.html"
        ]
    # What the alert layer queued stays in the feed even when it would not match today.
    with notices.begin() as s:
        national = next(n for n in list_notices(s) if n.url.endswith("/1.html"))
        s.add(
            Alert(
                subscriber_id=holder,
                kind="new_window",
                about=f"notice:{national.id}",
                notice_id=national.id,
                version_id=national.current_version_id,
                detail={},
                created_at=NOW,
            )
        )
    with notices() as s:
        sub = feed_subscriber(s, holder)
        assert [n.url for n in notices_for_subscriber(s, sub, today=NOW.date())] == [
            "https://www.ruankao.org.cn/article/content/1.html",
            "https://www.ruankao.org.cn/article/content/3.html",
        ]


def test_a_notice_read_by_the_real_parser_becomes_a_feed_entry(sessions):
    text = (
        "关于开展2026年度计算机技术与软件专业技术资格证书登记工作的通知\n"
        "一、登记对象\n2022年度及以前取得计算机技术与软件专业技术资格（水平）证书的人员。\n"
        "二、登记时间\n2026年3月2日9:00至3月20日17:00。\n"
        "三、登记费用\n登记费每人每次30元。\n天津市人力资源和社会保障局\n2026年2月20日"
    )
    parsed = parse_notice(text, is_html=False)
    url = "http://www.tjpta.cn/notice/9.html"
    with sessions.begin() as s:
        record_fetch(s, FetchedNotice("tianjin", url, parsed.title, parsed.published, text, parsed, NOW))
    with sessions() as s:
        [entry] = load_entries(s)
    assert entry.region == "天津" and entry.kind == "registration"
    assert "登记：2026年3月2日 09:00 至 2026年3月20日 17:00" in entry.summary
    assert "适用：2022年及以前取得的证书" in entry.summary
    assert "「2026年3月2日9:00至3月20日17:00。」" in entry.summary
