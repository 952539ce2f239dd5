"""The HTTP cache policy: always revalidate with the site, never answer from the cache alone.

Scrapy's ``RFC2616Policy`` treats a page as fresh for a tenth of its age when it only has a
Last-Modified header, and serves the cached copy when the site answers 5xx. Both would hide
what the site says now: an amended notice (window extended, fee corrected) would be missed
for hours, and a failing site would look healthy. This policy keeps the validators and the
storage of ``RFC2616Policy`` but asks the site every time, and uses the cached body only for
a 304 Not Modified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.extensions.httpcache import RFC2616Policy

if TYPE_CHECKING:
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
