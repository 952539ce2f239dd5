"""The base notice spider: list pages → detail pages, incremental and confined to the source's hosts.

One class serves a family of sites; a family member differs only in its selectors, which
come from the class (the family's defaults) and then from the source (``sources.toml`` or
the operator's config). The spider only selects: decoding text, parsing and storing happen
in the pipelines, and the health verdict in ``crawler.health``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.selector import Selector, SelectorList
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from w3lib.encoding import http_content_type_encoding

from crawler.database import CrawlDatabase
from crawler.items import NoticeItem
from parsers import decode_html, extract_title

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.sources import Source

try:  # Scrapy >= 2.13 raises its own exception when DOWNLOAD_MAXSIZE cancels a download
    from scrapy.exceptions import DownloadCancelledError
except ImportError:  # pragma: no cover
    DownloadCancelledError = CancelledError  # type: ignore[misc,assignment]

logger = logging.getLogger(__name__)

ATTACHMENT = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|zip|rar|7z)$|/attachment/", re.IGNORECASE)
LIST_DATE = re.compile(r"(20\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


class NoticeListSpider(scrapy.Spider):
    """Reads a source's notice lists and revalidates every notice linked from them.

    Configure a family by the class attribute ``selectors`` (CSS; a source overrides any key):

    - ``item``: one notice entry on a list page, e.g. ``ul.newsList > li``;
    - ``link``: the notice link inside an entry; the full title is its ``title`` attribute,
      else its text (list text is often cut with ``...``);
    - ``date``: the entry's date text (``2026-02-20``, ``[2026-02-20]``, ``2026年2月20日``);
    - ``next_page``: page *n* of a list relative to its first page, with ``{page}``
      (``work/{page}.html``); followed only when the current page links to it;
    - ``content``: the body container on a detail page (falls back to ``body``, counted);
    - ``title``: the detail page's heading, used when the list gave no title;
    - ``published``: detail-page text holding the date, used when the list gave none.

    Pagination stops at the first page whose notices are all stored already, or at the
    source's ``max_pages``. Every detail page linked from a visited list page is requested,
    so the HTTP cache revalidates it and an amended notice is caught.
    """

    name = "notice_list"
    source: ClassVar[Source]
    selectors: ClassVar[dict[str, str]] = {
        "item": "ul li",
        "link": "a",
        "date": "span",
        "next_page": "",
        "content": "body",
        "title": "h1",
        "published": "",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_domains = list(self.source.allowed_domains)
        self.sel = {**self.selectors, **self.source.selectors}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.list_urls:
            yield self._list_request(url, url, 1)

    def _list_request(self, url: str, first_url: str, page: int) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_list,
            errback=self.on_error,
            cb_kwargs={"first_url": first_url, "page": page},
            meta={"notices_kind": "list"},
        )

    def parse_list(self, response: Response, first_url: str, page: int) -> Iterator[scrapy.Request]:
        if not self._on_site(response, "list"):
            return
        page_selector = Selector(text=self._decode(response))
        entries = []
        for entry in page_selector.css(self.sel["item"]):
            link = entry.css(self.sel["link"])[:1]
            url = self._follow(response, link.attrib.get("href") if link else None)
            if url is None:
                continue
            entries.append((url, self._parse_title(link), self._parse_list_date(entry)))
        self._inc("notices/list/entries", len(entries))
        if self.sel.get("date"):
            self._inc("notices/list/date_missing", sum(1 for e in entries if e[2] is None))
        if page == 1:
            self._inc("notices/list/first_page_entries", len(entries))
        # Decide on the next page before any detail is requested, so that this run's own
        # stored notices never count as "known". A smoke check reads one notice and no more.
        if self.settings.getbool("NOTICES_CHECK"):
            next_request, entries = None, entries[:1]
        else:
            next_request = self._next_page(response, page_selector, first_url, page, [e[0] for e in entries])
        for url, title, published in entries:
            yield scrapy.Request(
                url,
                callback=self.parse_detail,
                errback=self.on_error,
                cb_kwargs={"title": title, "published": published},
                meta={"notices_kind": "detail"},
            )
        if next_request is not None:
            yield next_request

    def _next_page(
        self, response: Response, page_selector: Selector, first_url: str, page: int, urls: list[str]
    ) -> scrapy.Request | None:
        template = self.sel.get("next_page")
        if not urls or not template:
            return None
        if len(CrawlDatabase.of(self.crawler).known(urls)) == len(set(urls)):
            self._inc("notices/list/stopped_at_known")
            return None
        if page >= self.source.max_pages:
            self._inc("notices/list/stopped_at_max_pages")
            return None
        next_url = urljoin(first_url, template.format(page=page + 1))
        linked = {urldefrag(response.urljoin(h))[0] for h in page_selector.css("a::attr(href)").getall()}
        if next_url not in linked:
            return None
        return self._list_request(next_url, first_url, page + 1)

    def parse_detail(
        self, response: Response, title: str | None, published: date | None
    ) -> Iterator[NoticeItem]:
        if not self._on_site(response, "detail"):
            return
        html = self._decode(response)
        page_selector = Selector(text=html)
        content = page_selector.css(self.sel["content"])[:1]
        if not content:
            self._inc("notices/detail/content_missing")
            logger.warning("Selector content=%r matched nothing on %s", self.sel["content"], response.url)
            content = page_selector.css("body")[:1]
        title = title or self._parse_detail_title(page_selector, html)
        if not title:
            self._inc("notices/detail/title_missing")
        yield NoticeItem(
            source_id=self.source.id,
            region=self.source.region,
            url=response.meta.get("redirect_urls", [response.url])[0],  # the URL the list gave
            title=title or "",
            published=published or self._parse_detail_date(page_selector),
            html=content.get() or html,
            fetched_at=datetime.now(UTC),
            attachments=self._parse_attachments(response, page_selector),
        )

    def on_error(self, failure: Failure) -> None:
        """Count why a page was not read; the health check turns the counts into problems."""
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("notices_kind", "detail")
        if failure.check(HttpError):
            status = failure.value.response.status
            self._inc(f"notices/{kind}/http_error/{status}")
            logger.warning("%s page %s answered HTTP %s", kind, request.url, status)
        elif failure.check(DownloadCancelledError, CancelledError) or (
            failure.check(IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(failure.value)  # a decompression bomb
        ):
            self._inc(f"notices/{kind}/too_large")
            logger.warning("%s page %s was larger than DOWNLOAD_MAXSIZE and was not read", kind, request.url)
        elif failure.check(IgnoreRequest):
            self._inc(f"notices/{kind}/ignored")
        else:
            self._inc(f"notices/{kind}/failed")
            logger.warning("%s page %s failed: %s", kind, request.url, failure.getErrorMessage())

    # -- selecting helpers --------------------------------------------------------------

    def _on_site(self, response: Response, kind: str) -> bool:
        """Check the host of the page actually read: offsite filtering is bypassed by dont_filter."""
        if self.source.allows(response.url):
            self._inc(
                f"notices/{kind}/not_modified" if "cached" in response.flags else f"notices/{kind}/downloaded"
            )
            if len(response.body) > self.settings.getint("DOWNLOAD_WARNSIZE"):
                self._inc(f"notices/{kind}/large_body")
            return True
        self._inc("notices/offsite/response")
        logger.warning("Ignored %s: not on the allowed domains %s", response.url, self.allowed_domains)
        return False

    @staticmethod
    def _decode(response: Response) -> str:
        declared = http_content_type_encoding(response.headers.get(b"Content-Type", b"").decode("latin-1"))
        return decode_html(response.body, declared)

    def _follow(self, response: Response, href: str | None) -> str | None:
        """The absolute URL of a link worth following, or None (and a count saying why)."""
        href = (href or "").strip()
        if not href:
            return None
        scheme = urlsplit(href).scheme.lower()
        if scheme not in ("", "http", "https"):
            self._inc(f"notices/links/skipped_scheme/{scheme}")
            return None
        url = urldefrag(response.urljoin(href))[0]
        if not self.source.allows(url):
            self._inc("notices/links/offsite")
            return None
        return url

    @staticmethod
    def _parse_title(link: Selector) -> str:
        full = (link.attrib.get("title") or "").strip()
        return full or _text(link)

    def _parse_list_date(self, entry: Selector) -> date | None:
        if not self.sel.get("date"):
            return None
        return _first_date(_text(entry.css(self.sel["date"])[:1]))

    def _parse_detail_title(self, page_selector: Selector, html: str) -> str | None:
        return _text(page_selector.css(self.sel["title"])[:1]) or extract_title(html)

    def _parse_detail_date(self, page_selector: Selector) -> date | None:
        if not self.sel.get("published"):
            return None
        return _first_date(_text(page_selector.css(self.sel["published"])[:1]))

    def _parse_attachments(self, response: Response, page_selector: Selector) -> list[dict[str, str]]:
        attachments: list[dict[str, str]] = []
        seen: set[str] = set()
        for link in page_selector.css("a[href]"):
            href = link.attrib["href"].strip()
            if not ATTACHMENT.search(urlsplit(href).path):
                continue
            url = self._follow(response, href)
            if url is None or url in seen:
                continue
            seen.add(url)
            name = _text(link) or url.rsplit("/", 1)[-1]
            attachments.append({"name": name, "url": url})
        self._inc("notices/detail/attachments", len(attachments))
        return attachments

    def _inc(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, count)


def _text(nodes: Selector | SelectorList) -> str:
    """The text of the nodes with runs of whitespace folded (a title split by <br>, a cut link)."""
    return " ".join("".join(nodes.xpath(".//text()").getall()).split())


def _first_date(text: str) -> date | None:
    match = LIST_DATE.search(unicodedata.normalize("NFKC", text))
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
