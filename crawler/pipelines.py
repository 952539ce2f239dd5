"""Item pipelines: parse a selected page (``ParseNoticePipeline``), then store it (``StoreNoticePipeline``).

Thin adapters: the parsing is ``parsers``' and the SQL is ``store``'s. Each counts what
happened under ``notices/…`` so that the health check can tell a layout change (empty
bodies, parse failures) from a quiet week.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from scrapy.exceptions import DropItem

from crawler.database import CrawlDatabase
from crawler.items import SignupRowItem
from parsers import html_to_text, parse_notice
from parsers.signup import SignupRow, SignupRowError, parse_session, parse_signup_row, row_key, row_text
from store.notices import FetchedNotice

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from crawler.items import NoticeItem

logger = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")


class ParseNoticePipeline:
    """NoticeItem → FetchedNotice: the cleaned text and the parsed windows, eligibility and fees."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParseNoticePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: NoticeItem | SignupRowItem) -> FetchedNotice:
        if isinstance(item, SignupRowItem):
            return self._signup_row(item)
        text = html_to_text(item.html)
        if not text.strip():
            self.stats.inc_value("notices/detail/empty_body")
            raise DropItem(f"empty notice body: {item.url}")
        try:
            # The text, not the HTML again: html_to_text already did the one HTML parse.
            parsed = parse_notice(
                text,
                title=item.title or None,
                published=item.published,
                region=item.region,
                is_html=False,
            )
        except Exception as exc:  # a parser bug on one page must not stop the crawl; health reports it
            self.stats.inc_value("notices/parse/failed")
            logger.exception("Parsing %s failed", item.url)
            raise DropItem(f"parse failed: {item.url}: {exc!r}") from exc
        if parsed.failed:  # a reader raised: the notice is kept with what the others read
            self.stats.inc_value("notices/parse/failed")
            logger.error("Parsing %s: %s", item.url, "; ".join(map(str, parsed.warnings)))
        self.stats.inc_value(f"notices/parse/kind/{parsed.kind}")
        if not parsed.windows:
            self.stats.inc_value("notices/parse/no_windows")
        if parsed.warnings:
            self.stats.inc_value("notices/parse/warnings", len(parsed.warnings))
        return FetchedNotice(
            source_id=item.source_id,
            url=item.url,
            title=item.title or parsed.title,
            published=item.published or parsed.published,
            text=text,
            parsed=parsed,
            fetched_at=item.fetched_at,
            attachments=item.attachments,
        )

    def _signup_row(self, item: SignupRowItem) -> FetchedNotice:
        """A row of the sign-up table: read strictly; a row that needs guessing is dropped and counted.

        Dropping (rather than storing a row without windows) matters: a stored empty row
        would read as "the window was withdrawn" to everyone told about the old one.
        """
        row = SignupRow(item.institution, item.cells)
        session = parse_session(item.session)
        try:
            parsed = parse_signup_row(row, session)
        except SignupRowError as error:
            self.stats.inc_value("notices/parse/signup_row_refused")
            logger.warning("Sign-up table row not read: %s", error)
            raise DropItem(f"sign-up row refused: {error}") from error
        self.stats.inc_value(f"notices/parse/kind/{parsed.kind}")
        if not parsed.windows:
            self.stats.inc_value("notices/parse/no_windows")
        return FetchedNotice(
            source_id=item.source_id,
            url=row_key(item.page_url, session, row.institution),
            title=parsed.title,
            # The table carries no date: the day (Beijing time) this state of the row was first
            # seen stands in, so rows sort among dated notices in feeds instead of after them all.
            published=item.fetched_at.astimezone(SHANGHAI).date(),
            text=row_text(row),
            parsed=parsed,
            fetched_at=item.fetched_at,
        )


class StoreNoticePipeline:
    """Record each FetchedNotice: a new notice, a new version of a changed one, or nothing."""

    def __init__(self, database: CrawlDatabase, stats: StatsCollector) -> None:
        self.database = database
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreNoticePipeline:
        assert crawler.stats is not None
        return cls(CrawlDatabase.of(crawler), crawler.stats)

    def process_item(self, item: FetchedNotice) -> FetchedNotice:
        try:
            outcome = self.database.record(item)
        except Exception:
            self.stats.inc_value("notices/store/failed")
            raise
        self.stats.inc_value(f"notices/store/{outcome}")
        return item
