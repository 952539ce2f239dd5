"""The allow-listed services: what a subscriber may add, how URLs are masked, and what each service is sent.

Each service's own Apprise plugin runs unchanged; only its HTTP transport is routed to the
loopback receiver (``official_hosts``), so the test sees the official host and path the
plugin posted to and the payload, and that the text fits the service's limit.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from alerts.push_services import SERVICES, InvalidTarget, check_target_url, mask_url, redact
from alerts.push_text import push_text
from store.outgoing import AlertItem
from store.push_outbox import OutgoingPush

TARGETS = {
    "wecombot://KEY1234567890": "/qyapi.weixin.qq.com/cgi-bin/webhook/send",
    "dingtalk://TOKEN1234567890": "/oapi.dingtalk.com/robot/send",
    "feishu://TOKEN1234567890": "/open.feishu.cn/open-apis/bot/v2/hook/TOKEN1234567890/",
    "lark://TOKEN1234567890": "/open.larksuite.com/open-apis/bot/v2/hook/TOKEN1234567890",
    "schan://SCT1234567890": "/sctapi.ftqq.com/SCT1234567890.send",
    "pushplus://" + "a1" * 16: "/www.pushplus.plus/send",
    "barks://api.day.app/DEVICE1234567890": "/api.day.app/push",
    "tgram://123456789:AAbbCCddEEff/-100123456": "/api.telegram.org/bot123456789:AAbbCCddEEff/sendMessage",
    "ntfys://ntfy.sh/rk-topic-1234567890": "/ntfy.sh/",
}


@pytest.mark.parametrize(
    "url",
    [
        "json://127.0.0.1:8080/x",
        "jsons://example.com/hook",
        "xml://127.0.0.1/x",
        "form://10.0.0.1/x",
        "barks://10.0.0.1/DEVICE",
        "barks://api.day.app.evil.example/DEVICE",
        "barks://api.day.app:8443/DEVICE",
        "bark://api.day.app/DEVICE",  # plain HTTP
        "ntfys://ntfy.internal/topic",
        "ntfy://localhost/topic",
        "wecombot://KEY?to=http://127.0.0.1",
        "mailto://user:pass@example.com",
        "http://127.0.0.1/",
        "wecombot:// KEY",
        "",
    ],
)
def test_only_allow_listed_services_on_their_official_hosts(url):
    with pytest.raises(InvalidTarget):
        check_target_url(url)


@pytest.mark.parametrize("url", list(TARGETS))
def test_each_allow_listed_service_is_accepted_and_masked(url):
    scheme = check_target_url(url)
    assert scheme in SERVICES
    masked = mask_url(url)
    assert "1234567890" not in masked and "AAbb" not in masked and "a1a1" not in masked
    assert redact(f"failed on {url}", url).count("1234567890") == 0


def _post(url: str, **changes) -> OutgoingPush:
    item = AlertItem(
        id=1,
        kind="new_window",
        about="notice:1",
        detail={},
        notice_url="https://www.ruankao.org.cn/article/content/1.html",
        notice_title="关于2026年度计算机软件资格证书登记的通知",
        region="national",
        parsed={
            "windows": [
                {"label": "登记", "start": "2026-03-02T09:00", "end": "2026-03-20T17:00", "evidence": "…"}
            ]
            * changes.pop("windows", 1),
            "eligible": [{"from": None, "to": "2022", "evidence": "…"}],
            "fees": [{"amount": 30, "currency": "CNY", "item": "登记费", "per": "人", "evidence": "…"}],
        },
    )
    values = dict(
        id=1,
        channel="sub:1",
        kind="new_window",
        detail={},
        attempts=0,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        url=url,
        target_id=1,
        target_status="confirmed",
        confirm_code="c",
        subscriber=None,
        item=item,
    )
    return OutgoingPush(**{**values, **changes})


@pytest.mark.parametrize(("url", "path"), list(TARGETS.items()))
def test_each_service_is_posted_at_its_official_host_within_its_limit(official_hosts, url, path):
    import apprise

    limit = SERVICES[url.partition("://")[0]].limit
    title, body = push_text(
        _post(url, windows=200), domains=("ruankao.org.cn",), base_url="https://w", limit=limit
    )
    assert len(title.encode()) + len(body.encode()) + 2 <= limit
    assert body.endswith("官方通知：https://www.ruankao.org.cn/article/content/1.html")

    sender = apprise.Apprise()
    assert sender.add(url)
    result = sender.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT)

    assert result.status == apprise.AppriseResultStatus.SUCCESS
    [request] = official_hosts.posts()
    assert request.path == path
    assert "登记：2026年3月2日 09:00 至 2026年3月20日 17:00" in _readable(request.body)


def _readable(body: bytes) -> str:
    """A posted body as text: JSON unescaped or a form decoded, then HTML entities (PushPlus gets HTML)."""
    from html import unescape
    from urllib.parse import unquote_plus

    try:
        text = json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        text = unquote_plus(body.decode())
    return unescape(text).replace("\xa0", " ")


@pytest.mark.parametrize(
    ("url", "path", "answer", "refusal"),
    [
        (  # the bot was removed from its group: the key will never work again
            "wecombot://KEY1234567890",
            "/qyapi.weixin.qq.com/cgi-bin/webhook/send",
            {"errcode": 93000, "errmsg": "invalid webhook url"},
            "errcode 93000",
        ),
        (  # too many posts this minute: worth waiting for
            "wecombot://KEY1234567890",
            "/qyapi.weixin.qq.com/cgi-bin/webhook/send",
            {"errcode": 45009, "errmsg": "api freq out of limit"},
            None,
        ),
        (  # a signed bot whose signature no longer matches its secret
            "dingtalk://SEC0123456789@TOKEN1234567890",
            "/oapi.dingtalk.com/robot/send",
            {"errcode": 310000, "errmsg": "sign not match"},
            "errcode 310000",
        ),
        (
            "dingtalk://TOKEN1234567890",
            "/oapi.dingtalk.com/robot/send",
            {"errcode": 300001, "errmsg": "token is not exist"},
            "errcode 300001",
        ),
    ],
)
def test_an_error_code_in_a_200_answer_fails_the_post(official_hosts, url, path, answer, refusal):
    """WeCom and DingTalk answer a refused post with HTTP 200: the body's errcode decides, and
    the post fails with the service's own message instead of counting as sent."""
    import apprise

    from alerts.push import _reason, refused_status
    from testkit.site import Behaviour

    official_hosts.behaviours[path] = Behaviour(body=json.dumps(answer).encode())
    sender = apprise.Apprise()
    assert sender.add(url)
    result = sender.notify(body="正文", title="标题", body_format=apprise.NotifyFormat.TEXT)

    assert result.status == apprise.AppriseResultStatus.FAILURE
    assert len(official_hosts.posts(path)) == 1  # posted once; Apprise did not retry it itself
    reason = _reason(result)
    assert f"errcode={answer['errcode']}: {answer['errmsg']}" in reason
    assert refused_status(reason) == refusal
