"""The spider for the gov.cn CMS family of provincial and municipal personnel-exam offices.

Guangdong (rsks.gd.gov.cn) and Shenzhen (hrss.sz.gov.cn/szksy) share it, per docs/architecture.md ("The source sites"):
details at ``…/content/post_<id>.html``, the date in ``div.property`` ("发布时间：…") or an
"信息提供日期" line, the body in ``div.conTxt #fontzoom``. Their list markup is not recorded,
so the list selectors cover the usual class names of this CMS and each source can override
them; pages 2.. follow the CMS's ``index_<n>.html`` pattern, followed only when linked.
"""

from __future__ import annotations

from typing import ClassVar

from crawler.spiders.base import NoticeListSpider


class GovCmsSpider(NoticeListSpider):
    selectors: ClassVar[dict[str, str]] = {
        **NoticeListSpider.selectors,
        "item": ".list li, .news_list li, .list_ul li, .infoList li",
        "link": "a",
        "date": "span",
        "next_page": "index_{page}.html",
        "content": "div.conTxt #fontzoom, #fontzoom, div.conTxt, .TRS_Editor, .article-content",
        "title": "h1, .article-title, .title",
        "published": "div.property, .properties, .info",
    }
