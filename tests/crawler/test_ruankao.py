"""ruankao (中国计算机技术职业资格网) on its saved pages (tests/crawler/pages/ruankao/), modelled on"""

from __future__ import annotations

from datetime import date

import pytest

from crawler.items import NoticeItem
from tests.crawler.pagetools import PAGES, make_spider, response

LIST = "https://www.ruankao.org.cn/index/work.html"
GBK = "https://www.ruankao.org.cn/article/content/gbk.html"


@pytest.fixture
def listed(tmp_path):
    spider, stats = make_spider("ruankao", tmp_path)
    requests = list(
        spider.parse_list(response(LIST, PAGES / "ruankao/index/work.html"), first_url=LIST, page=1)
    )
    return [r for r in requests if r.callback == spider.parse_detail], requests, spider, stats


@pytest.fixture
def item(tmp_path):
    spider, _ = make_spider("ruankao", tmp_path)
    [item] = spider.parse_detail(
        response(GBK, PAGES / "ruankao/article/content/gbk.html", "text/html"), title=None, published=None
    )
    return item


def test_the_list_links_its_notices_relative_or_absolute(listed):
    details, _, _, _ = listed
    assert [r.url for r in details][:2] == [GBK, "https://www.ruankao.org.cn/article/content/nocharset.html"]


def test_the_list_title_is_the_full_title_attribute(listed):
    details, _, _, _ = listed
    assert details[0].cb_kwargs["title"] == "关于做好2026年度证书登记工作的通知（天津·红桥区 张喆、朱镕）"


def test_the_list_date_inside_its_delimiters(listed):
    details, _, _, _ = listed
    assert details[0].cb_kwargs["published"] == date(2026, 2, 20)


def test_a_title_is_kept_as_text(listed):
    details, _, _, _ = listed
    assert details[2].cb_kwargs["title"] == "关于<script>alert(1)</script>的通知]]>"


def test_the_next_page(listed):
    _, requests, spider, _ = listed
    [next_page] = [r for r in requests if r.callback == spider.parse_list]
    assert next_page.url == "https://www.ruankao.org.cn/index/work/2.html"


def test_the_next_page_knows_its_number(listed):
    _, requests, spider, _ = listed
    [next_page] = [r for r in requests if r.callback == spider.parse_list]
    assert next_page.cb_kwargs == {"first_url": LIST, "page": 2}


def test_script_links_are_skipped(listed):
    _, _, _, stats = listed
    assert stats.get_value("notices/links/skipped_scheme/javascript") == 1


def test_mail_links_are_skipped(listed):
    _, _, _, stats = listed
    assert stats.get_value("notices/links/skipped_scheme/mailto") == 1


def test_links_to_other_hosts_are_skipped(listed):
    _, _, _, stats = listed
    assert stats.get_value("notices/links/offsite") == 3


def test_the_first_page_count(listed):
    _, _, _, stats = listed
    assert stats.get_value("notices/list/first_page_entries") == 4


def test_every_entry_is_dated(listed):
    _, _, _, stats = listed
    assert stats.get_value("notices/list/date_missing") == 0


def test_a_detail_page_is_an_item(item):
    assert isinstance(item, NoticeItem)


def test_a_gbk_detail_title_is_decoded(item):
    assert item.title == "关于做好2026年度证书登记工作的通知（天津·红桥区 张喆、朱镕）"


def test_a_gbk_detail_body_is_decoded(item):
    assert "2026年3月2日9:00至3月20日17:00" in item.html


def test_the_body_is_the_content_container(item):
    assert item.html.startswith('<div id="contentTxt">')
