"""The spider loader: every enabled source is a spider named by its id.

``scrapy list`` lists the source ids and ``scrapy crawl ruankao`` crawls that source, with
the operator's overrides from the ``NOTICES_SOURCES`` setting (a list, or its JSON text
when given with ``-s``). Each source gets a subclass of its spider class with the source
bound, so one class serves every member of a site family.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from crawler.sources import Source, load_sources
from crawler.spiders import SPIDERS, NoticeListSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.settings import BaseSettings


def spider_for(source: Source) -> type[NoticeListSpider]:
    """A spider class for ``source``: its spider class with ``name`` and ``source`` set."""
    base = SPIDERS[source.spider]
    class_name = "".join(part.capitalize() for part in re.split(r"[_-]", source.id)) + "SourceSpider"
    return type(class_name, (base,), {"name": source.id, "source": source, "__module__": base.__module__})


class SourceSpiderLoader:
    """Scrapy's spider loader protocol over the configured sources."""

    def __init__(self, settings: BaseSettings) -> None:
        overrides = settings.get("NOTICES_SOURCES") or []
        if isinstance(overrides, str):
            overrides = json.loads(overrides)
        self.sources = {source.id: source for source in load_sources(overrides)}

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SourceSpiderLoader:
        return cls(settings)

    def list(self) -> list[str]:
        return sorted(source_id for source_id, source in self.sources.items() if source.enabled)

    def load(self, spider_name: str) -> type[NoticeListSpider]:
        source = self.sources.get(spider_name)
        if source is None:
            raise KeyError(f"Spider not found: {spider_name} (sources: {', '.join(self.list())})")
        if not source.enabled:
            raise KeyError(f"Source {spider_name} is disabled (enabled = false)")
        return spider_for(source)

    def find_by_request(self, request: Request) -> list[str]:
        return [source_id for source_id in self.list() if self.sources[source_id].allows(request.url)]
