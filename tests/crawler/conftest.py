"""Crawler test helpers: a copy of the fixture site per test, and a fast crawl through the real runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from core.config import CrawlSettings
from crawler.runner import crawl_in_subprocess
from testkit.site import LocalSite

PAGES = Path(__file__).resolve().parent / "pages"

# Politeness waits shortened for loopback; the values themselves are tested in test_crawl_settings.
FAST = {"NOTICES_RETRY_BACKOFF": 0.05}


@pytest.fixture
def site_dir(tmp_path) -> Path:
    """A writable copy of tests/crawler/pages/ruankao, so a test can amend a notice."""
    return Path(shutil.copytree(PAGES / "ruankao", tmp_path / "site"))


@pytest.fixture
def crawl(tmp_path) -> Callable[..., tuple[int, dict]]:
    """``crawl(database_url, site)``: one crawl of ``site`` as the ruankao source, in a subprocess
    as the CLI runs it; the HTTP cache persists across calls within the test."""

    def run(database_url: str, site: LocalSite, **settings: object) -> tuple[int, dict]:
        return crawl_in_subprocess(
            CrawlSettings(database_url=database_url, download_delay=0, cache_dir=str(tmp_path / "cache")),
            source="ruankao",
            url=site.url("index/work.html"),
            overrides={**FAST, **settings},
            timeout=60,
        )

    return run
