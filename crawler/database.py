"""The crawl's connection to the store: known URLs, recorded fetches and each source's health.

One instance per crawler (``CrawlDatabase.of``), shared by the spider (which asks which
notices are known, to stop paginating), the store pipeline and the health extension. All SQL
stays in ``store/``; this only opens sessions and owns the transactions.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from scrapy import signals

from store.db import make_engine, make_sessionmaker, upgrade
from store.models import SourceState
from store.notices import FetchedNotice, known_urls, record_fetch

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_UPGRADED: set[str] = set()


class CrawlDatabase:
    """Sessions on ``NOTICES_DATABASE_URL``; the schema is brought up to date once per process."""

    def __init__(self, url: str) -> None:
        if url not in _UPGRADED:
            upgrade(url)  # safe to repeat; lets `scrapy crawl` run on a fresh checkout
            _UPGRADED.add(url)
        self.engine = make_engine(url)
        self.sessions = make_sessionmaker(self.engine)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlDatabase:
        """The crawler's instance, created on first use and disposed when the engine stops."""
        db = getattr(crawler, "_notices_database", None)
        if db is None:
            db = cls(crawler.settings["NOTICES_DATABASE_URL"])
            crawler._notices_database = db  # type: ignore[attr-defined]
            crawler.signals.connect(db.close, signal=signals.engine_stopped)
        return db

    def known(self, urls: list[str]) -> set[str]:
        with self.sessions() as session:
            return known_urls(session, urls)

    def record(self, fetched: FetchedNotice) -> str:
        """``new``, ``changed`` or ``unchanged``, committed at once (a crash loses at most one page)."""
        with self.sessions.begin() as session:
            return record_fetch(session, fetched)

    def source_state(self, source_id: str) -> SourceState | None:
        with self.sessions() as session:
            return session.get(SourceState, source_id)

    def save_health(self, source_id: str, problems: list[str], item_count: int | None, now: datetime) -> None:
        """Record a crawl's verdict; the lead's alert layer mails the operator once per failure.

        ``failing_since`` keeps the start of a failure streak; a healthy crawl clears it and
        ``admin_alerted_at``, so the next failure alerts again. ``item_count`` (None when the
        count cannot be trusted, e.g. an empty list) becomes the baseline of the next check.
        """
        with self.sessions.begin() as session:
            state = session.get(SourceState, source_id)
            if state is None:
                state = SourceState(source_id=source_id, healthy=True, problems=[])
                session.add(state)
            state.last_crawl_at = now
            if item_count is not None:
                state.last_item_count = item_count
            if problems:
                if state.healthy or state.failing_since is None:
                    state.failing_since = now
                state.healthy = False
                state.problems = problems
            else:
                state.healthy = True
                state.problems = []
                state.failing_since = None
                state.admin_alerted_at = None
                state.last_success_at = now

    def close(self) -> None:
        self.engine.dispose()
