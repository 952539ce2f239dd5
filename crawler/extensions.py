"""The health extension: after each source's crawl, record its verdict in ``SourceState``.

It runs on ``spider_closed`` so that ``scrapy crawl ID`` and the runner record health the
same way; the runner reads the verdict back from the stats (``notices/health/problems``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy import signals

from crawler.database import CrawlDatabase
from crawler.health import check_crawl, trusted_item_count

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SourceHealthExtension:
    """Checks the finished crawl (``crawler.health``) and saves problems for the operator."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceHealthExtension:
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        source = getattr(spider, "source", None)
        if source is None:
            return
        assert self.crawler.stats is not None
        database = CrawlDatabase.of(self.crawler)
        stats = self.crawler.stats.get_stats()
        previous = database.source_state(source.id)
        problems = check_crawl(stats, previous, reason)
        database.save_health(source.id, problems, trusted_item_count(stats, previous), datetime.now(UTC))
        self.crawler.stats.set_value("notices/health/problems", problems)
        for problem in problems:
            logger.warning("Source %s: %s", source.id, problem)
