"""Migration 0010 on a database with subscribers in it: no region lost, ids still never reused.

Subscribers are stored as the code before 0008 stored them (one region, the five topics of
the time), then the database is upgraded to head on SQLite and PostgreSQL. Each one's region
becomes their one ``subscriber_region`` row with the same province and city, so matching
reads what it read before; a subscriber without a region gets none. The 成绩公布 (results)
topic is not added to anyone who subscribed before it existed (README, "What subscribers
get"): they get no results notice until they tick it. Downgrading puts the region back.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import text

from alerts.queue import queue_alerts
from store.db import alembic_config, make_engine, make_sessionmaker
from tests.alerts.test_candidates import exam_notice, told
from tests.factories import NOW, TODAY, add_notice, add_subscriber, config

BEFORE_RESULTS = ["registration", "late_registration", "exam_signup", "certificate_collection", "reminders"]
PEOPLE = [  # (id, email, region, province, city)
    (1, "tianjin@example.com", "天津市红桥区", "天津", "天津"),
    (2, "national@example.com", "", "", ""),
    (3, "shenzhen@example.com", "广东省深圳市南山区", "广东", "深圳"),
]


@pytest.fixture
def old_database(empty_database_url) -> str:
    """An empty database migrated to 0007 (before exam sessions and the results topic)."""
    command.upgrade(alembic_config(empty_database_url), "0007")
    return empty_database_url


def _rows(url: str, sql: str) -> list[tuple]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_each_stored_region_becomes_a_region_row_and_nothing_is_lost(old_database):
    engine = make_engine(old_database)
    with engine.begin() as conn:
        for sid, email, region, province, city in PEOPLE:
            conn.execute(
                text(
                    "INSERT INTO subscriber (id, email, status, region, province, city, alert_kinds,"
                    " reminder_days, expiry_reminders, digest, link_secret, created_at, hard_bounces)"
                    " VALUES (:id, :email, 'active', :region, :province, :city, :kinds, 3, true, true,"
                    " 'k', '2026-01-01', 0)"
                ),
                {"id": sid, "email": email, "region": region, "province": province, "city": city,
                 "kinds": '["' + '", "'.join(BEFORE_RESULTS) + '"]'},
            )  # fmt: skip
            conn.execute(
                text(
                    "INSERT INTO certificate (subscriber_id, qualification, level, obtained, obtained_low,"
                    " obtained_high) VALUES (:id, '程序员', '初级', '2019', 20191, 20192)"
                ),
                {"id": sid},
            )
        if engine.dialect.name == "postgresql":  # ids were given: move the sequence past them
            conn.execute(text("SELECT setval('subscriber_id_seq', 3)"))
    engine.dispose()
    command.upgrade(alembic_config(old_database), "head")

    regions = _rows(
        old_database,
        "SELECT subscriber_id, position, region, province, city FROM subscriber_region ORDER BY 1",
    )
    assert regions == [(1, 0, "天津市红桥区", "天津", "天津"), (3, 0, "广东省深圳市南山区", "广东", "深圳")]
    assert _rows(old_database, "SELECT count(*) FROM certificate") == [(3,)]
    assert len(_rows(old_database, "SELECT id FROM subscriber")) == 3

    engine = make_engine(old_database)
    with engine.begin() as conn:  # ids are still never reused (AUTOINCREMENT kept through the rebuild)
        conn.execute(text("DELETE FROM subscriber WHERE id = 3"))
        new = conn.execute(
            text(
                "INSERT INTO subscriber (email, status, alert_kinds, exam_sessions, reminder_days,"
                " expiry_reminders, digest, link_secret, created_at, hard_bounces) VALUES"
                " ('new@example.com', 'pending', '[]', '[]', 3, true, true, 'k', '2026-01-01', 0)"
                " RETURNING id"
            )
        ).scalar()
    engine.dispose()
    assert new == 4
    assert _rows(old_database, "SELECT count(*) FROM subscriber_region") == [(1,)]  # 3's went with them

    command.downgrade(alembic_config(old_database), "0009")
    assert _rows(old_database, "SELECT id, region, province, city FROM subscriber ORDER BY id") == [
        (1, "天津市红桥区", "天津", "天津"),
        (2, "", "", ""),
        (4, "", "", ""),
    ]


def test_subscribers_from_before_the_results_topic_keep_their_topics_and_get_no_results(old_database):
    engine = make_engine(old_database)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO subscriber (email, status, region, province, city, alert_kinds, reminder_days,"
                " expiry_reminders, digest, link_secret, created_at, hard_bounces) VALUES"
                " ('old@example.com', 'active', '天津市', '天津', '天津', :kinds, 3, true, true, 'k',"
                " '2026-01-01', 0)"
            ),
            {"kinds": '["' + '", "'.join(BEFORE_RESULTS) + '"]'},
        )
    engine.dispose()
    command.upgrade(alembic_config(old_database), "head")
    assert _rows(old_database, "SELECT email, alert_kinds FROM subscriber") in (
        [("old@example.com", BEFORE_RESULTS)],  # PostgreSQL's JSON comes back as a list
        [("old@example.com", str(BEFORE_RESULTS).replace("'", '"'))],  # SQLite's as its text
    )
    engine = make_engine(old_database)
    sessions = make_sessionmaker(engine)
    add_subscriber(sessions, "new@example.com", region="天津市")  # no choice: every topic, results too
    published = TODAY - timedelta(days=5)
    add_notice(
        sessions, exam_notice(1, "results", "天津", ("2025下半年",), windows=False, published=published)
    )
    add_notice(sessions, exam_notice(2, "exam_signup", "天津", ("2026上半年",)))
    queue_alerts(sessions, config(old_database).alerting, today=TODAY, now=NOW)
    assert told(sessions) == {("new@example.com", 1), ("new@example.com", 2), ("old@example.com", 2)}
    engine.dispose()
