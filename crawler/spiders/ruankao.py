"""The spider for www.ruankao.org.cn (中国计算机技术职业资格网), the national 软考 office.

Markup as recorded in docs/architecture.md ("The source sites"): the list ``/index/work.html`` holds
``ul.ui-item15.newsList > li`` entries, each a ``label.time`` date wrapped in one delimiter on
each side and an ``a`` whose ``title`` is the full title; page *n* is ``/index/work/<n>.html``;
the detail body is ``#contentTxt``.
"""

from __future__ import annotations

from typing import ClassVar

from crawler.spiders.base import NoticeListSpider


class RuankaoSpider(NoticeListSpider):
    selectors: ClassVar[dict[str, str]] = {
        **NoticeListSpider.selectors,
        "item": 'ul[class*="newsList"] > li',
        "link": "a",
        "date": "label.time",
        "next_page": "work/{page}.html",
        "content": "#contentTxt",
        "title": "h1, .title",
    }
