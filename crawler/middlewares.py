"""Downloader middlewares: the host allowlist on every request, and waiting before retries.

Scrapy's OffsiteMiddleware lets ``dont_filter`` requests through (start requests and their
redirects), and its RetryMiddleware retries at once and ignores ``Retry-After``. A
government site that asks us to slow down must be obeyed, and a redirect to another host
must never be fetched, so both gaps are closed here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from crawler.sources import host_allowed

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class AllowedHostsMiddleware:
    """Refuse any request outside the spider's ``allowed_domains``, ``dont_filter`` or not.

    It sits right after Scrapy's OffsiteMiddleware, so it also sees the requests a redirect
    creates. A refused request counts as ``notices/offsite/refused``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AllowedHostsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        domains = getattr(self.crawler.spider, "allowed_domains", None) or []
        if not host_allowed(request.url, domains):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("notices/offsite/refused")
            logger.warning("Refused %s: not on the allowed domains %s", request.url, domains)
            raise IgnoreRequest(f"not on an allowed domain: {request.url}")


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP-date); None if unusable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware:
    """Wait before retries: exponential backoff, and ``Retry-After`` on 429 and 503.

    - A retried request (``retry_times`` in meta, set by Scrapy's RetryMiddleware) waits
      ``NOTICES_RETRY_BACKOFF * 2 ** (n - 1)`` seconds before it is sent.
    - A 429 or 503 with ``Retry-After`` holds back every request to that host until then,
      and the request is retried after the wait (up to ``RETRY_TIMES``).
    - A ``Retry-After`` longer than ``NOTICES_RETRY_AFTER_MAX`` ends this run's requests to
      that host: they are dropped and counted (``notices/retry_after/gave_up``), which the
      health check reports. The next scheduled run tries again.
    """

    def __init__(self, stats: StatsCollector, backoff: float, cap: float, max_retries: int) -> None:
        self.stats = stats
        self.backoff = backoff
        self.cap = cap
        self.max_retries = max_retries
        self.not_before: dict[str, float] = {}
        self.closed_hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        settings = crawler.settings
        assert crawler.stats is not None
        return cls(
            crawler.stats,
            backoff=settings.getfloat("NOTICES_RETRY_BACKOFF"),
            cap=settings.getfloat("NOTICES_RETRY_AFTER_MAX"),
            max_retries=settings.getint("RETRY_TIMES"),
        )

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = urlparse_cached(request).hostname or ""
        if host in self.closed_hosts:
            self.stats.inc_value("notices/retry_after/gave_up")
            raise IgnoreRequest(f"{host} asked us to stay away longer than this run: {request.url}")
        wait = self.not_before.get(host, 0.0) - time.monotonic()
        retries = request.meta.get("retry_times", 0)
        if retries:
            wait = max(wait, self.backoff * 2 ** (retries - 1))
        if wait > 0:
            self.stats.inc_value("notices/retry/waited_seconds", round(wait, 3))
            await asyncio.sleep(wait)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if response.status not in (429, 503):
            return response
        delay = retry_after_seconds(response.headers.get(b"Retry-After"))
        if delay is None:
            return response  # Scrapy's RetryMiddleware retries it with our backoff
        host = urlparse_cached(request).hostname or ""
        if delay > self.cap:
            self.closed_hosts.add(host)
            self.stats.inc_value("notices/retry_after/gave_up")
            logger.warning(
                "%s answered %s with Retry-After %.0f s (cap %.0f s): no more requests to it in this run",
                host,
                response.status,
                delay,
                self.cap,
            )
            raise IgnoreRequest(f"Retry-After {delay:.0f} s exceeds the cap: {request.url}")
        retries = request.meta.get("retry_after_times", 0)
        if retries >= self.max_retries:
            request.meta["dont_retry"] = True  # we already waited as asked; HttpError reports it
            return response
        self.not_before[host] = max(self.not_before.get(host, 0.0), time.monotonic() + delay)
        self.stats.inc_value("notices/retry_after/honoured")
        logger.info("%s answered %s; retrying %s after %.1f s", host, response.status, request.url, delay)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = retries + 1
        retry.meta.pop("retry_times", None)
        return retry
