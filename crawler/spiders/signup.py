"""The spider for the national sign-up table (bm.ruankao.org.cn/sign/welcome): one page, one item per row.

Markup as recorded in docs/architecture.md ("The source sites") (a parser headed "2026-10 实测"): the current session is
the ``option[selected]`` of the page's ``<select>``; each examining institution is a
``div.selectorg`` row holding ``.col1`` (the institution) and two ``.col2.timeW`` cells
(报名, then 缴费). There are no detail pages: the table itself is the notice list and every
notice's body, so an unchanged table costs one conditional GET and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from scrapy.selector import Selector

from crawler.items import SignupRowItem
from crawler.spiders.base import NoticeListSpider, _text

if TYPE_CHECKING:
    from scrapy.http import Response


class SignupTableSpider(NoticeListSpider):
    """Selects the session and each institution's cells; ``parsers.signup`` reads them."""

    selectors: ClassVar[dict[str, str]] = {
        "item": "div.selectorg",
        "institution": ".col1",
        "windows": ".col2.timeW",
        "session": "select option[selected]",
    }

    def parse_list(self, response: Response, first_url: str, page: int) -> Iterator[SignupRowItem]:
        if not self._on_site(response, "list"):
            return
        page_selector = Selector(text=self._decode(response))
        session = _text(page_selector.css(self.sel["session"])[:1]) or None
        if session is None:
            self._inc("notices/list/session_missing")
        rows = page_selector.css(self.sel["item"])
        self._inc("notices/list/entries", len(rows))
        self._inc("notices/list/first_page_entries", len(rows))
        fetched_at = datetime.now(UTC)
        for row in rows:
            yield SignupRowItem(
                source_id=self.source.id,
                page_url=first_url,
                session=session,
                institution=_text(row.css(self.sel["institution"])[:1]),
                cells=tuple(_text(cell) for cell in row.css(self.sel["windows"])),
                fetched_at=fetched_at,
            )
