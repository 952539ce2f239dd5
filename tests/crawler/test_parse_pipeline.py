"""ParseNoticePipeline: a reader that raises is counted as a parse failure and the notice is kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.health import check_crawl, error_count
from crawler.items import NoticeItem
from crawler.pipelines import ParseNoticePipeline

HTML = (
    "<p>关于开展2026年度证书登记工作的通知</p><p>登记时间：2026年3月2日至3月20日。</p><p>登记费每人30元。</p>"
)


def item() -> NoticeItem:
    return NoticeItem(
        source_id="tianjin",
        region="天津",
        url="https://example.org/n/1.html",
        title="关于开展2026年度证书登记工作的通知",
        published=date(2026, 2, 20),
        html=HTML,
        fetched_at=datetime(2026, 2, 21, tzinfo=UTC),
    )


def run(stats: MemoryStatsCollector):
    return ParseNoticePipeline(stats).process_item(item())


def test_a_clean_parse_counts_no_failure() -> None:
    stats = MemoryStatsCollector(get_crawler())
    fetched = run(stats)
    assert fetched.parsed.fees and not fetched.parsed.failed
    assert stats.get_value("notices/parse/failed") is None


def test_a_reader_failure_is_counted_and_reported_by_the_health_check(monkeypatch) -> None:
    def broken(self, sentences):
        raise ValueError("bad table")

    monkeypatch.setattr("parsers.fees.FeeReader.read", broken)
    stats = MemoryStatsCollector(get_crawler())
    fetched = run(stats)
    assert fetched.parsed.windows and fetched.parsed.fees == ()  # the other readers still count
    assert stats.get_value("notices/parse/failed") == 1
    assert "1 notice(s) failed to parse" in check_crawl(stats.get_stats() | {"notices/list/downloaded": 1})
    assert error_count(stats.get_stats()) == 1
