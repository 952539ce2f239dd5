"""Which feeds exist and what each holds; writing them to a folder atomically.

The same table of feeds serves ``ruankao-watch feeds --out DIR`` and the web routes, so
a file on disk and the URL that serves it always have the same bytes. Paths are relative
to the feed root: ``rss.xml`` is served as ``/feeds/rss.xml``, and ``calendar.ics`` as
``/calendar/calendar.ics``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.orm import Session

from core.places import region_label
from core.vocab import NoticeKind
from feeds.calendar import render_ics
from feeds.entries import FeedEntry, FeedMeta, entries_from_notices, latest_update
from feeds.render import render_atom, render_json_feed, render_rss
from feeds.text import safe_line
from store.feed_queries import notices_for_subscriber
from store.models import Subscriber
from store.notices import list_notices

SITE_TITLE = "软考通知"
DESCRIPTION = "软考官方通知的办理时间、适用证书与费用，自动摘录，以官方原文为准"
CALENDAR_PATH = "calendar.ics"
# A region becomes part of a file name and a URL path: Chinese names, letters, digits only.
_SAFE_NAME = re.compile(r"^[0-9A-Za-z_\u4e00-\u9fff-]{1,32}$")

Renderer = Callable[[list[FeedEntry], FeedMeta], bytes]


@dataclass(frozen=True)
class FeedSpec:
    """One public feed: its path, title, format and which entries it keeps."""

    path: str
    title: str
    render: Renderer
    keep: Callable[[FeedEntry], bool]

    def url(self, base_url: str) -> str:
        folder = "calendar" if self.path == CALENDAR_PATH else "feeds"
        return f"{base_url.rstrip('/')}/{folder}/{quote(self.path)}"


def private_url(base_url: str, token: str, *, calendar: bool) -> str:
    """Where a subscriber's private feed (or calendar) is served; the manage page shows it."""
    root = base_url.rstrip("/")
    return f"{root}/calendar/private/{token}.ics" if calendar else f"{root}/feeds/private/{token}.xml"


def _everything(_entry: FeedEntry) -> bool:
    return True


def _of_kind(kind: str) -> Callable[[FeedEntry], bool]:
    return lambda entry: entry.kind == kind


def _of_region(region: str) -> Callable[[FeedEntry], bool]:
    return lambda entry: entry.region == region


def feed_specs(entries: list[FeedEntry]) -> dict[str, FeedSpec]:
    """Every public feed by path: the three whole-site feeds, one RSS per kind and per region, the calendar.

    Regions are those the data has, plus ``national``, which always exists.
    """
    specs = [
        FeedSpec("rss.xml", SITE_TITLE, render_rss, _everything),
        FeedSpec("atom.xml", SITE_TITLE, render_atom, _everything),
        FeedSpec("feed.json", SITE_TITLE, render_json_feed, _everything),
        FeedSpec(CALENDAR_PATH, f"{SITE_TITLE}日程", render_ics, _everything),
    ]
    specs += [
        FeedSpec(f"kind/{kind}.xml", f"{SITE_TITLE} · {kind.label}", render_rss, _of_kind(kind))
        for kind in NoticeKind
    ]
    regions = sorted({"national", *(e.region for e in entries if _SAFE_NAME.match(e.region))})
    specs += [
        FeedSpec(f"region/{r}.xml", f"{SITE_TITLE} · {region_label(r)}", render_rss, _of_region(r))
        for r in regions
    ]
    return {spec.path: spec for spec in specs}


@dataclass(frozen=True)
class Document:
    """A rendered feed and the time of its newest entry (HTTP's Last-Modified)."""

    body: bytes
    updated: datetime


def render_spec(spec: FeedSpec, entries: list[FeedEntry], *, base_url: str, limit: int) -> Document:
    """One feed: its entries (newest first, at most ``limit``), dated by the newest."""
    kept = [e for e in entries if spec.keep(e)][:limit]
    meta = FeedMeta(
        spec.title, DESCRIPTION, spec.url(base_url), base_url.rstrip("/") + "/", latest_update(kept)
    )
    return Document(spec.render(kept, meta), meta.updated)


def load_entries(session: Session) -> list[FeedEntry]:
    """Entries of every stored notice, newest first."""
    return entries_from_notices(list_notices(session))


def render_private(
    session: Session,
    subscriber: Subscriber,
    *,
    calendar: bool,
    self_url: str,
    base_url: str,
    limit: int,
    today: date,
) -> Document:
    """A subscriber's private RSS feed or calendar (reminders ``reminder_days`` before each deadline).

    Its description names the subscriber's regions, never their address: a feed URL gets shared.
    """
    entries = entries_from_notices(notices_for_subscriber(session, subscriber, today=today, limit=limit))
    region = safe_line("、".join(subscriber.region_names), limit=64) or "全国"
    meta = FeedMeta(
        title=f"我的{SITE_TITLE}{'日程' if calendar else ''}",
        description=f"与您的证书和地区（{region}）相关的{SITE_TITLE}",
        self_url=self_url,
        home_url=base_url.rstrip("/") + "/",
        updated=latest_update(entries),
    )
    if calendar:
        return Document(render_ics(entries, meta, alarm_days=subscriber.reminder_days), meta.updated)
    return Document(render_rss(entries, meta), meta.updated)


def write_atomically(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` in one step (temp file, fsync, os.replace); False if already equal.

    A reader or a static web server never sees half a file, and an unchanged feed keeps
    its modification time, so re-running with no new data changes nothing.
    """
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_feeds(session: Session, out_dir: Path, *, base_url: str, limit: int = 50) -> list[Path]:
    """Write every public feed under ``out_dir``; returns the paths of all of them, written or unchanged."""
    entries = load_entries(session)
    paths = []
    for relpath, spec in feed_specs(entries).items():
        path = Path(out_dir) / relpath
        write_atomically(path, render_spec(spec, entries, base_url=base_url, limit=limit).body)
        paths.append(path)
    return paths
