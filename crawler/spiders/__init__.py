"""The spider classes a source can name (``spider = "…"`` in sources.toml), by class name."""

from __future__ import annotations

from crawler.spiders.base import SELECTOR_KEYS, NoticeListSpider
from crawler.spiders.govcms import GovCmsSpider
from crawler.spiders.ruankao import RuankaoSpider

SPIDERS: dict[str, type[NoticeListSpider]] = {
    cls.__name__: cls for cls in (NoticeListSpider, RuankaoSpider, GovCmsSpider)
}

__all__ = ["SELECTOR_KEYS", "SPIDERS", "GovCmsSpider", "NoticeListSpider", "RuankaoSpider"]
