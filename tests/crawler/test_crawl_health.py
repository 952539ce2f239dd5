"""Health checks over synthetic crawl stats (no crawl needed)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from crawler.health import check_crawl, error_count, trusted_item_count

HEALTHY = {
    "notices/list/downloaded": 2,
    "notices/list/first_page_entries": 10,
    "notices/list/entries": 18,
    "notices/detail/downloaded": 18,
}


def previous(count: int | None) -> SimpleNamespace:
    return SimpleNamespace(last_item_count=count)


def test_a_normal_crawl_is_healthy():
    assert check_crawl(HEALTHY, previous(10)) == []
    assert trusted_item_count(HEALTHY, previous(10)) == 10


def test_revalidated_pages_count_as_read():
    stats = {**HEALTHY, "notices/list/downloaded": 0, "notices/list/not_modified": 1}
    assert check_crawl(stats, previous(10)) == []


def test_a_list_that_had_items_and_now_has_none():
    stats = {**HEALTHY, "notices/list/first_page_entries": 0, "notices/list/entries": 0}
    [problem] = check_crawl(stats, previous(10))
    assert "no notices (it had 10 last time)" in problem
    assert trusted_item_count(stats, previous(10)) is None


def test_an_empty_list_on_the_first_crawl_is_a_problem_too():
    stats = {"notices/list/downloaded": 1}
    assert "no notices" in check_crawl(stats, None)[0]


def test_no_list_page_read():
    stats = {"notices/list/http_error/503": 1}
    problems = check_crawl(stats, previous(10))
    assert problems[0].startswith("no list page could be read")
    assert "1 list page(s) answered an HTTP error (503 ×1)" in problems


@pytest.mark.parametrize(("count", "problem"), [(4, True), (5, False), (9, False)])
def test_a_sharp_drop(count, problem):
    stats = {**HEALTHY, "notices/list/first_page_entries": count}
    assert bool(check_crawl(stats, previous(10))) is problem
    assert (trusted_item_count(stats, previous(10)) is None) is problem


def test_a_small_baseline_does_not_flag_a_drop():
    stats = {**HEALTHY, "notices/list/first_page_entries": 1}
    assert check_crawl(stats, previous(3)) == []


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        ({"downloader/response_status_count/403": 3}, "answered 403"),
        ({"downloader/response_status_count/429": 1}, "answered 429"),
        ({"notices/retry_after/gave_up": 2}, "come back later"),
        ({"robotstxt/forbidden": 1}, "robots.txt disallows 1"),
        ({"notices/detail/http_error/404": 2}, "2 detail page(s) answered an HTTP error (404 ×2)"),
        ({"notices/detail/failed": 1}, "could not be downloaded"),
        ({"notices/detail/too_large": 1}, "larger than DOWNLOAD_MAXSIZE"),
        ({"notices/detail/empty_body": 1}, "empty body"),
        ({"notices/detail/content_missing": 1}, "content selector"),
        ({"notices/parse/failed": 1}, "failed to parse"),
        ({"notices/store/failed": 1}, "could not be stored"),
        ({"notices/offsite/response": 1}, "another host"),
    ],
)
def test_each_fault_is_a_problem(stats, expected):
    problems = check_crawl({**HEALTHY, **stats}, previous(10))
    assert any(expected in p for p in problems), problems


def test_403_is_reported_once_not_also_as_an_http_error():
    stats = {**HEALTHY, "downloader/response_status_count/403": 1, "notices/detail/http_error/403": 1}
    assert len(check_crawl(stats, previous(10))) == 1


def test_an_early_finish_is_a_problem():
    assert check_crawl(HEALTHY, previous(10), reason="closespider_timeout") == [
        "the crawl ended early (closespider_timeout)"
    ]


def test_error_count():
    stats = {
        "notices/detail/http_error/404": 2,
        "notices/list/failed": 1,
        "notices/detail/too_large": 1,
        "notices/parse/failed": 1,
        "notices/detail/ignored": 5,
    }
    assert error_count(stats) == 5


@pytest.mark.parametrize(("undated", "problem"), [(0, False), (9, False), (10, True)])
def test_list_entries_without_dates(undated, problem):
    stats = {**HEALTHY, "notices/list/date_missing": undated}  # of 18 entries
    problems = check_crawl(stats, previous(10))
    assert bool(problems) is problem
    if problem:
        assert problems == ["10 of 18 list entries had no date: selectors.date may no longer match"]
