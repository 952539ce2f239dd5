"""Spider callbacks on saved pages, without a crawl: what a list and a detail page yield."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.settings import Settings

from crawler.spiderloader import SourceSpiderLoader
from tests.crawler.pagetools import PAGES, make_spider, response


def test_pagination_stops_at_max_pages(tmp_path):
    spider, stats = make_spider("ruankao", tmp_path, max_pages=1)
    page = response("https://www.ruankao.org.cn/index/work.html", PAGES / "ruankao/index/work.html")
    assert not [
        r for r in spider.parse_list(page, first_url=page.url, page=1) if r.callback == spider.parse_list
    ]
    assert stats.get_value("notices/list/stopped_at_max_pages") == 1


def test_a_response_from_another_host_is_ignored(tmp_path):
    spider, stats = make_spider("ruankao", tmp_path)
    page = response("https://evil.example/index/work.html", PAGES / "ruankao/index/work.html")
    assert list(spider.parse_list(page, first_url=page.url, page=1)) == []
    assert list(spider.parse_detail(page, title="x", published=None)) == []
    assert stats.get_value("notices/offsite/response") == 2


def test_a_missing_content_container_is_counted(tmp_path):
    spider, stats = make_spider("ruankao", tmp_path, selectors={"content": "#gone"})
    page = response(
        "https://www.ruankao.org.cn/article/content/x.html", PAGES / "ruankao/article/content/flaky.html"
    )
    [item] = spider.parse_detail(page, title="t", published=None)
    assert stats.get_value("notices/detail/content_missing") == 1
    assert "成绩复核" in item.html


def test_the_loader_lists_enabled_sources_and_refuses_disabled_ones():
    loader = SourceSpiderLoader(Settings({"NOTICES_SOURCES": '[{"id": "shenzhen", "enabled": false}]'}))
    assert loader.list() == ["guangdong", "ruankao", "ruankao-signup"]
    assert loader.load("ruankao").name == "ruankao"
    with pytest.raises(KeyError, match="disabled"):
        loader.load("shenzhen")
    assert loader.find_by_request(Request("https://bm.ruankao.org.cn/sign/welcome")) == [
        "ruankao",
        "ruankao-signup",
    ]
