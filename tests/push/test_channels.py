"""Operator channels ([[channels]]): what each channel is sent, once, through Apprise to a real HTTP server.

The receiver is a loopback webhook (Apprise ``json://127.0.0.1:<port>/…``); every test
runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from alerts.push import LEASE, send_pushes
from alerts.queue import queue_alerts
from store.db import make_engine, make_sessionmaker, upgrade
from store.models import Push
from store.prune import prune
from testkit.site import Behaviour
from tests.factories import NOW, TODAY, add_notice, add_subscriber, config, notice


def channel_config(database_url: str, hook, **table):
    return config(
        database_url,
        channels=[{"url": f"json://127.0.0.1:{hook.base_url.rsplit(':', 1)[1]}/tianjin", **table}],
    )


def posted(hook, path: str = "/tianjin") -> list[dict]:
    return [json.loads(r.body) for r in hook.posts(path)]


def cycle(sessions, cfg, today=TODAY, now=NOW):
    counts = queue_alerts(sessions, cfg.alerting, today=today, now=now)
    return counts, send_pushes(sessions, cfg.push, now_fn=lambda: now)


def test_a_tianjin_group_gets_the_tianjin_registration_window_once(sessions, database_url, hook):
    add_notice(
        sessions,
        notice(
            1,
            region="天津",
            title="关于天津市2026年度计算机软件资格证书登记的通知",
            start=date(2026, 3, 2),
            end=date(2026, 3, 20),
            url="https://www.tjrs.gov.cn/article/1.html",
        ),
    )
    add_notice(sessions, notice(2, region="广东", title="关于广东省2026年度证书登记的通知"))
    add_notice(sessions, notice(3, kind="exam_signup", region="天津", title="天津市2026年上半年考试报名通知"))
    cfg = channel_config(database_url, hook, regions=["天津"], kinds=["registration"])

    counts, sent = cycle(sessions, cfg)

    assert counts["channel_posts"] == 1 and sent["sent"] == 1
    [message] = posted(hook)
    assert "天津市2026年度计算机软件资格证书登记" in message["title"]
    body = message["message"]
    assert "登记：2026年3月2日 至 2026年3月20日" in body
    assert "北京时间" in body
    assert "适用：2022年及以前取得的证书" in body and "地区：天津" in body
    assert "费用：登记费 30元/人" in body
    assert "官方通知：https://www.tjrs.gov.cn/article/1.html" in body

    counts, sent = cycle(sessions, cfg)  # a re-run posts nothing again
    assert counts["channel_posts"] == 0 and sent["sent"] == 0
    later = NOW + timedelta(hours=1)
    counts, sent = cycle(sessions, cfg, now=later)
    assert counts["channel_posts"] == 0
    assert len(hook.posts("/tianjin")) == 1


def test_national_notices_always_pass_and_kinds_default_to_every_kind(sessions, database_url, hook):
    add_notice(sessions, notice(1, region="national"))
    add_notice(sessions, notice(2, kind="exam_signup", region="天津", title="天津市考试报名通知"))
    add_notice(sessions, notice(3, region="深圳", title="深圳市证书登记通知"))
    cfg = channel_config(database_url, hook, regions=["天津", "广东"])  # 深圳 lies in 广东

    _, sent = cycle(sessions, cfg)

    assert sent["sent"] == 3
    titles = sorted(m["title"] for m in posted(hook))
    assert any("深圳" in t for t in titles) and any("报名" in t for t in titles)


def amended(sessions, database_url, hook, end: date, text: str, now) -> tuple:
    """A 天津 window closing 3月20日 posted to the channel, then amended to close on ``end``; checks that
    the cycle at ``now`` posts one change, and returns the config and that post's text."""
    add_notice(sessions, notice(1, region="天津", end=date(2026, 3, 20)))
    cfg = channel_config(database_url, hook, regions=["天津"])
    cycle(sessions, cfg)
    add_notice(sessions, notice(1, region="天津", end=end, text=text))
    counts, sent = cycle(sessions, cfg, now=now)
    assert counts["channel_posts"] == 1 and sent["sent"] == 1
    assert "通知有变更" in posted(hook)[-1]["title"]
    return cfg, posted(hook)[-1]["message"]


def test_a_change_and_a_closing_reminder_are_posted_once_each(sessions, database_url, hook):
    cfg, change = amended(
        sessions, database_url, hook, date(2026, 3, 27), "正文（延期）", NOW + timedelta(days=1)
    )
    assert "登记截止：2026年3月20日 → 2026年3月27日" in change

    near = date(2026, 3, 25)
    counts, _ = cycle(sessions, cfg, today=near, now=NOW + timedelta(days=24))
    assert counts["channel_posts"] == 1
    assert "即将截止" in posted(hook)[-1]["title"]
    counts, _ = cycle(sessions, cfg, today=near, now=NOW + timedelta(days=24, hours=1))
    assert counts["channel_posts"] == 0
    assert len(hook.posts("/tianjin")) == 3


def test_a_window_closed_early_is_posted_as_a_change(sessions, database_url, hook):
    # The new version has no open window; the group was told the old one was open.
    _, change = amended(
        sessions, database_url, hook, date(2026, 2, 28), "正文（提前结束）", NOW + timedelta(hours=6)
    )
    assert "登记截止：2026年3月20日 → 2026年2月28日" in change


def test_pruning_old_versions_keeps_what_a_channel_was_sent_so_nothing_is_posted_twice(
    sessions, database_url, hook
):
    add_notice(sessions, notice(1, region="天津", end=date(2026, 3, 20)))
    cfg = channel_config(database_url, hook, regions=["天津"])
    cycle(sessions, cfg)
    add_notice(sessions, notice(1, region="天津", end=date(2026, 3, 27), text="正文（延期）"))
    cycle(sessions, cfg, now=NOW + timedelta(hours=1))
    assert len(hook.posts("/tianjin")) == 2  # the notice, then its change
    with sessions.begin() as s:  # nobody but the channel was told of the first version
        prune(s, older_than_days=1, now=NOW + timedelta(days=2))
    counts, _ = cycle(sessions, cfg, today=TODAY + timedelta(days=2), now=NOW + timedelta(days=2))
    assert counts["channel_posts"] == 0
    assert len(hook.posts("/tianjin")) == 2


@pytest.mark.postgres
def test_posts_whose_claim_ran_out_behind_a_slow_service_go_once(pg_schema_url, hook):
    upgrade(pg_schema_url)
    engine = make_engine(pg_schema_url)
    sessions = make_sessionmaker(engine)
    for number in range(1, 7):
        add_notice(sessions, notice(number, region="天津"))
    cfg = channel_config(pg_schema_url, hook, regions=["天津"])
    assert queue_alerts(sessions, cfg.alerting, today=TODAY, now=NOW)["channel_posts"] == 6
    slow = hook.behaviours["/tianjin"] = Behaviour(hold_first=threading.Event())
    clock = [NOW]
    first = threading.Thread(target=lambda: send_pushes(sessions, cfg.push, now_fn=lambda: clock[0]))
    first.start()  # claims all six; the service holds its first post
    assert slow.arrived.wait(60), "the first sender never posted"
    clock[0] = NOW + LEASE + timedelta(minutes=1)  # so slow that its claims ran out
    assert send_pushes(sessions, cfg.push, now_fn=lambda: clock[0])["sent"] == 6  # the next sender
    slow.hold_first.set()
    first.join(60)
    engine.dispose()
    # Only the post on the wire when its claim ran out went twice.
    assert len(hook.posts("/tianjin")) == 7


def test_a_closing_reminder_that_could_not_be_posted_before_its_deadline_expires(
    sessions, database_url, hook
):
    add_notice(sessions, notice(1, region="天津", end=date(2026, 3, 20)))
    cfg = channel_config(database_url, hook, regions=["天津"])
    cycle(sessions, cfg)
    near = date(2026, 3, 18)
    counts = queue_alerts(sessions, cfg.alerting, today=near, now=NOW + timedelta(days=17))
    assert counts["channel_posts"] == 1
    sent = send_pushes(sessions, cfg.push, now_fn=lambda: NOW + timedelta(days=21))  # the 22nd, Beijing
    assert (sent["sent"], sent["failed"]) == (0, 1)
    assert len(hook.posts("/tianjin")) == 1  # only the new-notice post of the first cycle
    with sessions() as s:
        reminder = s.scalars(select(Push).order_by(Push.id.desc())).first()
    assert reminder.status == "failed" and "deadline 2026-03-20 passed" in reminder.last_error


def test_a_failing_channel_is_retried_by_age_and_then_fails_with_its_reason(sessions, database_url, hook):
    from testkit.site import Behaviour

    hook.behaviours["/tianjin"] = Behaviour(statuses=[503, 503])
    add_notice(sessions, notice(1, region="天津"))
    add_notice(sessions, notice(2, region="national"))
    cfg = channel_config(database_url, hook, regions=["天津"])

    _, sent = cycle(sessions, cfg)
    # The first post failed: the channel is not tried again in this run, the second post waits untouched.
    assert sent["retried"] == 1 and sent["released"] == 1 and sent["sent"] == 0
    assert len(hook.posts("/tianjin")) == 1
    with sessions() as s:
        rows = s.scalars(select(Push).order_by(Push.id)).all()
        assert [r.status for r in rows] == ["pending", "pending"]
        assert "503" in (rows[0].last_error or "") or "Service Unavailable" in (rows[0].last_error or "")
        assert rows[0].attempts == 1 and rows[1].attempts == 0

    _, sent = cycle(sessions, cfg, now=NOW + timedelta(days=4))  # past give_up_after_days (3)
    assert sent["failed"] == 2  # as mail does: too old to wait any longer, with the last reason
    with sessions() as s:
        rows = s.scalars(select(Push).order_by(Push.id)).all()
        assert [r.status for r in rows] == ["failed", "failed"]
        assert rows[0].last_error.startswith(
            "gave up: not delivered within 3 days; last error: Failed to send"
        )
        assert "not tried: the channel failed earlier in this run" in rows[1].last_error


def test_the_channel_url_never_reaches_the_store_status_or_errors(sessions, database_url, hook):
    from store.runs import status_report
    from testkit.site import Behaviour

    hook.behaviours["/tianjin"] = Behaviour(statuses=[500])
    port = hook.base_url.rsplit(":", 1)[1]
    url = f"json://bot:SECRETPASS@127.0.0.1:{port}/tianjin"
    cfg = config(database_url, channels=[{"url": url, "name": "hr-group"}])
    add_notice(sessions, notice(1, region="天津"))
    cycle(sessions, cfg)
    with sessions() as s:
        report = status_report(s)
        stored = json.dumps([[r.channel, r.last_error] for r in s.scalars(select(Push))], ensure_ascii=False)
    assert (
        "SECRETPASS" not in json.dumps(report, ensure_ascii=False, default=str) and "SECRETPASS" not in stored
    )
    [channel] = report["push"]["channels"]
    assert channel["channel"] == "op:hr-group" and not channel["healthy"]
    assert channel["label"] == f"hr-group json://bot:****@127.0.0.1:{port}/****"


def test_a_channel_failing_for_a_day_is_one_admin_mail(sessions, database_url, hook):
    from alerts.health import queue_health_mails
    from store.models import Mail
    from testkit.site import Behaviour

    hook.behaviours["/tianjin"] = Behaviour(statuses=[500] * 10)
    cfg = channel_config(database_url, hook)
    add_notice(sessions, notice(1, region="天津"))
    cycle(sessions, cfg)
    assert queue_health_mails(sessions, cfg.alerting, NOW + timedelta(hours=2)) == 0  # an hour is not news
    cycle(sessions, cfg, now=NOW + timedelta(days=1, hours=1))
    assert queue_health_mails(sessions, cfg.alerting, NOW + timedelta(days=1, hours=1)) == 1
    assert queue_health_mails(sessions, cfg.alerting, NOW + timedelta(days=2)) == 0  # once per streak
    with sessions() as s:
        [mail] = s.scalars(select(Mail).where(Mail.purpose == "admin")).all()
        assert mail.detail["channel"].startswith("json://127.0.0.1:")


def test_subscribers_get_their_alerts_by_mail_while_a_channel_is_down(sessions, database_url, hook, sink):
    from alerts.send import send_outbox
    from testkit.site import Behaviour

    hook.behaviours["/tianjin"] = Behaviour(statuses=[500] * 10)
    add_subscriber(sessions, "li@example.org", "2021")
    add_notice(sessions, notice(1, region="天津"))
    cfg = config(database_url, sink.port, channels=channel_config(database_url, hook).channels)
    queue_alerts(sessions, cfg.alerting, today=TODAY, now=NOW)
    assert send_outbox(sessions, cfg.mail, now_fn=lambda: NOW)["sent"] == 1
    assert send_pushes(sessions, cfg.push, now_fn=lambda: NOW)["retried"] == 1


def test_a_post_that_timed_out_waits_and_gives_up_after_three_tries(
    sessions, database_url, hook, monkeypatch
):
    from alerts import push
    from store.outbox import LOST_WAIT
    from testkit.site import Behaviour

    monkeypatch.setattr(push, "POST_TIMEOUT", 0.3)
    hook.behaviours["/tianjin"] = Behaviour(delay=1.0)
    add_notice(sessions, notice(1, region="天津"))
    cfg = channel_config(database_url, hook)
    queue_alerts(sessions, cfg.alerting, today=TODAY, now=NOW)
    now = NOW
    for _ in range(3):
        counts = send_pushes(sessions, cfg.push, now_fn=lambda now=now: now)
        assert counts["sent"] == 0
        assert send_pushes(sessions, cfg.push, now_fn=lambda now=now: now)["unknown"] == 0  # it waits
        now += LOST_WAIT + timedelta(seconds=1)
    with sessions() as s:
        row = s.scalars(select(Push)).one()
    assert row.status == "failed" and row.last_error.startswith(
        "gave up: timed out 3 times (it may have arrived)"
    )
