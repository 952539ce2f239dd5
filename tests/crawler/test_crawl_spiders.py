"""Spider callbacks on saved pages, without a crawl: what a list and a detail page yield."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.items import NoticeItem
from crawler.sources import load_sources
from crawler.spiderloader import SourceSpiderLoader, spider_for

PAGES = Path(__file__).resolve().parent / "pages"


def make_spider(source_id: str, tmp_path: Path, **override):
    [source] = [
        s for s in load_sources([{"id": source_id, **override}] if override else []) if s.id == source_id
    ]
    cls = spider_for(source)
    crawler = get_crawler(cls, {"NOTICES_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    crawler.spider = spider = cls.from_crawler(crawler)
    return spider, crawler.stats


def response(url: str, path: Path, content_type: str = "text/html; charset=utf-8", **meta) -> HtmlResponse:
    request = Request(url, meta=meta)
    return HtmlResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type}, request=request)


def test_ruankao_list_yields_details_with_full_titles_and_the_next_page(tmp_path):
    spider, stats = make_spider("ruankao", tmp_path)
    page = response("https://www.ruankao.org.cn/index/work.html", PAGES / "site/index/work.html")
    requests = list(spider.parse_list(page, first_url=page.url, page=1))
    details = [r for r in requests if r.callback == spider.parse_detail]
    assert [r.url for r in details][:2] == [
        "https://www.ruankao.org.cn/article/content/gbk.html",
        "https://www.ruankao.org.cn/article/content/nocharset.html",
    ]
    assert details[0].cb_kwargs == {
        "title": "关于做好2026年度证书登记工作的通知（天津·红桥区 张喆、朱镕）",
        "published": date(2026, 2, 20),
    }
    assert details[2].cb_kwargs["title"] == "关于<script>alert(1)</script>的通知]]>"
    [next_page] = [r for r in requests if r.callback == spider.parse_list]
    assert next_page.url == "https://www.ruankao.org.cn/index/work/2.html"
    assert next_page.cb_kwargs == {"first_url": page.url, "page": 2}
    assert stats.get_value("notices/links/skipped_scheme/javascript") == 1
    assert stats.get_value("notices/links/skipped_scheme/mailto") == 1
    assert stats.get_value("notices/links/offsite") == 3
    assert stats.get_value("notices/list/first_page_entries") == 4
    assert stats.get_value("notices/list/date_missing") == 0


def test_pagination_stops_at_max_pages(tmp_path):
    spider, stats = make_spider("ruankao", tmp_path, max_pages=1)
    page = response("https://www.ruankao.org.cn/index/work.html", PAGES / "site/index/work.html")
    assert not [
        r for r in spider.parse_list(page, first_url=page.url, page=1) if r.callback == spider.parse_list
    ]
    assert stats.get_value("notices/list/stopped_at_max_pages") == 1


def test_a_response_from_another_host_is_ignored(tmp_path):
    spider, stats = make_spider("ruankao", tmp_path)
    page = response("https://evil.example/index/work.html", PAGES / "site/index/work.html")
    assert list(spider.parse_list(page, first_url=page.url, page=1)) == []
    assert list(spider.parse_detail(page, title="x", published=None)) == []
    assert stats.get_value("notices/offsite/response") == 2


def test_a_gbk_detail_page_is_decoded_with_gb18030(tmp_path):
    spider, _ = make_spider("ruankao", tmp_path)
    page = response(
        "https://www.ruankao.org.cn/article/content/gbk.html",
        PAGES / "site/article/content/gbk.html",
        "text/html",
    )
    [item] = spider.parse_detail(page, title=None, published=None)
    assert isinstance(item, NoticeItem)
    assert item.title == "关于做好2026年度证书登记工作的通知（天津·红桥区 张喆、朱镕）"
    assert "2026年3月2日9:00至3月20日17:00" in item.html
    assert item.html.startswith('<div id="contentTxt">')


def test_govcms_list_and_detail(tmp_path):
    spider, stats = make_spider("guangdong", tmp_path)
    page = response("https://rsks.gd.gov.cn/zwgk/gzdt/index.html", PAGES / "govcms/list.html")
    requests = list(spider.parse_list(page, first_url=page.url, page=1))
    details = [r for r in requests if r.callback == spider.parse_detail]
    assert [r.url for r in details] == [
        "https://rsks.gd.gov.cn/zwgk/gzdt/content/post_4871651.html",
        "https://rsks.gd.gov.cn/zwgk/gzdt/content/post_4870001.html",
    ]
    assert details[0].cb_kwargs["published"] == date(2026, 2, 27)
    assert [r.url for r in requests if r.callback == spider.parse_list] == [
        "https://rsks.gd.gov.cn/zwgk/gzdt/index_2.html"
    ]
    assert stats.get_value("notices/links/offsite") == 1  # www.gd.gov.cn is another host

    detail = response(
        "https://rsks.gd.gov.cn/zwgk/gzdt/content/post_4871651.html", PAGES / "govcms/detail.html"
    )
    [item] = spider.parse_detail(detail, title=None, published=None)
    assert item.title == "广东省2026年度上半年计算机技术与软件专业技术资格（水平）考试报考须知"
    assert item.published == date(2026, 2, 27)
    assert item.region == "广东"
    assert "9︰00至25日16︰00" in item.html and "无障碍" not in item.html
    assert item.attachments == [
        {
            "name": "广东省2026年度上半年软考考区一览表.zip",
            "url": "https://rsks.gd.gov.cn/attachment/0/512/512345/4871651.zip",
        }
    ]


def test_a_missing_content_container_is_counted(tmp_path):
    spider, stats = make_spider("ruankao", tmp_path, selectors={"content": "#gone"})
    page = response(
        "https://www.ruankao.org.cn/article/content/x.html", PAGES / "site/article/content/flaky.html"
    )
    [item] = spider.parse_detail(page, title="t", published=None)
    assert stats.get_value("notices/detail/content_missing") == 1
    assert "成绩复核" in item.html


def test_the_loader_lists_enabled_sources_and_refuses_disabled_ones():
    loader = SourceSpiderLoader(Settings({"NOTICES_SOURCES": '[{"id": "tianjin", "enabled": false}]'}))
    assert loader.list() == ["guangdong", "ruankao", "shenzhen"]
    assert loader.load("ruankao").name == "ruankao"
    with pytest.raises(KeyError, match="disabled"):
        loader.load("tianjin")
    assert loader.find_by_request(Request("https://bm.ruankao.org.cn/sign/welcome")) == ["ruankao"]
