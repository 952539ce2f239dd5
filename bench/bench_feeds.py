"""Feed rendering cost: our builders for 50 entries against bare feedgen, measured in the same run.

Run: ``python bench/bench_feeds.py``. The baseline is feedgen with only id, title, link,
description and dates per entry, which is the least any RSS writer must do; the ratio
says what the cleaning, the Chinese summary, categories and explicit dates cost on top.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feedgen.feed import FeedGenerator

from core.windows import Window
from feeds.calendar import render_ics
from feeds.entries import SHANGHAI, FeedMeta, entries_from_notices
from feeds.publish import write_feeds
from feeds.render import render_atom, render_json_feed, render_rss
from parsers.types import EligibleRange, Fee, ParsedNotice
from store.db import make_engine, make_sessionmaker, upgrade
from store.notices import FetchedNotice, list_notices, record_fetch

N = 50
ROUNDS = 30
BASE = "https://feeds.example.org"


def notices(count: int) -> list[FetchedNotice]:
    out = []
    for i in range(count):
        day = date(2026, 1, 1) + timedelta(days=i % 300)
        parsed = ParsedNotice(
            title=f"关于开展2026年度证书登记工作的通知（第{i}号）",
            kind="registration",
            region="national" if i % 2 else "天津",
            published=day,
            windows=(
                Window(
                    "登记", datetime(2026, 3, 2, 9), datetime(2026, 3, 20, 17), "登记时间为3月2日至3月20日。"
                ),
            ),
            eligible=(EligibleRange(None, "2022", "2022年度及以前取得证书的人员。"),),
            fees=(Fee(Decimal(30), "登记费", "人", "登记费每人30元。"),),
        )
        out.append(
            FetchedNotice(
                "ruankao",
                f"https://www.ruankao.org.cn/article/content/{i}.html",
                parsed.title,
                day,
                "正文" * 200,
                parsed,
                datetime(2026, 3, 1, tzinfo=SHANGHAI),
            )
        )
    return out


def best(fn) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(url)
        sessions = make_sessionmaker(make_engine(url))
        with sessions.begin() as s:
            for notice in notices(N):
                record_fetch(s, notice)
        with sessions() as s:
            stored = list_notices(s)
            entries = entries_from_notices(stored)
            meta = FeedMeta("软考通知", "说明", f"{BASE}/feeds/rss.xml", f"{BASE}/", entries[0].updated)

            def bare() -> bytes:
                fg = FeedGenerator()
                fg.title("软考通知")
                fg.link(href=f"{BASE}/")
                fg.description("说明")
                for e in entries:
                    fe = fg.add_entry(order="append")
                    fe.guid(e.id)
                    fe.title(e.title)
                    fe.link(href=e.link)
                    fe.description(e.summary)
                    fe.pubDate(e.published)
                return fg.rss_str()

            baseline = best(bare)
            rows = [
                ("feedgen bare RSS (baseline)", baseline),
                ("entries from 50 notices (clean + summary)", best(lambda: entries_from_notices(stored))),
                ("render_rss", best(lambda: render_rss(entries, meta))),
                ("render_atom", best(lambda: render_atom(entries, meta))),
                ("render_json_feed", best(lambda: render_json_feed(entries, meta))),
                ("render_ics", best(lambda: render_ics(entries, meta))),
                (
                    "write_feeds, all files (SQLite read included)",
                    best(lambda: write_feeds(s, Path(tmp) / "out", base_url=BASE)),
                ),
            ]
    print(f"{N} entries, median of {ROUNDS} rounds")
    for name, seconds in rows:
        print(f"{name:48s} {seconds * 1000:8.2f} ms  {seconds / baseline:6.2f}x")


if __name__ == "__main__":
    main()
