"""Version diffs name the changed fields; prune keeps current versions and the alert ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from store.diff import version_diff
from store.models import Mail, NoticeVersion, Run
from store.notices import FetchedNotice, get_notice, record_fetch
from store.prune import prune
from store.runs import start_run
from tests.factories import notice

URL = "https://www.ruankao.org.cn/article/content/2603051204118156470700001.html"


def fetched(end: date, fee: int, at: datetime) -> FetchedNotice:
    return notice(url=URL, start=date(2026, 3, 9), end=end, fee=fee, at=at, text=f"截止{end}，每人{fee}元")


def test_diff_names_the_changed_window_and_fee(sessions):
    t0 = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
    with sessions.begin() as s:
        record_fetch(s, fetched(date(2026, 3, 20), 30, t0))
    with sessions() as s:
        assert version_diff(get_notice(s, URL)) == ""
    with sessions.begin() as s:
        record_fetch(s, fetched(date(2026, 3, 27), 25, t0 + timedelta(days=3)))
    with sessions() as s:
        diff = version_diff(get_notice(s, URL))
    assert "登记截止：2026年3月20日 → 2026年3月27日" in diff
    assert "登记费：30元/人 → 25元/人" in diff
    assert "-截止2026-03-20，每人30元" in diff and "+截止2026-03-27，每人25元" in diff
    # Fetched at 01:00 UTC: shown as the 09:00 an operator in Beijing saw, and said to be Beijing time.
    assert "(2026-03-05 09:00 北京时间) → " in diff and "(2026-03-08 09:00 北京时间)" in diff


@pytest.mark.parametrize("ref", ["²", "99999999999999999999999"])
def test_an_id_no_notice_can_have_finds_nothing(sessions, ref):
    """``notices show`` passes what the operator typed: digits ``isdigit`` admits but ``int`` or the
    id column cannot take are no notice, not a crash."""
    with sessions.begin() as s:
        record_fetch(s, fetched(date(2026, 3, 20), 30, datetime(2026, 3, 5, 1, 0, tzinfo=UTC)))
    with sessions() as s:
        assert get_notice(s, ref) is None


def test_prune_drops_old_superseded_versions_and_runs_only(sessions):
    old = datetime(2025, 1, 1, tzinfo=UTC)
    now = datetime(2026, 3, 5, tzinfo=UTC)
    with sessions.begin() as s:
        record_fetch(s, fetched(date(2025, 3, 20), 30, old))
        record_fetch(s, fetched(date(2025, 3, 27), 30, old + timedelta(days=1)))
        start_run(s, "run", old)
        s.add(
            Mail(
                recipient="a@example.com",
                purpose="confirm",
                status="sent",
                next_attempt_at=old,
                message_id="<m1@x>",
                created_at=old,
                detail={},
                attempts=1,
            )
        )
        s.add(
            Mail(
                recipient="b@example.com",
                purpose="alert",
                status="sent",
                next_attempt_at=old,
                message_id="<m2@x>",
                created_at=old,
                detail={},
                attempts=1,
            )
        )
    with sessions.begin() as s:
        assert prune(s, older_than_days=30, now=now) == {"versions": 1, "mails": 1, "runs": 1}
    with sessions() as s:
        assert s.scalar(select(func.count(NoticeVersion.id))) == 1
        assert s.scalar(select(func.count(Run.id))) == 0
        assert s.scalars(select(Mail.purpose)).all() == ["alert"]
