"""The HTTP cache: always revalidate with the site, and never answer from the cache alone.

Scrapy's ``RFC2616Policy`` treats a page as fresh for a tenth of its age when it only has a
Last-Modified header, and serves the cached copy when the site answers 5xx; its
``HttpCacheMiddleware`` also serves the cached copy when the download fails (time-out, TLS
error). Each would hide what the site says now: an amended notice (window extended, fee
corrected) would be missed for hours, and a failing or impostor site would look healthy.
Here the validators and storage stay, but the site is asked every time, and the cached body
is used only for a 304 Not Modified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Request, Response


class RevalidatePolicy(RFC2616Policy):
    """RFC 2616 caching where every cached page is stale: a conditional GET on each visit."""

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(
        self, cachedresponse: Response, response: Response, request: Request
    ) -> bool:
        return response.status == 304


class RevalidatingCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's cache middleware without its error recovery: a failed download stays a failure."""

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        request.meta.pop("cached_response", None)
        return None
