"""Several regions per subscriber: a notice for any one of them concerns them, on SQLite and PostgreSQL.

The rules for one region are unchanged: national notices reach everyone (also those with no
region), a provincial notice does not reach a city with its own examining institution
(深圳 in 广东), a city's notice reaches only that city. The private feed, which asks the
same rule about one subscriber, agrees.
"""

from __future__ import annotations

from alerts.queue import queue_alerts
from store.feed_queries import notices_for_subscriber
from store.models import Subscriber
from store.subscriber_regions import set_regions
from tests.alerts.test_candidates import exam_notice, told
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice


def test_a_notice_for_any_of_a_subscribers_regions_concerns_them(sessions, config):
    for number, region in enumerate(("天津", "北京", "广东", "深圳", "national"), start=1):
        add_notice(sessions, exam_notice(number, "exam_signup", region, ("2026上半年",)))
    add_subscriber(sessions, "both@example.com", region=("北京市海淀区", "天津市红桥区"))
    add_subscriber(sessions, "shenzhen@example.com", region="广东省深圳市")
    add_subscriber(sessions, "moved@example.com", region=("广东省深圳市", "广东省广州市"))
    add_subscriber(sessions, "nowhere@example.com", region=())
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert told(sessions) == {
        ("both@example.com", 1), ("both@example.com", 2), ("both@example.com", 5),
        ("shenzhen@example.com", 4), ("shenzhen@example.com", 5),
        ("moved@example.com", 3), ("moved@example.com", 4), ("moved@example.com", 5),
        ("nowhere@example.com", 5),
    }  # fmt: skip


def test_certificate_notices_follow_every_region_too(sessions, config):
    add_notice(sessions, notice(1, kind="certificate_collection", region="北京", eligible=((None, "2022"),)))
    add_notice(sessions, notice(2, kind="certificate_collection", region="上海", eligible=((None, "2022"),)))
    add_subscriber(sessions, "holder@example.com", "2019", region=("天津市", "北京市朝阳区"))
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert told(sessions) == {("holder@example.com", 1)}


def test_changing_regions_changes_whom_the_next_run_tells_and_the_private_feed(sessions, config):
    add_notice(sessions, exam_notice(1, "exam_signup", "天津", ("2026上半年",)))
    add_notice(sessions, exam_notice(2, "exam_signup", "北京", ("2026上半年",)))
    sid = add_subscriber(sessions, "li@example.com", region="天津市")
    with sessions() as s:
        assert _feed(s, sid) == {1}
    with sessions.begin() as s:
        person = s.get(Subscriber, sid)
        set_regions(person, ("北京市", "天津市"))
    with sessions() as s:
        person = s.get(Subscriber, sid)
        assert person.region_names == ["北京市", "天津市"]
        assert [r.position for r in person.regions] == [0, 1]
        assert _feed(s, sid) == {1, 2}
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert told(sessions) == {("li@example.com", 1), ("li@example.com", 2)}
    with sessions.begin() as s:
        set_regions(s.get(Subscriber, sid), ())
    with sessions() as s:
        assert s.get(Subscriber, sid).regions == [] and _feed(s, sid) == {1, 2}  # what was sent stays


def _feed(session, subscriber_id: int) -> set[int]:
    """The notice ids of a subscriber's private feed."""
    person = session.get(Subscriber, subscriber_id)
    return {n.id for n in notices_for_subscriber(session, person, today=TODAY)}
