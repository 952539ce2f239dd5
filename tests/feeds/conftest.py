"""Feed fixtures: a database holding three notices, on each backend."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from store.notices import record_fetch
from tests.factories import notice

# No NUL here: PostgreSQL text cannot hold one at all (test_render covers NUL without a database).
HOSTILE_TITLE = "关于<script>alert(1)</script>登记]]><x>的通知\x08\x1b\u202egpj.exe\u200b"
# A registration with a timed window and a collection window, for holders of certificates up to 2021.
REGISTRATION = {
    "title": "关于2026年上半年证书登记的通知",
    "start": datetime(2026, 3, 2, 9, 0),
    "end": datetime(2026, 3, 20, 17, 0),
    "collect": (date(2026, 4, 1), date(2026, 4, 10)),
    "eligible": ((None, "2021"),),
}


@pytest.fixture
def notices(sessions):
    """Three notices: a national registration, a 天津 one with a hostile title, an exam sign-up."""
    with sessions.begin() as s:
        record_fetch(
            s,
            notice(
                url="https://www.ruankao.org.cn/article/content/1.html",
                **REGISTRATION,
                attachments=[
                    {"name": "登记表", "url": "https://www.ruankao.org.cn/files/form.doc"},
                    {"name": "钓鱼", "url": "https://ruankao.example.com/form.doc"},
                ],
            ),
        )
        record_fetch(
            s,
            notice(
                url="http://www.tjpta.cn/notice/2.html",
                **{**REGISTRATION, "title": HOSTILE_TITLE, "end": date(2026, 3, 22)},
                region="天津",
                published=date(2026, 2, 25),
            ),
        )
        record_fetch(
            s,
            notice(
                url="https://www.ruankao.org.cn/article/content/3.html",
                **{**REGISTRATION, "title": "2026年上半年考试报名通知"},
                kind="exam_signup",
                published=date(2026, 2, 10),
            ),
        )
    return sessions
