"""shenzhen (深圳市考试院) on its saved pages (tests/crawler/pages/shenzhen/), modelled on docs/architecture.md ("The source sites")."""

from __future__ import annotations

from datetime import date

import pytest

from tests.crawler.pagetools import PAGES, make_spider, response

CHANNEL = "https://hrss.sz.gov.cn/szksy/ztzl/zyjsks/zyjskslb/rsjrj/zxksxx_89388/"
LIST = CHANNEL + "index.html"
DETAIL = CHANNEL + "content/post_12633001.html"


@pytest.fixture
def spider(tmp_path):
    return make_spider("shenzhen", tmp_path)


@pytest.fixture
def requests(spider):
    spider, _ = spider
    return list(spider.parse_list(response(LIST, PAGES / "shenzhen/list.html"), first_url=LIST, page=1))


@pytest.fixture
def item(spider):
    spider, _ = spider
    [item] = spider.parse_detail(response(DETAIL, PAGES / "shenzhen/detail.html"), title=None, published=None)
    return item


def test_the_list_links_its_notices(requests):
    assert [r.url for r in requests][:2] == [DETAIL, CHANNEL + "content/post_9137543.html"]


def test_the_list_date(requests):
    assert requests[0].cb_kwargs["published"] == date(2026, 3, 2)


def test_the_list_title_is_the_full_title_attribute(requests):
    assert (
        requests[0].cb_kwargs["title"]
        == "2026年上半年计算机技术与软件专业技术资格（水平）考试深圳考区考务工作通知"
    )


def test_the_next_page(requests):
    assert requests[-1].url == CHANNEL + "index_2.html"


def test_the_detail_date_from_the_information_line(item):
    assert item.published == date(2026, 3, 2)


def test_the_region(item):
    assert item.region == "深圳"


def test_the_body(item):
    assert "2026年3月11日10:00至3月17日17:00" in item.html


def test_the_body_leaves_the_page_chrome(item):
    assert "无障碍" not in item.html


def test_the_attachment(item):
    assert item.attachments == [
        {
            "name": "附件1.深圳考区考点一览表.pdf",
            "url": "https://hrss.sz.gov.cn/attachment/0/987/987654/12633001.pdf",
        }
    ]
