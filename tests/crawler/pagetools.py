"""Spiders and saved pages without a crawl: the helpers the per-source fixture tests share."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.sources import load_sources
from crawler.spiderloader import spider_for

PAGES = Path(__file__).resolve().parent / "pages"


def make_spider(source_id: str, tmp_path: Path, **override):
    """The source's spider bound to a crawler on a scratch SQLite file, and that crawler's stats."""
    [source] = [
        s for s in load_sources([{"id": source_id, **override}] if override else []) if s.id == source_id
    ]
    cls = spider_for(source)
    crawler = get_crawler(cls, {"NOTICES_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    crawler.spider = spider = cls.from_crawler(crawler)
    return spider, crawler.stats


def response(url: str, path: Path, content_type: str = "text/html; charset=utf-8", **meta) -> HtmlResponse:
    """A saved page as if ``url`` had answered with it."""
    request = Request(url, meta=meta)
    return HtmlResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type}, request=request)
