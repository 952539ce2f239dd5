"""Subscriber push targets: added on the manage page or with the API, confirmed by the test message's link,
then sent the subscriber's alerts, on SQLite and PostgreSQL.

The services post to their official hosts, routed to the loopback receiver at the transport
(``official_hosts``, tests/push/conftest.py); the Apprise plugins run unchanged.
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from alerts.push import send_pushes
from alerts.queue import queue_alerts
from store.models import Push, PushTarget
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice
from tests.factories import config as make_config
from tests.web.helpers import SECRET, Clock, body, form_token
from web.app import create_app
from web.subscriptions import link

KEY = "wecombot://TJKEY1234567890"
WECOM = "/qyapi.weixin.qq.com/cgi-bin/webhook/send"


@pytest.fixture
def config(database_url):
    return make_config(database_url, secret=SECRET, base_url="http://testserver")


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def client(config, sessions, clock):
    with TestClient(create_app(config.web, sessions, clock=clock)) as c:
        yield c


def manage_path(sessions, config, clock, email="li@example.org") -> str:
    from store.subscribers import find_subscriber

    with sessions() as s:
        return link(find_subscriber(s, email), "manage", config=config.web, now=clock()).removeprefix(
            "http://testserver"
        )


def add(client, path: str, url: str):
    action = f"{path}/push"
    return client.post(action, data={"push_url": url, "csrf_token": form_token(client, action)})


def texts(hook) -> list[str]:
    return [json.loads(r.body)["text"]["content"] for r in hook.posts(WECOM)]


def test_a_target_is_tested_confirmed_by_its_link_and_then_gets_the_alerts(
    client, sessions, config, clock, official_hosts
):
    add_subscriber(sessions, "li@example.org", "2021")
    path = manage_path(sessions, config, clock)

    page = add(client, path, KEY)
    assert page.status_code == 200 and "已发送测试消息" in page.text
    assert "wecombot://****" in page.text and "TJKEY" not in page.text
    [test] = texts(official_hosts)  # posted at once, to WeCom's official host
    confirm = re.search(r"http://testserver(/push/confirm/\S+)", test).group(1)

    add_notice(sessions, notice(1, region="天津"))
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    send_pushes(sessions, config.push, now_fn=lambda: NOW)
    assert len(texts(official_hosts)) == 1  # pending: nothing but the test message

    assert "确认推送" in client.get(confirm).text  # a link preview (GET) changes nothing
    with sessions() as s:
        assert s.scalars(select(PushTarget)).one().status == "pending"
    done = client.post(confirm, data={"csrf_token": form_token(client, confirm)})
    assert "推送地址已确认" in done.text

    add_notice(
        sessions,
        notice(2, region="national", title="关于2026年证书领取的通知", kind="certificate_collection"),
    )
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    send_pushes(sessions, config.push, now_fn=lambda: NOW)
    alert = texts(official_hosts)[-1]
    assert "证书领取" in alert and "您2021年取得的信息系统项目管理师证书在本次范围内" in alert
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert send_pushes(sessions, config.push, now_fn=lambda: NOW)["sent"] == 0  # a re-run posts nothing
    assert len(texts(official_hosts)) == 2

    export = client.get(f"{path}/export").json()
    assert export["push_targets"][0]["url"] == "wecombot://****" and "TJKEY" not in json.dumps(export)


@pytest.mark.parametrize(
    "url", ["json://127.0.0.1:8080/x", "xml://127.0.0.1/x", "form://10.0.0.1/", "barks://127.0.0.1/KEY"]
)
def test_the_manage_page_refuses_what_is_not_allow_listed(client, sessions, config, clock, url, hook):
    add_subscriber(sessions, "li@example.org", "2021")
    page = add(client, manage_path(sessions, config, clock), url)
    assert page.status_code == 422 and 'id="push_url-error"' in page.text
    with sessions() as s:
        assert s.scalars(select(PushTarget)).all() == []
    assert hook.posts() == []


def test_a_removed_target_takes_its_posts_with_it(client, sessions, config, clock, official_hosts):
    add_subscriber(sessions, "li@example.org", "2021")
    path = manage_path(sessions, config, clock)
    add(client, path, KEY)
    with sessions() as s:
        target_id = s.scalars(select(PushTarget.id)).one()
    action = f"{path}/push"
    page = client.post(action, data={"remove": str(target_id), "csrf_token": form_token(client, action)})
    assert "已删除推送地址" in page.text
    with sessions() as s:
        assert s.scalars(select(PushTarget)).all() == [] and s.scalars(select(Push)).all() == []


def test_the_api_takes_push_targets_for_a_new_subscription_only(client, sessions, official_hosts):
    bad = client.post("/api/subscriptions", json=body(push=["json://127.0.0.1:1/x"]))
    assert bad.status_code == 422 and bad.json()["detail"].startswith("push.0：")

    assert client.post("/api/subscriptions", json=body(push=[KEY])).status_code == 202
    with sessions() as s:
        assert [t.status for t in s.scalars(select(PushTarget))] == ["pending"]
    assert len(texts(official_hosts)) == 1

    # Someone else naming the same address cannot add a target to it.
    client.post("/api/subscriptions", json=body(push=["wecombot://SOMEONEELSE99"]))
    with sessions() as s:
        assert len(s.scalars(select(PushTarget)).all()) == 1


def test_nothing_goes_to_the_targets_of_someone_who_left(client, sessions, config, clock, official_hosts):
    from store.push_queue import confirm_target
    from store.subscribers import find_subscriber, unsubscribe

    add_subscriber(sessions, "li@example.org", "2021")
    add(client, manage_path(sessions, config, clock), KEY)
    with sessions.begin() as s:
        target = s.scalars(select(PushTarget)).one()
        confirm_target(s, target.id, target.confirm_code, NOW)
    add_notice(sessions, notice(1, region="天津"))
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)  # the alert's post is queued …
    with sessions.begin() as s:
        unsubscribe(find_subscriber(s, "li@example.org"), NOW)  # … and then they leave
    counts = send_pushes(sessions, config.push, now_fn=lambda: NOW)
    assert counts["skipped"] == 1 and counts["sent"] == 0
    assert len(texts(official_hosts)) == 1  # the test message only
    with sessions() as s:
        assert (
            s.scalars(select(Push.last_error).where(Push.kind != "confirm")).one()
            == "subscriber unsubscribed"
        )


def test_someone_told_by_push_whose_mail_failed_is_not_told_twice_when_they_come_back(
    client, sessions, config, clock, official_hosts
):
    from store.models import Mail, Subscriber
    from store.push_queue import confirm_target
    from store.subscribers import CertificateData, SubscriberData, activate, reopen, unsubscribe

    subscriber_id = add_subscriber(sessions, "li@example.org", "2021")
    add(client, manage_path(sessions, config, clock), KEY)
    with sessions.begin() as s:
        target = s.scalars(select(PushTarget)).one()
        confirm_target(s, target.id, target.confirm_code, NOW)
    add_notice(sessions, notice(1, region="天津"))
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    with sessions.begin() as s:  # the mail was refused for good; the push went out
        s.execute(update(Mail).where(Mail.purpose == "alert").values(status="failed", last_error="554 5.7.1"))
    assert send_pushes(sessions, config.push, now_fn=lambda: NOW)["sent"] == 1
    certificate = CertificateData("信息系统项目管理师", "", "2021")
    data = SubscriberData("li@example.org", ("天津市红桥区",), (certificate,)).validated(TODAY)
    with sessions.begin() as s:  # they leave, come back and confirm
        subscriber = s.get(Subscriber, subscriber_id)
        unsubscribe(subscriber, NOW)
        reopen(s, subscriber, data)
        activate(s, subscriber, NOW)
    assert queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)["new_window"] == 0
    assert send_pushes(sessions, config.push, now_fn=lambda: NOW)["sent"] == 0
    assert len(texts(official_hosts)) == 2  # the test message and the notice, once


@pytest.mark.parametrize(
    ("status", "answer", "why"),
    [
        (401, None, "HTTP 401"),  # the bot's key was revoked
        # WeCom says it in a 200 answer: the bot was removed from its group
        (200, b'{"errcode": 93000, "errmsg": "invalid webhook url"}', "errcode 93000"),
    ],
)
def test_a_target_whose_service_refuses_its_key_stops_until_it_is_tested_again(
    client, sessions, config, clock, official_hosts, status, answer, why
):
    from store.push_queue import confirm_target
    from testkit.site import Behaviour

    add_subscriber(sessions, "li@example.org", "2021")
    path = manage_path(sessions, config, clock)
    add(client, path, KEY)
    with sessions.begin() as s:
        target = s.scalars(select(PushTarget)).one()
        confirm_target(s, target.id, target.confirm_code, NOW)
    official_hosts.behaviours[WECOM] = Behaviour(statuses=[status], body=answer)
    add_notice(sessions, notice(1, region="天津"))
    add_notice(sessions, notice(2, region="national"))
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)

    counts = send_pushes(sessions, config.push, now_fn=lambda: NOW)
    # Failed at once with the service's answer, not retried for days; the target's other post waits.
    assert counts["failed"] == 1 and counts["released"] == 1 and counts["retried"] == 0
    assert len(official_hosts.posts(WECOM)) == 2  # the test message, then one refused post
    with sessions() as s:
        assert s.scalars(select(PushTarget.status)).one() == "refused"
        errors = s.scalars(select(Push.last_error).where(Push.status == "failed")).all()
        assert len(errors) == 1 and errors[0].startswith(f"refused by the service ({why})")
        assert "TJKEY" not in errors[0]

    counts = send_pushes(sessions, config.push, now_fn=lambda: NOW)
    assert counts["skipped"] == 1 and counts["sent"] == 0  # blocked, and said so
    add_notice(sessions, notice(3, region="天津"))
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    send_pushes(sessions, config.push, now_fn=lambda: NOW)
    assert len(official_hosts.posts(WECOM)) == 2  # nothing more went to the refused key
    with sessions() as s:
        # Notice 3 queued no post for the refused target; notice 2's post was blocked, with why.
        posts = s.execute(select(Push.status, Push.last_error).where(Push.kind != "confirm")).all()
        assert len(posts) == 2 and ("failed", "push target refused by the service") in posts
    page = client.get(path)
    assert "推送服务拒绝了这个地址" in page.text and "重新发送测试消息" in page.text

    official_hosts.behaviours[WECOM] = Behaviour()  # the owner put the bot back
    action = f"{path}/push"
    client.post(action, data={"retest": str(target.id), "csrf_token": form_token(client, action)})
    with sessions() as s:
        assert s.scalars(select(PushTarget.status)).one() == "pending"  # tried again by its test message
    assert len(official_hosts.posts(WECOM)) == 3
