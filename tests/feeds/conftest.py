"""Feed fixtures: a database holding three notices, on each backend."""

from __future__ import annotations

from datetime import date

import pytest

from store.notices import record_fetch
from tests.feeds.factory import HOSTILE_TITLE, fetched


@pytest.fixture
def notices(sessions):
    """Three notices: a national registration, a 天津 one with a hostile title, an exam sign-up."""
    with sessions.begin() as s:
        record_fetch(
            s,
            fetched(
                "https://www.ruankao.org.cn/article/content/1.html",
                attachments=[
                    {"name": "登记表", "url": "https://www.ruankao.org.cn/files/form.doc"},
                    {"name": "钓鱼", "url": "https://ruankao.example.com/form.doc"},
                ],
            ),
        )
        record_fetch(
            s,
            fetched(
                "http://www.tjpta.cn/notice/2.html",
                title=HOSTILE_TITLE,
                region="天津",
                published=date(2026, 2, 25),
                end=date(2026, 3, 22),
            ),
        )
        record_fetch(
            s,
            fetched(
                "https://www.ruankao.org.cn/article/content/3.html",
                title="2026年上半年考试报名通知",
                kind="exam_signup",
                published=date(2026, 2, 10),
            ),
        )
    return sessions
