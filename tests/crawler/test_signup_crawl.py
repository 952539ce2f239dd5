"""ruankao-signup through the real runner against a loopback copy of the table: stored rows and re-crawl cost."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.config import CrawlSettings
from crawler.runner import crawl_in_subprocess
from store.db import make_engine, make_sessionmaker
from store.diff import version_diff
from store.notices import list_notices
from testkit.site import serve
from tests.conftest import BACKENDS, migrated_database
from tests.crawler.conftest import FAST
from tests.crawler.pagetools import PAGES

PAGE = "sign/welcome.html"


@pytest.fixture
def table_dir(tmp_path) -> Path:
    return Path(shutil.copytree(PAGES / "ruankao-signup", tmp_path / "table"))


def crawl(database_url: str, url: str, cache: Path) -> tuple[int, dict]:
    return crawl_in_subprocess(
        CrawlSettings(database_url=database_url, download_delay=0, cache_dir=str(cache)),
        source="ruankao-signup",
        url=url,
        overrides=FAST,
        timeout=60,
    )


def notices(database_url: str) -> dict:
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            return {n.title: (n, version_diff(n)) for n in list_notices(session, source_id="ruankao-signup")}
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def first_crawl(request, tmp_path_factory) -> tuple[int, dict, list[str]]:
    """One crawl of the table into a new database: its exit code, its report and the paths it asked
    for, shared by the tests that only read them (each crawl is a Scrapy process)."""
    home = tmp_path_factory.mktemp("first-crawl")
    with migrated_database(request, home) as database_url, serve(PAGES / "ruankao-signup") as site:
        code, report = crawl(database_url, site.url(PAGE), home / "cache")
        return code, report, [r.path for r in site.requests]


def test_one_crawl_stores_every_row(first_crawl):
    code, report, _ = first_crawl
    assert code == 0, report
    assert report["sources"]["ruankao-signup"]["new"] == 37


def test_the_table_is_read_in_one_request(first_crawl):
    _, _, paths = first_crawl
    assert paths.count("/" + PAGE) == 1


def test_an_unchanged_recrawl_costs_one_conditional_get(database_url, table_dir, tmp_path):
    with serve(table_dir) as site:
        crawl(database_url, site.url(PAGE), tmp_path / "cache")
        first = len(site.requests)
        code, report = crawl(database_url, site.url(PAGE), tmp_path / "cache")
        again = site.requests[first:]
    assert code == 0, report
    [table] = [r for r in again if r.path == "/" + PAGE]
    assert (table.conditional, table.status) == (True, 304)
    assert [r.path for r in again if r.path != "/robots.txt"] == ["/" + PAGE]
    assert report["sources"]["ruankao-signup"]["unchanged"] == 37


def crawl_amend_crawl(
    database_url: str, table_dir: Path, cache: Path, old: str, new: str
) -> tuple[int, dict]:
    """Crawl the table, replace the first ``old`` in it by ``new``, crawl again; the second crawl's result."""
    page = table_dir / PAGE
    with serve(table_dir) as site:
        crawl(database_url, site.url(PAGE), cache)
        page.write_text(page.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        return crawl(database_url, site.url(PAGE), cache)


def test_a_moved_deadline_is_a_new_version_worded_as_a_change(database_url, table_dir, tmp_path):
    code, report = crawl_amend_crawl(
        database_url,
        table_dir,
        tmp_path / "cache",
        "2026-03-10 09:00 ~ 2026-03-20 17:00</div>",
        "2026-03-10 09:00 ~ 2026-03-27 17:00</div>",
    )
    assert (code, report["changed"]) == (0, 1), report
    _, diff = notices(database_url)["2026年上半年软考报名与缴费时间（天津）"]
    assert "报名截止：2026年3月20日 17:00 → 2026年3月27日 17:00" in diff.splitlines()


def test_a_window_filled_in_later_is_a_change(database_url, table_dir, tmp_path):
    code, report = crawl_amend_crawl(
        database_url,
        table_dir,
        tmp_path / "cache",
        '<div class="layui-col-md4 col2 timeW">未定</div>',
        '<div class="layui-col-md4 col2 timeW">2026-03-20 09:00 ~ 2026-03-29 17:00</div>',
    )
    assert (code, report["changed"]) == (0, 1), report
    _, diff = notices(database_url)["2026年上半年软考报名与缴费时间（青海）"]
    assert "新增报名：2026年3月20日 09:00 至 2026年3月29日 17:00" in diff.splitlines()
