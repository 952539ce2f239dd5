"""Matching against a table of subscribers whose expected alerts are written out by hand.

The notices sit on both sides of every boundary: eligible ranges that end at a year
(both of its sessions inside, the next session outside) or at a session; national,
provincial and city notices; a window closed before today; a late-registration notice
for someone who has registered since. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from alerts.queue import queue_alerts
from store.models import Alert, Notice, Subscriber
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice

NOTICES = {
    "A": notice(1, region="national", eligible=((None, "2022"),), end=date(2026, 3, 20)),
    # Opens in 2027, so that 2023下半年 certificates (counted from 2024-01-01) are due by then.
    "B": notice(
        2,
        region="天津",
        eligible=(("2023上半年", "2023下半年"),),
        start=date(2027, 1, 2),
        end=date(2027, 1, 25),
    ),
    "C": notice(3, kind="exam_signup", region="深圳", eligible=(), end=date(2026, 4, 10)),
    "D": notice(
        4, kind="late_registration", region="广东", eligible=((None, "2022"),), end=date(2026, 3, 30)
    ),
    "E": notice(
        5, region="national", eligible=((None, "2030"),), start=date(2026, 2, 1), end=date(2026, 2, 28)
    ),
    # The sign-up table's rows: a province, a city with its own institution in it, and 新疆.
    "F": notice(6, kind="exam_signup", region="辽宁", eligible=(), end=date(2026, 3, 19)),
    "G": notice(7, kind="exam_signup", region="大连", eligible=(), end=date(2026, 3, 26)),
    "H": notice(8, kind="exam_signup", region="新疆", eligible=(), end=date(2026, 3, 25)),
}

# email: (certificates, region, options), expected {(kind, notice or "cert")}
TABLE = [
    ("a@x.cn", ("2022下半年",), "天津市红桥区", {}, {("new_window", "A")}),
    ("b@x.cn", ("2023上半年",), "天津市", {}, {("new_window", "B"), ("expiry", "cert")}),
    # Default topics are every kind, exam sign-up included (issue 13 item 4); 深圳 has its own
    # examining institution, so 广东's notices (D) are not for people there.
    ("c@x.cn", ("2022上半年",), "广东省深圳市南山区", {}, {("new_window", "A"), ("new_window", "C")}),
    ("d@x.cn", ("2021",), "深圳市", {"kinds": ("exam_signup",)}, {("new_window", "C")}),
    ("e@x.cn", ("2022下半年",), "天津市", {"status": "pending"}, set()),
    ("f@x.cn", ("2023上半年",), "北京市朝阳区", {}, {("expiry", "cert")}),
    ("g@x.cn", ("2022",), "", {}, {("new_window", "A")}),
    # Registered last month: not due for registration again (issue 13 item 5).
    ("h@x.cn", (("2022下半年", date(2026, 2, 25)),), "广东省广州市", {}, set()),
    ("i@x.cn", ("2019上半年",), "天津市红桥区", {"kinds": ("registration",)}, {("new_window", "A")}),
    ("j@x.cn", ("2023下半年",), "天津市和平区", {}, {("new_window", "B")}),
    ("k@x.cn", ("2024上半年",), "天津市", {}, set()),
    # Expiry reminders are their own switch (on by default), not one of the chosen kinds.
    (
        "l@x.cn",
        ("2023上半年",),
        "天津市",
        {"kinds": ("registration",)},
        {("new_window", "B"), ("expiry", "cert")},
    ),
    ("m@x.cn", ("2022下半年",), "广东省", {"status": "unsubscribed"}, set()),
    ("n@x.cn", (), "辽宁省大连市甘井子区", {"kinds": ("exam_signup",)}, {("new_window", "G")}),
    ("o@x.cn", (), "辽宁省沈阳市", {"kinds": ("exam_signup",)}, {("new_window", "F")}),
    ("p@x.cn", (), "新疆生产建设兵团第八师", {"kinds": ("exam_signup",)}, set()),
    ("q@x.cn", (), "新疆维吾尔自治区乌鲁木齐市", {"kinds": ("exam_signup",)}, {("new_window", "H")}),
]


def test_every_subscriber_gets_exactly_the_alerts_written_down(sessions, config):
    for fetched in NOTICES.values():
        add_notice(sessions, fetched)
    for email, certs, region, options, _ in TABLE:
        add_subscriber(sessions, email, *certs, region=region, **options)

    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)

    names = {f.url: name for name, f in NOTICES.items()}
    with sessions() as s:
        rows = s.execute(
            select(Subscriber.email, Alert.kind, Notice.url)
            .join(Alert, Alert.subscriber_id == Subscriber.id)
            .outerjoin(Notice, Notice.id == Alert.notice_id)
        ).all()
    got = {email: set() for email, *_ in TABLE}
    for email, kind, url in rows:
        got[email].add((kind, names[url] if url else "cert"))
    assert got == {email: expected for email, *_, expected in TABLE}


def test_a_second_run_queues_nothing(sessions, config):
    for fetched in NOTICES.values():
        add_notice(sessions, fetched)
    for email, certs, region, options, _ in TABLE:
        add_subscriber(sessions, email, *certs, region=region, **options)
    first = queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    again = queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert first["mails"] == 12  # h@x.cn, registered last month, gets none
    assert again == dict.fromkeys(again, 0)
