"""ruankao-signup on its saved page (tests/crawler/pages/ruankao-signup/): what each row becomes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from crawler.pipelines import ParseNoticePipeline
from tests.crawler.pagetools import PAGES, make_spider, response

URL = "https://bm.ruankao.org.cn/sign/welcome"


@pytest.fixture
def table(tmp_path):
    """The spider's items from the saved table, the stored form of each (by institution), and the stats."""
    spider, stats = make_spider("ruankao-signup", tmp_path)
    page = response(URL, PAGES / "ruankao-signup/sign/welcome.html")
    items = list(spider.parse_list(page, first_url=URL, page=1))
    pipeline = ParseNoticePipeline(stats)
    notices = {item.institution: pipeline.process_item(item) for item in items}
    return items, notices, stats


def test_every_institution_row_is_an_item(table):
    items, _, _ = table
    assert len(items) == 37


def test_the_row_count_is_the_health_baseline(table):
    _, _, stats = table
    assert stats.get_value("notices/list/first_page_entries") == 37


def test_the_selected_session_is_read(table):
    items, _, _ = table
    assert {item.session for item in items} == {"2026年上半年软考"}


def test_the_institutions_include_the_cities_and_the_corps(table):
    _, notices, _ = table
    assert {"大连", "宁波", "厦门", "青岛", "深圳", "新疆兵团"} <= set(notices)


def test_the_cells_are_selected_in_page_order(table):
    items, _, _ = table
    [tianjin] = [item for item in items if item.institution == "天津"]
    assert tianjin.cells == ("2026-03-10 09:00 ~ 2026-03-20 17:00", "2026-03-10 09:00 ~ 2026-03-22 17:00")


def test_a_row_has_its_own_url(table):
    _, notices, _ = table
    assert notices["天津"].url == f"{URL}#2026%E4%B8%8A%E5%8D%8A%E5%B9%B4-%E5%A4%A9%E6%B4%A5"


def test_the_row_urls_are_unique(table):
    _, notices, _ = table
    assert len({n.url for n in notices.values()}) == 37


def test_a_row_is_an_exam_signup_notice(table):
    _, notices, _ = table
    assert notices["天津"].parsed.kind == "exam_signup"


def test_a_row_concerns_its_region(table):
    _, notices, _ = table
    assert notices["天津"].parsed.region == "天津"


def test_a_city_row_concerns_the_city(table):
    _, notices, _ = table
    assert notices["大连"].parsed.region == "大连"


def test_the_corps_row_concerns_the_corps_not_xinjiang(table):
    _, notices, _ = table
    assert notices["新疆兵团"].parsed.region == "兵团"


def test_the_session_is_the_selected_option(table):
    _, notices, _ = table
    assert notices["天津"].parsed.session == ("2026上半年",)


def test_the_title_names_session_and_institution(table):
    _, notices, _ = table
    assert notices["天津"].title == "2026年上半年软考报名与缴费时间（天津）"


def test_the_first_cell_is_the_signup_window(table):
    _, notices, _ = table
    signup = notices["天津"].parsed.windows[0]
    assert (signup.label, signup.start, signup.end) == (
        "报名", datetime(2026, 3, 10, 9, 0), datetime(2026, 3, 20, 17, 0),
    )  # fmt: skip


def test_the_second_cell_is_the_payment_window(table):
    _, notices, _ = table
    payment = notices["天津"].parsed.windows[1]
    assert (payment.label, payment.start, payment.end) == (
        "缴费", datetime(2026, 3, 10, 9, 0), datetime(2026, 3, 22, 17, 0),
    )  # fmt: skip


def test_the_evidence_is_the_cell(table):
    _, notices, _ = table
    assert notices["天津"].parsed.windows[0].evidence == "报名时间：2026-03-10 09:00 ~ 2026-03-20 17:00"


def test_the_day_the_row_was_seen_stands_in_for_a_publication_date(table):
    items, notices, _ = table
    assert notices["天津"].published == items[0].fetched_at.astimezone(ZoneInfo("Asia/Shanghai")).date()


def test_the_stored_text_is_the_labelled_row(table):
    _, notices, _ = table
    assert notices["天津"].text == (
        "考试机构：天津\n报名时间：2026-03-10 09:00 ~ 2026-03-20 17:00\n缴费时间：2026-03-10 09:00 ~ 2026-03-22 17:00"
    )


def test_a_lone_tilde_is_no_window(table):
    _, notices, _ = table
    assert notices["西藏"].parsed.windows == ()


def test_a_placeholder_is_no_window(table):
    _, notices, _ = table
    assert notices["青海"].parsed.windows == ()


def test_an_empty_payment_cell_leaves_the_signup_window(table):
    _, notices, _ = table
    assert [w.label for w in notices["广西"].parsed.windows] == ["报名"]


def test_no_row_was_refused(table):
    _, _, stats = table
    assert stats.get_value("notices/parse/signup_row_refused") is None
