"""Pure builders: hostile text stays text, links are official only, bytes are deterministic."""

from __future__ import annotations

import json
from datetime import date, datetime

import feedparser
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from lxml import etree

from core.windows import Window
from feeds import discovery_links
from feeds.calendar import render_ics, window_uids
from feeds.entries import SHANGHAI, FeedEntry, FeedMeta, change_lines
from feeds.private import feed_token, read_feed_token
from feeds.render import render_atom, render_json_feed, render_rss
from feeds.text import official_link, safe_line, safe_text

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = "a]]><x> <script>alert(1)</script> & <img src=1 onerror=alert(1)>"
META = FeedMeta(
    "软考通知",
    "说明",
    "https://feeds.example.org/feeds/rss.xml",
    "https://feeds.example.org/",
    datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI),
)


def entry(title: str = HOSTILE, summary: str = f"登记：2026-03-02 至 2026-03-20\n{HOSTILE}") -> FeedEntry:
    return FeedEntry(
        id="urn:uuid:1e295680-0c77-5e7a-9ebf-c87f84c55400",
        title=title,
        link="https://www.ruankao.org.cn/article/content/1.html",
        published=datetime(2026, 2, 20, tzinfo=SHANGHAI),
        updated=datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI),
        kind="registration",
        region="national",
        summary=summary,
        windows=(
            Window("登记", datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 20, 17, 0)),
            Window("领取", date(2026, 4, 1), date(2026, 4, 10)),
            Window("截止", None, date(2026, 4, 30)),
            Window("待定", None, None),
        ),
        revision=1,
    )


@pytest.mark.parametrize("render", [render_rss, render_atom])
def test_hostile_title_round_trips_as_text(render):
    parsed = feedparser.parse(render([entry()], META))
    assert parsed.bozo == 0
    [item] = parsed.entries
    assert item.title == HOSTILE
    assert item.title_detail.type == "text/plain"
    # The HTML body is escaped text: a reader shows "<script>", never runs it.
    body = item.content[0].value if "content" in item else item.description
    assert "<script>" not in body and "&lt;script&gt;" in body


def test_atom_summary_is_text_and_categories_are_chinese():
    [item] = feedparser.parse(render_atom([entry()], META)).entries
    assert item.summary_detail.type == "text/plain"
    assert HOSTILE in item.summary
    assert [t.term for t in item.tags] == ["证书登记", "全国"]  # NoticeKind.REGISTRATION.label
    assert feedparser.parse(render_atom([entry()], META)).feed.author == "软考通知自动摘录（ruankao-watch）"
    assert item.published_parsed[:3] == (2026, 2, 19)  # 00:00 Asia/Shanghai is the evening before in UTC


def test_json_feed_keeps_text_in_content_text():
    document = json.loads(render_json_feed([entry()], META))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    [item] = document["items"]
    assert item["title"] == HOSTILE and "content_html" not in item
    assert item["date_modified"] == "2026-03-05T10:00:00+08:00"
    assert item["tags"] == ["证书登记", "全国"]


@pytest.mark.parametrize("render", [render_rss, render_atom, render_json_feed, render_ics])
def test_same_entries_give_the_same_bytes(render):
    assert render([entry()], META) == render([entry()], META)
    assert render([], META) == render([], META)


def test_calendar_events_alarms_and_all_day_windows():
    calendar = Calendar.from_ical(render_ics([entry()], META, alarm_days=3))
    w1, w2, w3, w4 = window_uids(entry())
    assert len({w1, w2, w3, w4}) == 4 and all(uid.endswith("@ruankao-watch") for uid in (w1, w2, w3, w4))
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {w1, w2, w3}  # the fourth window has no dates: no event
    timed = events[w1]
    assert timed["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert timed.decoded("dtend") == datetime(2026, 3, 20, 17, 0, tzinfo=SHANGHAI)
    assert str(timed["summary"]) == f"登记：{HOSTILE}"
    [alarm] = timed.walk("VALARM")
    assert alarm.decoded("trigger") == datetime(2026, 3, 17, 17, 0, tzinfo=SHANGHAI)
    all_day = events[w2]
    assert all_day.decoded("dtstart") == date(2026, 4, 1)
    assert all_day.decoded("dtend") == date(2026, 4, 11)  # exclusive end: the 10th is included
    assert events[w3].decoded("dtstart") == date(2026, 4, 30)
    assert timed["sequence"] == 1
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Asia/Shanghai"
    assert not Calendar.from_ical(render_ics([entry()], META, alarm_days=0)).walk("VALARM")


def test_safe_text_strips_controls_bidi_and_zero_width():
    assert safe_line("通知\x00\x08\x1b\u202egpj.exe\u200b\u2066x\ufeff") == "通知gpj.exex"
    assert safe_line("  a \u3000 b\n c ") == "a b c"
    assert len(safe_line("长" * 1000)) == 300


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>",
        "ftp://www.ruankao.org.cn/x",
        "https://user:pw@www.ruankao.org.cn/",
        "https://www.ruankaо.org.cn/",  # Cyrillic о
        "https://xn--ruanka-7nf.org.cn/",
        "https://www.ruankao.org.cn/\u202e",
        "https:///path",
        "",
    ],
)
def test_unofficial_links_are_dropped(url):
    assert official_link(url) is None


def test_official_links_are_kept_and_host_bound():
    url = "https://www.ruankao.org.cn/article/content/1.html?id=2"
    assert official_link(url) == url
    assert official_link(url, host="www.ruankao.org.cn") == url
    assert official_link(url, host="bm.ruankao.org.cn") is None


def test_feed_tokens_are_signed_and_purpose_bound():
    secrets = {7: "seven", 8: "eight"}
    token = feed_token(7, "seven", "s3cret")
    assert read_feed_token(token, "s3cret", secrets.get) == 7
    assert read_feed_token(token, "other", secrets.get) is None
    assert read_feed_token(token.replace("7.", "8.", 1), "s3cret", secrets.get) is None
    assert read_feed_token(token, "s3cret", {7: "renewed"}.get) is None  # a new link secret revokes it
    assert read_feed_token(token, "s3cret", {}.get) is None  # a deleted subscriber
    assert read_feed_token(token[:-1] + ("A" if token[-1] != "A" else "B"), "s3cret", secrets.get) is None
    assert read_feed_token("7.x", "s3cret", secrets.get) is None
    assert read_feed_token(token, "", secrets.get) is None
    with pytest.raises(ValueError):
        feed_token(7, "seven", "")


def test_discovery_links_name_every_public_format():
    links = discovery_links("https://feeds.example.org/")
    assert {link["type"] for link in links} == {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "text/calendar",
    }
    assert all(
        link["href"].startswith("https://feeds.example.org/") and "//feeds/" not in link["href"]
        for link in links
    )


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_any_scraped_title_renders_and_reads_back_as_its_safe_text(raw):
    title = safe_line(raw)
    assume(title)
    for render, path in ((render_rss, "channel/item/title"), (render_atom, f"{ATOM}entry/{ATOM}title")):
        document = render([entry(title=title, summary=safe_text(raw) or "摘要")], META)
        assert feedparser.parse(document).bozo == 0
        # Read back with lxml: feedparser "repairs" text that looks like mojibake ("Â¡" → "¡").
        assert etree.fromstring(document).findtext(path) == title
    assert json.loads(render_json_feed([entry(title=title)], META))["items"][0]["title"] == title
    [event] = Calendar.from_ical(render_ics([entry(title=title)], META)).walk("VEVENT")[:1]
    assert str(event["summary"]) == f"登记：{title}"


def test_an_amendment_that_changed_no_field_still_says_the_text_changed():
    assert change_lines(BEFORE_PARSED, BEFORE_PARSED) == ["通知正文有修改，办理时间、费用和适用证书未变"]
    assert change_lines(BEFORE_PARSED, {**BEFORE_PARSED, "fees": []}) == ["取消费用：登记费 30元/人"]


BEFORE_PARSED = {
    "windows": [{"label": "登记", "start": "2026-03-02T09:00", "end": "2026-03-20T17:00"}],
    "fees": [{"amount": 30, "currency": "CNY", "item": "登记费", "per": "人"}],
}
