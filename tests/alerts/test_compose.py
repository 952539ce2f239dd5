"""Message building: required headers, header injection, HTML escaping and official links."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import pytest

from alerts.compose import clean_header, compose, is_official, message_bytes
from alerts.deadlines import expired_reason
from alerts.tokens import read_token
from core.config import Settings
from store.outgoing import AlertItem, OutgoingMail, Recipient

CONFIG = Settings(
    mail_from="软考提醒 <alerts@example.org>",
    base_url="https://watch.example.org",
    secret="s",
).mail
CREATED = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
PARSED = {
    "windows": [
        {
            "label": "登记",
            "start": "2026-03-02",
            "end": "2026-03-20T17:00",
            "evidence": "登记时间为3月2日至3月20日",
        }
    ],
    "eligible": [{"from": None, "to": "2022", "evidence": "2022年度及以前取得证书的人员"}],
    "fees": [{"amount": 30, "currency": "CNY", "item": "登记费", "per": "人", "evidence": "登记费每人30元"}],
}


def item(**changes) -> AlertItem:
    values = dict(
        id=1,
        kind="new_window",
        about="notice:1",
        detail={},
        notice_url="https://www.ruankao.org.cn/article/content/1.html",
        notice_title="关于2026年证书登记的通知",
        source_id="ruankao",
        region="national",
        parsed=PARSED,
        qualification="信息系统项目管理师",
        obtained="2021下半年",
        obtained_high=20212,
    )
    values.update(changes)
    return AlertItem(**values)


def mail(*items: AlertItem, name: str | None = "张三") -> OutgoingMail:
    return OutgoingMail(
        id=7,
        message_id="<ruankao-watch.alert-1@example.org>",
        recipient="zhang@example.com",
        purpose="alert",
        detail={},
        attempts=0,
        created_at=CREATED,
        subscriber=Recipient(3, "zhang@example.com", name, "active", "k3", ("天津市红桥区",)),
        alerts=items or (item(),),
    )


def reparse(message):
    """The message as a receiving client parses it."""
    return message_from_bytes(message.as_bytes(), policy=policy.default)


def test_alert_mail_has_every_required_header_and_working_links():
    message = reparse(compose(mail(), CONFIG))
    assert message["From"].addresses[0].display_name == "软考提醒"
    assert message["From"].addresses[0].addr_spec == "alerts@example.org"
    assert message["Message-ID"] == "<ruankao-watch.alert-1@example.org>"
    assert message["Date"].datetime == CREATED
    assert message["List-Id"] == "软考提醒 <alerts.example.org>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [https] = re.findall(
        r"<([^>]+)>", str(message["List-Unsubscribe"])
    )  # mail_from's mailbox is read by nobody
    assert https.startswith("https://watch.example.org/unsubscribe/")
    named = reparse(
        compose(mail(), CONFIG.model_copy(update=dict(unsubscribe_email="unsubscribe@example.org")))
    )
    assert re.findall(r"<([^>]+)>", str(named["List-Unsubscribe"]))[1].startswith(
        "mailto:unsubscribe@example.org?subject=unsubscribe%20"
    )
    today = (date(2026, 3, 1) - date(1970, 1, 1)).days
    claims = read_token(
        https.rsplit("/", 1)[1], "unsubscribe", today_day=today, secret="s", link_secret_of={3: "k3"}.get
    )
    assert claims is not None and claims.subscriber_id == 3
    text = message.get_body(("plain",)).get_content()
    assert "您2021年下半年取得的信息系统项目管理师证书在本次范围内" in text
    assert "登记：2026年3月2日 至 2026年3月20日 17:00" in text
    assert "登记费 30元/人" in text
    assert "“登记时间为3月2日至3月20日”" in text
    assert "https://watch.example.org/manage/" in text
    html = message.get_body(("html",)).get_content()
    assert '<a href="https://www.ruankao.org.cn/article/content/1.html">' in html
    assert "时间均为北京时间" in text and "时间均为北京时间" in html


def test_a_digest_carries_every_alert_and_composes_the_same_bytes_twice():
    digest = mail(item(), item(id=2, notice_title="第二条通知", kind="closing_soon", detail={"window": 0}))
    message = reparse(compose(digest, CONFIG))
    assert "2条新提醒" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "【新通知】" in text and "【即将截止（还剩 19 天）】第二条通知" in text
    assert message_bytes(digest, CONFIG) == message_bytes(digest, CONFIG)


@pytest.mark.parametrize(
    "title",
    [
        "考试通知\r\nBcc: x@evil.example",
        "考试通知\n",
        "考试通知=?UTF-8?Q?=0A?=Bcc: x@evil.example",
        "通知\x00\u202e\u200b",
    ],
)
def test_no_header_injection_from_a_scraped_title(title):
    message = reparse(compose(mail(item(notice_title=title)), CONFIG))
    assert len(message.get_all("Subject")) == 1
    assert message["Bcc"] is None
    assert not re.search("[\r\n\x00\u202e\u200b]", str(message["Subject"]))


def test_hostile_text_is_escaped_in_html_and_off_domain_links_are_plain_text():
    hostile = item(
        notice_title="<script>alert(1)</script>",
        notice_url="javascript:alert(1)",
        parsed={
            **PARSED,
            "fees": [{"amount": 30, "item": "<img src=1 onerror=alert(1)>", "per": None, "evidence": ""}],
        },
    )
    html = reparse(compose(mail(hostile), CONFIG)).get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    evil = reparse(compose(mail(item(notice_url="https://ruankao.org.cn.evil.example/x")), CONFIG))
    html = evil.get_body(("html",)).get_content()
    assert "evil.example" in html and 'href="https://ruankao.org.cn.evil' not in html


def test_control_and_bidi_characters_from_titles_and_subscriber_fields_leave_no_trace_in_the_bodies():
    dirty = "\x1b\u202e\u2066\x9b\x07"
    hostile = item(
        notice_title=f"关于{dirty}证书登记的通知",
        region="天津",
        qualification=None,
        parsed={**PARSED, "windows": [{**PARSED["windows"][0], "evidence": f"登记时间{dirty}为3月2日"}]},
    )
    message = reparse(
        compose(
            replace(mail(hostile), subscriber=replace(mail().subscriber, regions=(f"天津{dirty}",))), CONFIG
        )
    )
    for subtype in ("plain", "html"):
        body = message.get_body((subtype,)).get_content()
        assert "关于证书登记的通知" in body and "登记时间为3月2日" in body and "天津" in body
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", body), subtype


@pytest.mark.parametrize(
    ("notice_region", "named"),
    [("天津", "天津市红桥区"), ("北京", "北京市"), ("广东", "北京市、天津市红桥区")],
)
def test_a_mail_names_the_region_of_theirs_the_notice_is_for(notice_region, named):
    """With several regions, the reason names the one the notice is for (all of them if none is)."""
    regional = item(region=notice_region, qualification=None)
    subscriber = replace(mail().subscriber, regions=("北京市", "天津市红桥区"))
    body = reparse(compose(replace(mail(regional), subscriber=subscriber), CONFIG)).get_body(("plain",))
    assert f"您登记的地区是{named}。" in body.get_content()


def test_subscriber_names_cannot_inject_headers():
    message = reparse(compose(mail(name="张三\r\nBcc: x@evil.example"), CONFIG))
    assert message["Bcc"] is None
    assert message["To"].addresses[0].addr_spec == "zhang@example.com"


@pytest.mark.parametrize(
    ("url", "official"),
    [
        ("https://www.ruankao.org.cn/a.html", True),
        ("http://ruankao.org.cn/a.html", True),
        ("https://rsks.gd.gov.cn/x", True),
        ("https://ruankao.org.cn@evil.example/", False),
        ("https://ruankao.org.cn.evil.example/", False),
        ("https://evilruankao.org.cn/", False),
        ("//evil.example/x", False),
        ("javascript:alert(1)", False),
        ("ftp://ruankao.org.cn/a", False),
        (None, False),
    ],
)
def test_official_links(url, official):
    assert is_official(url, ("ruankao.org.cn", "gov.cn")) is official


def test_clean_header_caps_length_without_splitting_characters():
    capped = clean_header("登" * 500 + "😀", limit=50)
    assert len(capped) == 50 and capped.endswith("…")


def test_admin_and_confirmation_mails():
    admin = OutgoingMail(
        id=1, message_id="<a@example.org>", recipient="ops@example.org", purpose="admin",
        detail={"source_id": "tianjin", "problems": ["0 items"], "failing_since": None}, attempts=0,
        created_at=CREATED, subscriber=None,
    )  # fmt: skip
    message = reparse(compose(admin, CONFIG))
    assert "tianjin" in message["Subject"] and "0 items" in message.get_body(("plain",)).get_content()
    confirm = OutgoingMail(
        id=2, message_id="<c@example.org>", recipient="zhang@example.com", purpose="confirm", detail={},
        attempts=0, created_at=CREATED, subscriber=mail().subscriber,
    )  # fmt: skip
    message = reparse(compose(confirm, CONFIG))
    assert "https://watch.example.org/confirm/" in message.get_body(("html",)).get_content()
    assert message["List-Unsubscribe"] is None


def test_confirmations_can_come_from_their_own_address():
    confirm = OutgoingMail(
        id=2, message_id="<c@example.org>", recipient="zhang@example.com", purpose="confirm", detail={},
        attempts=0, created_at=CREATED, subscriber=mail().subscriber,
    )  # fmt: skip
    assert (
        reparse(compose(confirm, CONFIG))["From"].addresses[0].addr_spec
        == reparse(compose(mail(item()), CONFIG))["From"].addresses[0].addr_spec
    )
    separate = CONFIG.model_copy(update=dict(confirm_from="confirm@watch.example.org"))
    assert reparse(compose(confirm, separate))["From"].addresses[0].addr_spec == "confirm@watch.example.org"
    assert (
        reparse(compose(mail(item()), separate))["From"].addresses[0].addr_spec != "confirm@watch.example.org"
    )


def test_list_unsubscribe_is_written_verbatim_and_every_line_fits():
    raw = message_bytes(mail(), CONFIG.model_copy(update=dict(unsubscribe_email="unsubscribe@example.org")))
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    [line] = [h for h in re.split(r"\r\n(?! )", head) if h.startswith("List-Unsubscribe:")]
    assert "=?" not in line and line.startswith("List-Unsubscribe: <https://watch.example.org/unsubscribe/")
    assert ",\r\n <mailto:unsubscribe@example.org?subject=unsubscribe%20" in line
    assert all(len(row) <= 998 for row in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF throughout


def test_only_reminders_whose_every_deadline_passed_expire():
    """The deadline is 2026-03-20: a reminder expires from the 21st; alerts about notices never do."""
    reminder = item(kind="closing_soon", detail={"window": 0})
    news = item(id=2, kind="new_window")
    assert expired_reason((reminder,), date(2026, 3, 20)) is None  # 今天截止 is still worth sending
    assert "2026-03-20" in (expired_reason((reminder,), date(2026, 3, 21)) or "")
    assert expired_reason((news,), date(2026, 4, 30)) is None
    assert expired_reason((reminder, news), date(2026, 3, 21)) is None  # the digest still has news
    no_end = item(kind="closing_soon", detail={"window": 0}, parsed={"windows": [{"start": "2026-03-02"}]})
    assert expired_reason((no_end,), date(2027, 1, 1)) is None  # unknown deadline: send, never guess
    assert expired_reason((), date(2026, 3, 21)) is None
