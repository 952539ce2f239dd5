"""The spider classes a source can name (``spider = "…"`` in sources.toml), by class name."""

from __future__ import annotations

from crawler.spiders.base import NoticeListSpider
from crawler.spiders.govcms import GovCmsSpider
from crawler.spiders.ruankao import RuankaoSpider
from crawler.spiders.signup import SignupTableSpider

SPIDERS: dict[str, type[NoticeListSpider]] = {
    cls.__name__: cls for cls in (NoticeListSpider, RuankaoSpider, GovCmsSpider, SignupTableSpider)
}

__all__ = ["SPIDERS", "GovCmsSpider", "NoticeListSpider", "RuankaoSpider", "SignupTableSpider"]
