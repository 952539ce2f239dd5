"""Politeness and safety settings, the revalidating cache policy, and the retry/allowlist middlewares."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from core.config import CrawlSettings
from crawler.httpcache import RevalidatePolicy
from crawler.middlewares import AllowedHostsMiddleware, RetryAfterMiddleware, retry_after_seconds
from crawler.settings import scrapy_settings
from crawler.spiders import NoticeListSpider

ROOT = Path(__file__).resolve().parents[2]


def settings(**crawl: object) -> Settings:
    return scrapy_settings(CrawlSettings(database_url="sqlite://", **crawl))


def test_polite_and_safe_defaults():
    s = settings()
    assert s.getbool("ROBOTSTXT_OBEY")
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert s.getfloat("DOWNLOAD_DELAY") == 2.0
    assert s.getfloat("NOTICES_RETRY_BACKOFF") == 2.0
    assert s.getbool("AUTOTHROTTLE_ENABLED")
    assert s.getint("DOWNLOAD_MAXSIZE") == 5 * 1024 * 1024
    assert s.getint("DOWNLOAD_WARNSIZE") == 1024 * 1024
    assert s.getint("DOWNLOAD_TIMEOUT") == 30
    assert s.getbool("DOWNLOAD_VERIFY_CERTIFICATES")
    assert s.getint("REDIRECT_MAX_TIMES") <= 5
    assert s.getint("CLOSESPIDER_TIMEOUT") > 0
    assert s.get("HTTPCACHE_POLICY") == "crawler.httpcache.RevalidatePolicy"
    assert s.get("USER_AGENT").startswith("ruankao-watch/")
    assert s.get("USER_AGENT").endswith("(+https://github.com/ruankao-watch/ruankao-watch)")
    consoles = ("scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl")
    assert all(s.getdict("EXTENSIONS")[name] is None for name in consoles)


def test_the_operator_config_reaches_the_settings(tmp_path):
    s = settings(contact_url="https://example.org/bot", download_delay=5, cache_dir=str(tmp_path))
    assert s.get("USER_AGENT").endswith("(+https://example.org/bot)")
    assert s.getfloat("DOWNLOAD_DELAY") == 5.0
    assert s.get("HTTPCACHE_DIR") == str(tmp_path.resolve() / "httpcache")
    assert not settings(download_delay=0).getbool("AUTOTHROTTLE_ENABLED")
    assert settings(retry_backoff=0.5).getfloat("NOTICES_RETRY_BACKOFF") == 0.5


def cached(**headers: str) -> HtmlResponse:
    return HtmlResponse("https://www.ruankao.org.cn/a.html", body=b"<html></html>", headers=headers)


def test_the_cache_always_asks_the_site_with_validators():
    policy = RevalidatePolicy(Settings())
    request = Request("https://www.ruankao.org.cn/a.html")
    old = formatdate(time.time() - 30 * 86400, usegmt=True)
    response = cached(ETag='"abc"', **{"Last-Modified": old, "Cache-Control": "max-age=86400"})
    assert not policy.is_cached_response_fresh(response, request)
    assert request.headers["If-None-Match"] == b'"abc"'
    assert request.headers["If-Modified-Since"] == old.encode()


@pytest.mark.parametrize(("status", "valid"), [(304, True), (200, False), (500, False), (503, False)])
def test_the_cached_copy_is_used_only_for_304(status, valid):
    policy = RevalidatePolicy(Settings())
    live = HtmlResponse("https://www.ruankao.org.cn/a.html", status=status)
    assert policy.is_cached_response_valid(cached(ETag='"abc"'), live, Request(live.url)) is valid


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (b"0", 0.0),
        (formatdate(1000.0 + 60, usegmt=True), 60.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_seconds(value, seconds):
    assert retry_after_seconds(value, now=1000.0) == seconds


def retry_middleware(cap: float = 10.0) -> RetryAfterMiddleware:
    crawler = get_crawler(NoticeListSpider, {"NOTICES_RETRY_AFTER_MAX": cap, "NOTICES_RETRY_BACKOFF": 0.0})
    return RetryAfterMiddleware.from_crawler(crawler)


def test_a_short_retry_after_holds_the_host_then_retries():
    mw = retry_middleware()
    request = Request("https://www.ruankao.org.cn/a.html")
    answer = HtmlResponse(request.url, status=429, headers={"Retry-After": "1"}, request=request)
    retry = mw.process_response(request, answer)
    assert isinstance(retry, Request) and retry.meta["retry_after_times"] == 1
    other = Request("https://bm.ruankao.org.cn/x")  # another host is not held back
    started = time.monotonic()
    asyncio.run(mw.process_request(other))
    assert time.monotonic() - started < 0.5
    started = time.monotonic()
    asyncio.run(mw.process_request(retry))
    assert time.monotonic() - started >= 0.9


def test_a_long_retry_after_gives_up_on_the_host():
    mw = retry_middleware(cap=10)
    request = Request("https://www.ruankao.org.cn/a.html")
    answer = HtmlResponse(request.url, status=503, headers={"Retry-After": "3600"}, request=request)
    with pytest.raises(IgnoreRequest):
        mw.process_response(request, answer)
    with pytest.raises(IgnoreRequest):
        asyncio.run(mw.process_request(Request("https://www.ruankao.org.cn/b.html")))
    assert mw.stats.get_value("notices/retry_after/gave_up") == 2


def test_the_allowlist_applies_to_dont_filter_requests():
    crawler = get_crawler(NoticeListSpider)
    crawler.spider = type("S", (), {"allowed_domains": ["ruankao.org.cn"]})()
    mw = AllowedHostsMiddleware.from_crawler(crawler)
    mw.process_request(Request("https://www.ruankao.org.cn/x"))
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request("https://ruankao.org.cn.evil.com/x", dont_filter=True))
    assert crawler.stats.get_value("notices/offsite/refused") == 1


def test_scrapy_list_from_the_repository_root():
    out = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["guangdong", "ruankao", "ruankao-signup", "shenzhen"]
