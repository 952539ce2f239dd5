"""guangdong (广东省人事考试局) on its saved pages (tests/crawler/pages/guangdong/)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.crawler.pagetools import PAGES, make_spider, response

LIST = "https://rsks.gd.gov.cn/zwgk/gzdt/index.html"
DETAIL = "https://rsks.gd.gov.cn/zwgk/gzdt/content/post_4871651.html"


@pytest.fixture
def spider(tmp_path):
    return make_spider("guangdong", tmp_path)


@pytest.fixture
def listed(spider):
    spider, stats = spider
    page = response(LIST, PAGES / "guangdong/list.html")
    return list(spider.parse_list(page, first_url=LIST, page=1)), spider, stats


@pytest.fixture
def item(spider):
    spider, _ = spider
    [item] = spider.parse_detail(
        response(DETAIL, PAGES / "guangdong/detail.html"), title=None, published=None
    )
    return item


def test_the_list_links_its_notices(listed):
    requests, spider, _ = listed
    assert [r.url for r in requests if r.callback == spider.parse_detail] == [
        DETAIL,
        "https://rsks.gd.gov.cn/zwgk/gzdt/content/post_4870001.html",
    ]


def test_the_list_date(listed):
    requests, _, _ = listed
    assert requests[0].cb_kwargs["published"] == date(2026, 2, 27)


def test_the_list_title_is_the_full_title_attribute(listed):
    requests, _, _ = listed
    assert (
        requests[0].cb_kwargs["title"]
        == "广东省2026年度上半年计算机技术与软件专业技术资格（水平）考试报考须知"
    )


def test_the_next_page(listed):
    requests, spider, _ = listed
    assert [r.url for r in requests if r.callback == spider.parse_list] == [
        "https://rsks.gd.gov.cn/zwgk/gzdt/index_2.html"
    ]


def test_a_link_to_another_host_is_not_followed(listed):
    _, _, stats = listed
    assert stats.get_value("notices/links/offsite") == 1  # www.gd.gov.cn


def test_the_detail_title(item):
    assert item.title == "广东省2026年度上半年计算机技术与软件专业技术资格（水平）考试报考须知"


def test_the_detail_date(item):
    assert item.published == date(2026, 2, 27)


def test_the_region(item):
    assert item.region == "广东"


def test_the_body_keeps_the_look_alike_colons(item):
    assert "9︰00至25日16︰00" in item.html


def test_the_body_leaves_the_page_chrome(item):
    assert "无障碍" not in item.html


def test_the_attachment(item):
    assert item.attachments == [
        {
            "name": "广东省2026年度上半年软考考区一览表.zip",
            "url": "https://rsks.gd.gov.cn/attachment/0/512/512345/4871651.zip",
        }
    ]
