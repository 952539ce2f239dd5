"""Scrapy settings for the notice crawler: politeness, safety caps, revalidation, the pipeline order.

Every value that matters is set here explicitly rather than left to Scrapy's defaults, which
are tuned for speed (8 requests per domain, no delay, 1 GiB bodies, no robots.txt). What the
operator configures reaches Scrapy through one function, ``scrapy_settings``, from the narrow
``CrawlSettings``; nothing here reads the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

from core.config import DEFAULT_CONTACT_URL, DEFAULT_SQLITE_URL, CrawlSettings

try:
    VERSION = version("ruankao-watch")
except PackageNotFoundError:  # running from a checkout
    VERSION = "dev"


def user_agent(contact_url: str) -> str:
    """The honest User-Agent: who we are and where a webmaster can reach us."""
    return f"ruankao-watch/{VERSION} (+{contact_url})"


BOT_NAME = "ruankao-watch"
SPIDER_LOADER_CLASS = "crawler.spiderloader.SourceSpiderLoader"

# Where notices go, and the operator's source overrides (a list of [[sources]] tables); both
# come from ``scrapy_settings``; a bare ``scrapy crawl ID`` from a checkout writes to the default
# SQLite file (``-s NOTICES_DATABASE_URL=...`` to change it).
NOTICES_DATABASE_URL: str | None = DEFAULT_SQLITE_URL
NOTICES_SOURCES: list[dict] = []
# A smoke check (``sources check``): one notice per source, no pagination, nothing stored.
NOTICES_CHECK = False

USER_AGENT = user_agent(DEFAULT_CONTACT_URL)
ROBOTSTXT_OBEY = True

# One request at a time per host, DOWNLOAD_DELAY apart (±50 % jitter),
# slower still when the site slows down (AutoThrottle never goes below DOWNLOAD_DELAY).
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 5.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Retries: Scrapy's RetryMiddleware decides what to retry; ours waits before each retry
# (exponential backoff) and honours Retry-After on 429/503, giving up beyond the cap.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
NOTICES_RETRY_BACKOFF = 2.0  # seconds before the first retry; doubles each time
NOTICES_RETRY_AFTER_MAX = 120.0  # a longer Retry-After ends this run's requests to that host

# Caps that fit notice pages (they also apply to decompressed bodies since Scrapy 2.11.1).
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 1024 * 1024
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_VERIFY_CERTIFICATES = True
REDIRECT_MAX_TIMES = 3
METAREFRESH_ENABLED = False  # a meta refresh is never followed; notice pages do not need one
COOKIES_ENABLED = False
URLLENGTH_LIMIT = 2000
DEPTH_LIMIT = 0  # pagination is bounded by each source's max_pages instead
CLOSESPIDER_TIMEOUT = 30 * 60
CLOSESPIDER_ERRORCOUNT = 50
MEMUSAGE_LIMIT_MB = 1024

# Revalidate every page with the site (If-None-Match / If-Modified-Since): an unchanged page
# costs a 304 and no body, and the cache never answers without asking the site.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "crawler.httpcache.RevalidatePolicy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
HTTPCACHE_DIR = "httpcache"  # relative paths live under the project data dir (.scrapy/)
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_GZIP = True

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.AllowedHostsMiddleware": 55,
    "crawler.middlewares.RetryAfterMiddleware": 560,
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "crawler.httpcache.RevalidatingCacheMiddleware": 900,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ParseNoticePipeline": 300,
    "crawler.pipelines.StoreNoticePipeline": 800,
}
# No console into the crawl: Telnet, nor Scrapy 2.19's remote control (an HTTP server that runs
# Python code sent to it, and leaves a job file in the user's profile, stale after a kill).
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "crawler.extensions.SourceHealthExtension": 500,
}

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"


def scrapy_settings(
    crawl: CrawlSettings,
    *,
    check: bool = False,
    log_level: str = "INFO",
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """The Scrapy settings of one crawl: this module, then what the operator configured.

    ``check`` is the smoke check (``sources check``): parse but never store, record no health,
    and ask the site itself rather than the cache. ``overrides`` are raw Scrapy settings for
    tests and benchmarks (shorter back-off waits on loopback), applied last.
    """
    settings = Settings()
    settings.setmodule(__name__, priority="project")
    values: dict[str, Any] = {
        "NOTICES_DATABASE_URL": crawl.database_url,
        "NOTICES_SOURCES": list(crawl.sources),
        "USER_AGENT": user_agent(crawl.contact_url),
        "LOG_LEVEL": log_level,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "NOTICES_RETRY_BACKOFF": crawl.retry_backoff,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 1.0),
        "AUTOTHROTTLE_ENABLED": crawl.download_delay > 0,
    }
    if check:
        values.update(
            NOTICES_CHECK=True,
            ITEM_PIPELINES={**ITEM_PIPELINES, "crawler.pipelines.StoreNoticePipeline": None},
            EXTENSIONS={**EXTENSIONS, "crawler.extensions.SourceHealthExtension": None},
            HTTPCACHE_ENABLED=False,
        )
    if crawl.cache_dir:
        values["HTTPCACHE_DIR"] = str(Path(crawl.cache_dir, "httpcache").resolve())
    values.update(overrides or {})
    settings.setdict(values, priority="cmdline")
    return settings
