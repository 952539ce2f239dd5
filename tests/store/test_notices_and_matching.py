"""Store: versions are added only on real changes, and matching queues each alert once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select, text

from store.models import Alert, Mail
from store.notice_alerts import queue_notice_alerts
from store.notices import list_notices, record_fetch
from store.outbox import bundle_alerts_into_mails
from tests.factories import NOW, add_notice, add_subscriber, notice


def test_unchanged_fetch_adds_no_version_and_a_change_adds_one(sessions):
    with sessions.begin() as s:
        assert record_fetch(s, notice(end=date(2026, 3, 20))) == "new"
    with sessions.begin() as s:
        assert record_fetch(s, notice(end=date(2026, 3, 20))) == "unchanged"
    with sessions.begin() as s:
        assert record_fetch(s, notice(end=date(2026, 3, 27), text="正文 延长")) == "changed"
    with sessions() as s:
        [stored] = list_notices(s)
        assert len(stored.versions) == 2
        assert stored.current_version.windows[0].end_date == date(2026, 3, 27)


def test_matching_queues_eligible_once_and_skips_the_rest(sessions):
    with sessions.begin() as s:
        record_fetch(s, notice(end=date(2026, 3, 20)))
        add_subscriber(s, "in@example.com", "2022下半年")
        add_subscriber(s, "out@example.com", "2023上半年")
    with sessions.begin() as s:
        assert sum(queue_notice_alerts(s, today=date(2026, 3, 1), now=NOW).values()) == 1
        assert bundle_alerts_into_mails(s, now=NOW, domain="example.org") == 1
    with sessions.begin() as s:
        assert sum(queue_notice_alerts(s, today=date(2026, 3, 1), now=NOW).values()) == 0
        assert bundle_alerts_into_mails(s, now=NOW, domain="example.org") == 0
    with sessions() as s:
        [mail] = s.scalars(select(Mail)).all()
        assert mail.recipient == "in@example.com"
        assert s.scalar(select(func.count(Alert.id)).where(Alert.mail_id == mail.id)) == 1


def test_no_alert_for_a_window_closed_on_today(sessions):
    with sessions.begin() as s:
        record_fetch(s, notice(end=date(2026, 3, 20)))
        add_subscriber(s, "in@example.com", "2021")
    with sessions.begin() as s:
        assert sum(queue_notice_alerts(s, today=date(2026, 3, 21), now=NOW).values()) == 0
        assert sum(queue_notice_alerts(s, today=date(2026, 3, 20), now=NOW).values()) == 1


def test_nul_characters_are_dropped_before_storing(sessions):
    hostile = replace(notice(text="正文\x00尾"), title="标题\x00<script>")
    with sessions.begin() as s:
        assert record_fetch(s, hostile) == "new"
    with sessions() as s:
        [stored] = list_notices(s)
        assert stored.title == "标题<script>"
        assert stored.current_version.text == "正文尾"


def test_a_notice_returning_to_an_earlier_text_is_a_change(sessions):
    """A → B → A: the third fetch is a new version, not a clash with the first one."""
    first, amended = notice(end=date(2026, 3, 20)), notice(end=date(2026, 3, 27), text="正文 延长")
    assert [add_notice(sessions, n) for n in (first, amended, first, first)] == [
        "new",
        "changed",
        "changed",
        "unchanged",
    ]
    with sessions() as s:
        [stored] = list_notices(s)
        assert [v.text for v in stored.versions] == ["正文", "正文 延长", "正文"]
        assert stored.current_version.windows[0].end_date == date(2026, 3, 20)


@pytest.mark.parametrize("earlier", [(), ("正文",)], ids=["new notice", "changed notice"])
def test_two_overlapping_crawls_recording_one_fetch_store_it_once(sessions, database_url, earlier):
    """The second recorder waits for the first (PostgreSQL), then finds the text stored: no error."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers from BEGIN IMMEDIATE: no overlap to lose")
    for body in earlier:
        add_notice(sessions, notice(text=body))
    fetched = notice(text="正文 延长")
    first = sessions()
    first.begin()
    outcome = record_fetch(first, fetched)
    blocker = first.scalar(text("SELECT pg_backend_pid()"))
    blocked = text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))")
    with ThreadPoolExecutor(1) as pool:
        second = pool.submit(add_notice, sessions, fetched)
        with sessions() as watcher:  # until the second recorder waits for the first one's transaction
            while not second.done() and not watcher.scalar(blocked, {"pid": blocker}):
                watcher.rollback()
        first.commit()
        first.close()
        assert (outcome, second.result(timeout=30)) == ("changed" if earlier else "new", "unchanged")
    with sessions() as s:
        [stored] = list_notices(s)
        assert [v.text for v in stored.versions] == [*earlier, "正文 延长"]
