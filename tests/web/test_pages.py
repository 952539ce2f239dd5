"""The HTML pages: a GET never changes anything, the POST behind the button does, bad links are 404."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest

from alerts.tokens import epoch_day, make_token
from core.vocab import Topic
from feeds.private import feed_token
from store.notices import record_fetch
from tests.factories import add_subscriber, notice
from tests.web.helpers import (
    SECRET,
    START,
    body,
    confirm_mails,
    form_token,
    subscriber,
    subscriber_count,
)
from web.security import CSRF_FIELD
from web.subscriptions import link

EMAIL = "han.meimei@example.com"


def form(client, action: str = "/subscribe", **fields) -> dict:
    data = {
        CSRF_FIELD: form_token(client, action),
        "email": EMAIL,
        "region-0-province": "天津",
        "region-0-city": "",
        "region-0-district": "红桥区",
        "cert-0-qualification": "系统集成项目管理工程师",
        "cert-0-level": "中级",
        "cert-0-year": "2020",
        "cert-0-half": "下半年",
        "cert-0-last_registered": "",
        "alerts": list(Topic.values()),  # every box ticked
        "reminder_days": "3",
        "delivery": "digest",
    }
    data.update(fields)
    return data


def make_subscriber(sessions, email=EMAIL, status="pending") -> int:
    return add_subscriber(
        sessions, email, "2019", region="广东省深圳市南山区", qualification="程序员", status=status
    )


def url(sessions, config, purpose: str, email=EMAIL) -> str:
    return link(subscriber(sessions, email), purpose, config=config.web, now=START).removeprefix(
        "http://testserver"
    )


def test_home_says_what_it_does_lists_notices_with_windows_and_holds_the_form(client, sessions):
    with sessions.begin() as s:
        record_fetch(s, notice(start=datetime(2026, 3, 1, 9, 0), end=datetime(2026, 3, 15, 17, 0)))
    page = client.get("/")
    assert page.status_code == 200
    text = page.text
    assert "软考通知提醒" in text and '<html lang="zh-CN">' in text
    assert "证书登记的通知" in text
    assert "2026年3月1日 09:00 至 2026年3月15日 17:00" in text and "以下时间均为北京时间" in text
    assert 'action="/subscribe"' in text and 'name="email"' in text
    assert "<script" not in text


def test_subscribe_page_offers_the_official_qualifications_and_provinces(client):
    text = client.get("/subscribe").text
    assert "信息系统项目管理师" in text and '<optgroup label="高级资格">' in text
    assert ">天津市<" in text and ">广西壮族自治区<" in text
    assert "证书领取" in text and "汇总" in text and "即时" in text


def test_subscribe_form_stores_a_pending_subscriber_and_says_check_your_inbox(client, sessions):
    r = client.post("/subscribe", data=form(client))
    assert r.status_code == 200 and "请查收确认邮件" in r.text
    s = subscriber(sessions, EMAIL)
    assert s.status == "pending" and s.region_names == ["天津市红桥区"]
    assert [(c.qualification, c.obtained) for c in s.certificates] == [
        ("系统集成项目管理工程师", "2020下半年")
    ]
    assert s.alert_kinds == list(Topic.values()) and s.digest is True
    assert confirm_mails(sessions) == 1


def test_a_form_without_a_valid_csrf_token_is_refused(client, sessions):
    client.get("/subscribe")
    r = client.post("/subscribe", data=form(client, **{CSRF_FIELD: "forged"}))
    assert r.status_code == 403 and "表单已失效" in r.text
    client.cookies.clear()
    r = client.post("/subscribe", data=form(client) | {CSRF_FIELD: "x"})
    assert r.status_code == 403
    assert subscriber_count(sessions) == 0


def test_another_certificate_row_is_added_without_javascript_and_nothing_is_stored(client, sessions):
    r = client.post("/subscribe", data=form(client, add_certificate="1"))
    assert r.status_code == 200
    assert 'name="cert-1-qualification"' in r.text and 'value="han.meimei@example.com"' in r.text
    two = form(client, **{"cert-1-qualification": "软件设计师", "cert-1-year": "2018"})
    assert client.post("/subscribe", data=two).status_code == 200
    assert [c.qualification for c in subscriber(sessions, EMAIL).certificates] == [
        "系统集成项目管理工程师",
        "软件设计师",
    ]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"email": "han@@example"}, "邮箱地址无效"),
        ({"cert-0-year": ""}, "请选择取得年份"),
        ({"cert-0-last_registered": "2030-01-01"}, "最近登记日期不能晚于今天"),
        ({"alerts": []}, "请至少选择一种提醒"),
        ({"region-0-province": "火星"}, "请从列表中选择省份"),
    ],
)
def test_a_bad_form_comes_back_filled_in_with_the_reason(client, sessions, fields, words):
    r = client.post("/subscribe", data=form(client, **fields))
    assert r.status_code == 422 and words in r.text and 'role="alert"' in r.text
    assert "红桥区" in r.text  # what was typed is kept
    assert subscriber_count(sessions) == 0


def test_every_error_is_shown_at_once_beside_its_field_in_chinese(client, sessions):
    fields = {
        "email": "",
        "region-0-province": "火星",
        "cert-0-year": "",
        "cert-1-qualification": "软件设计师",
        "cert-1-year": "2018",
        "cert-1-last_registered": "2030-01-01",
        "reminder_days": "soon",
        "alerts": [],
    }
    r = client.post("/subscribe", data=form(client, **fields))
    assert r.status_code == 422
    expected = {
        "email": "请填写邮箱地址",
        "region-0-province": "请从列表中选择省份",
        "cert-0-year": "请选择取得年份",
        "cert-1-last_registered": "最近登记日期不能晚于今天",
        "reminder_days": "提前提醒天数应为 0 到 60 之间的整数",
        "alerts": "请至少选择一种提醒",
    }
    for field, words in expected.items():
        message = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', r.text)
        assert message and words in message.group(1), field
        assert f'href="#{field}"' in r.text  # the summary links to the field
    for field in ("email", "region-0-province", "cert-0-year", "cert-1-last_registered", "reminder_days"):
        tag = re.search(rf'<(?:input|select)[^>]* id="{field}"[^>]*>', r.text).group(0)
        assert 'aria-invalid="true"' in tag and f'aria-describedby="{field}-error"' in tag
    assert 'id="alerts" aria-describedby="alerts-error"' in r.text
    assert "aria-invalid" not in re.search(r'<select[^>]* id="cert-1-qualification"[^>]*>', r.text).group(0)
    assert "\\x" not in r.text and "：''" not in r.text  # no Python repr
    assert subscriber_count(sessions) == 0


def test_an_exam_candidate_subscribes_without_a_certificate(client, sessions):
    r = client.post("/subscribe", data=form(client, **{"cert-0-qualification": "", "cert-0-year": ""}))
    assert r.status_code == 200 and "请查收确认邮件" in r.text
    stored = subscriber(sessions, EMAIL)
    assert stored.certificates == [] and stored.region_names == ["天津市红桥区"]


def test_the_honeypot_gets_the_usual_answer_and_nothing_happens(client, sessions):
    r = client.post("/subscribe", data=form(client, website="http://spam.example"))
    assert r.status_code == 200 and "请查收确认邮件" in r.text
    assert subscriber_count(sessions) == 0


def test_confirm_get_changes_nothing_and_the_button_post_confirms_once(client, sessions, config):
    make_subscriber(sessions)
    confirm = url(sessions, config, "confirm")
    page = client.get(confirm)
    assert page.status_code == 200 and "确认订阅" in page.text and f'action="{confirm}"' in page.text
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    assert subscriber(sessions, EMAIL).status == "pending"
    r = client.post(confirm, data={CSRF_FIELD: form_token(client, confirm)})
    assert r.status_code == 200 and "订阅已确认" in r.text and "/manage/" in r.text
    assert subscriber(sessions, EMAIL).status == "active"
    again = client.post(confirm, data={CSRF_FIELD: form_token(client, confirm)})
    assert again.status_code == 200 and "<h1>已确认</h1>" in again.text
    assert "<h1>已确认</h1>" in client.get(confirm).text


def test_confirm_post_needs_the_csrfform_token(client, sessions, config):
    make_subscriber(sessions)
    r = client.post(url(sessions, config, "confirm"), data={})
    assert r.status_code == 403
    assert subscriber(sessions, EMAIL).status == "pending"


def test_unsubscribe_get_changes_nothing_and_the_one_click_post_unsubscribes_idempotently(
    app, sessions, config
):
    from fastapi.testclient import TestClient

    make_subscriber(sessions, status="active")
    target = url(sessions, config, "unsubscribe")
    with TestClient(app) as client:
        page = client.get(target)
        assert page.status_code == 200 and "退订全部提醒" in page.text
        assert subscriber(sessions, EMAIL).status == "active"
    with TestClient(app) as fresh:  # RFC 8058: no cookie, no CSRF token
        for _ in range(2):
            r = fresh.post(target, data={"List-Unsubscribe": "One-Click"})
            assert r.status_code == 200 and "已退订" in r.text
            assert subscriber(sessions, EMAIL).status == "unsubscribed"


def _tampered(token: str) -> str:
    payload, mac = token.split(".")
    return payload + "." + ("A" if mac[0] != "A" else "B") + mac[1:]


@pytest.mark.parametrize("purpose", ["confirm", "unsubscribe", "manage"])
def test_bad_links_are_404_for_get_and_post_alike(client, sessions, config, clock, purpose):
    sid = make_subscriber(sessions)
    key = subscriber(sessions, EMAIL).link_secret
    good = url(sessions, config, purpose).rsplit("/", 1)[1]
    today = epoch_day(START)
    bad = [
        "nonsense",
        _tampered(good),
        feed_token(sid, key, SECRET),  # a private-feed token
        make_token(sid, key, "manage" if purpose != "manage" else "confirm", today_day=today, secret=SECRET),
        make_token(sid, "an old secret", purpose, today_day=today, secret=SECRET),  # revoked
        make_token(sid + 1, key, purpose, today_day=today, secret=SECRET),  # nobody
        make_token(sid, key, purpose, today_day=today, secret="another secret"),
        make_token(sid, key, purpose, today_day=today - 4000, secret=SECRET),  # expired
    ]
    for token in bad:
        assert client.get(f"/{purpose}/{token}").status_code == 404
        r = client.post(f"/{purpose}/{token}", data={CSRF_FIELD: form_token(client, f"/{purpose}/{token}")})
        assert r.status_code == 404 and "链接无效" in r.text
    assert subscriber(sessions, EMAIL).status == "pending"


def test_an_expired_confirmation_link_is_404(client, sessions, config, clock):
    make_subscriber(sessions)
    confirm = url(sessions, config, "confirm")
    clock.advance(days=8)
    assert client.get(confirm).status_code == 404


def test_manage_shows_the_form_filled_in_and_the_private_feeds(client, sessions, config):
    make_subscriber(sessions, status="active")
    page = client.get(url(sessions, config, "manage"))
    assert page.status_code == 200
    text = page.text
    assert 'value="深圳市"' in text and 'value="南山区"' in text
    assert '<option value="程序员" selected>' in text
    assert "/feeds/private/" in text and ".xml" in text and "/calendar/private/" in text and ".ics" in text
    assert "/unsubscribe/" in text and "已订阅" in text


def test_manage_post_edits_certificates_region_kinds_reminders_and_delivery(client, sessions, config):
    make_subscriber(sessions, status="active")
    manage = url(sessions, config, "manage")
    fields = form(
        client,
        manage,
        **{
            "email": "someone.else@example.com",  # ignored: the address is the link's
            "region-0-province": "广东",
            "region-0-city": "广州市",
            "region-0-district": "",
            "cert-0-qualification": "程序员",
            "cert-0-level": "初级",
            "cert-0-year": "2019",
            "cert-0-half": "",
            "cert-0-last_registered": "2024-03-05",
            "cert-1-qualification": "网络工程师",
            "cert-1-year": "2022",
            "cert-1-half": "上半年",
            "alerts": ["registration", "reminders"],
            "reminder_days": "10",
            "delivery": "instant",
        },
    )
    r = client.post(manage, data=fields)
    assert r.status_code == 200 and "已保存" in r.text
    s = subscriber(sessions, EMAIL)
    assert [(r.region, r.province, r.city) for r in s.regions] == [("广东省广州市", "广东", "广州")]
    assert [(c.qualification, c.obtained, c.last_registered) for c in s.certificates] == [
        ("程序员", "2019", date(2024, 3, 5)),
        ("网络工程师", "2022上半年", None),
    ]
    assert (s.alert_kinds, s.reminder_days, s.digest) == (["registration", "reminders"], 10, False)
    assert subscriber(sessions, "someone.else@example.com") is None
    removed = form(
        client,
        manage,
        **{
            "cert-0-qualification": "程序员",
            "cert-0-year": "2019",
            "cert-0-half": "",
            "cert-1-qualification": "网络工程师",
            "cert-1-year": "2022",
            "cert-1-half": "上半年",
            "cert-0-remove": "1",
        },
    )
    client.post(manage, data=removed)
    assert [c.qualification for c in subscriber(sessions, EMAIL).certificates] == ["网络工程师"]


def test_manage_export_downloads_my_data_and_delete_removes_me(client, sessions, config):
    make_subscriber(sessions, status="active")
    manage = url(sessions, config, "manage")
    r = client.get(manage + "/export")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    data = json.loads(r.content)
    assert data["email"] == EMAIL and data["certificates"][0]["qualification"] == "程序员"
    assert data["created_at"] == "2026-03-01T16:00:00+08:00"  # stored at 08:00 UTC: said in Beijing time
    assert client.get(manage + "/delete").status_code == 405
    assert client.post(manage + "/delete", data={}).status_code == 403
    token = form_token(client, manage + "/delete")
    asked = client.post(manage + "/delete", data={CSRF_FIELD: token})
    assert (
        asked.status_code == 200
        and "确定要删除吗" in asked.text
        and 'name="confirm" value="yes"' in asked.text
    )
    assert subscriber_count(sessions) == 1  # the first press only asks
    r = client.post(manage + "/delete", data={CSRF_FIELD: token, "confirm": "yes"})
    assert r.status_code == 200 and "已删除" in r.text
    assert subscriber_count(sessions) == 0
    assert client.get(manage).status_code == 404


def test_an_unsubscribed_address_subscribing_again_must_confirm_again(client, sessions, config):
    make_subscriber(sessions, status="unsubscribed")
    assert client.post("/subscribe", data=form(client)).status_code == 200
    s = subscriber(sessions, EMAIL)
    assert s.status == "pending" and s.region_names == ["天津市红桥区"]
    assert confirm_mails(sessions) == 1


def test_unknown_pages_are_a_chinese_404(client):
    r = client.get("/no-such-page")
    assert r.status_code == 404 and "页面不存在" in r.text


def test_the_form_is_rate_limited_with_a_chinese_page(client):
    for n in range(10):
        assert client.post("/subscribe", data=form(client, email=f"user{n}@example.com")).status_code == 200
    r = client.post("/subscribe", data=form(client, email="user10@example.com"))
    assert r.status_code == 429 and "请求过于频繁" in r.text and r.headers["retry-after"]


def test_deleting_me_also_deletes_my_queued_mails(client, sessions, config):
    assert client.post("/api/subscriptions", json=body(EMAIL)).status_code == 202
    assert confirm_mails(sessions) == 1
    manage = url(sessions, config, "manage")
    r = client.post(
        manage + "/delete", data={CSRF_FIELD: form_token(client, manage + "/delete"), "confirm": "yes"}
    )
    assert r.status_code == 200
    assert subscriber_count(sessions) == 0 and confirm_mails(sessions) == 0


def test_every_page_names_the_operator_and_links_the_privacy_terms(client):
    page = client.get("/subscribe").text
    assert "运营者：" in page and 'href="/privacy"' in page
    privacy = client.get("/privacy")
    assert privacy.status_code == 200
    for words in ("我们保存什么", "为什么保存", "保存多久", "导出", "删除", "个人信息保护法"):
        assert words in privacy.text, words


def test_the_operator_named_in_config_and_their_own_privacy_terms_are_shown(database_url, sessions):
    from fastapi.testclient import TestClient

    from core.config import Settings
    from web.app import create_app

    config = Settings(
        database_url=database_url, secret=SECRET, base_url="http://testserver", operator_name="某某人事考试服务中心",
        contact_email="privacy@watch.example.cn", privacy_url="https://watch.example.cn/privacy",
    )  # fmt: skip
    with TestClient(create_app(config.web, sessions)) as client:
        page = client.get("/").text
    assert "某某人事考试服务中心" in page and 'href="mailto:privacy@watch.example.cn"' in page
    assert 'href="https://watch.example.cn/privacy"' in page


def test_the_expiry_reminder_switch_is_its_own_and_stored_per_subscriber(client, sessions, config):
    make_subscriber(sessions, status="active")
    manage = url(sessions, config, "manage")
    assert 'id="expiry_reminders" name="expiry_reminders" value="1" checked' in client.get(manage).text
    client.post(manage, data=form(client, manage))  # the box is not ticked in the post
    assert subscriber(sessions, EMAIL).expiry_reminders is False
    client.post(manage, data=form(client, manage, expiry_reminders="1", alerts=["registration"]))
    stored = subscriber(sessions, EMAIL)
    assert stored.expiry_reminders is True and "reminders" not in stored.alert_kinds
