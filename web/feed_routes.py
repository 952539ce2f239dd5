"""HTTP for the feeds: the public feeds and calendar, and each subscriber's private ones, with caching.

Every response carries a strong ETag (a hash of the bytes) and Last-Modified (the newest
entry's update), and a conditional request that matches gets 304 with no body, so feed
readers polling every few minutes cost one query and no transfer. The bytes are the ones
``ruankao-watch feeds --out`` writes, from the same table of feeds.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from core.config import WebSettings
from feeds.private import read_feed_token
from feeds.publish import (
    CALENDAR_PATH,
    Document,
    feed_specs,
    load_entries,
    private_url,
    render_private,
    render_spec,
)
from store.feed_queries import feed_subscriber
from store.models import Subscriber
from web.deps import AppConfig, Sessions
from web.subscriptions import local_today

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
JSON_FEED = "application/feed+json; charset=utf-8"
ICS = "text/calendar; charset=utf-8"
CONTENT_TYPES = {"rss.xml": RSS, "atom.xml": ATOM, "feed.json": JSON_FEED, CALENDAR_PATH: ICS}
PUBLIC_CACHE = "public, max-age=300"
# A private feed is one person's: no shared cache keeps it, no search engine lists its URL.
PRIVATE_HEADERS = {
    "Cache-Control": "private, max-age=300",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(tags=["feeds"])


def _not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= moment


def _respond(request: Request, document: Document, content_type: str, headers: dict[str, str]) -> Response:
    etag = '"' + hashlib.sha256(document.body).hexdigest()[:32] + '"'
    headers = {
        **headers,
        "X-Content-Type-Options": "nosniff",
        "ETag": etag,
        "Last-Modified": format_datetime(document.updated.astimezone(UTC), usegmt=True),
    }
    if _not_modified(request, etag, document.updated):
        return Response(status_code=304, headers=headers)
    return Response(document.body, media_type=content_type, headers=headers)


def _public(request: Request, sessions: sessionmaker[Session], config: WebSettings, path: str) -> Response:
    with sessions() as session:
        entries = load_entries(session)
    spec = feed_specs(entries).get(path)
    if spec is None:
        raise HTTPException(status_code=404, detail="没有这个订阅源")
    document = render_spec(spec, entries, base_url=config.base_url, limit=config.feeds.feed_limit)
    return _respond(request, document, CONTENT_TYPES.get(path, RSS), {"Cache-Control": PUBLIC_CACHE})


@router.get("/feeds/rss.xml")
@router.head("/feeds/rss.xml", include_in_schema=False)
def rss(request: Request, sessions: Sessions, config: AppConfig) -> Response:
    return _public(request, sessions, config, "rss.xml")


@router.get("/feeds/atom.xml")
@router.head("/feeds/atom.xml", include_in_schema=False)
def atom(request: Request, sessions: Sessions, config: AppConfig) -> Response:
    return _public(request, sessions, config, "atom.xml")


@router.get("/feeds/feed.json")
@router.head("/feeds/feed.json", include_in_schema=False)
def json_feed(request: Request, sessions: Sessions, config: AppConfig) -> Response:
    return _public(request, sessions, config, "feed.json")


@router.get("/feeds/kind/{kind}.xml")
@router.head("/feeds/kind/{kind}.xml", include_in_schema=False)
def kind_feed(kind: str, request: Request, sessions: Sessions, config: AppConfig) -> Response:
    return _public(request, sessions, config, f"kind/{kind}.xml")


@router.get("/feeds/region/{region}.xml")
@router.head("/feeds/region/{region}.xml", include_in_schema=False)
def region_feed(region: str, request: Request, sessions: Sessions, config: AppConfig) -> Response:
    return _public(request, sessions, config, f"region/{region}.xml")


@router.get("/calendar/calendar.ics")
@router.head("/calendar/calendar.ics", include_in_schema=False)
def calendar(request: Request, sessions: Sessions, config: AppConfig) -> Response:
    return _public(request, sessions, config, CALENDAR_PATH)


def _private(
    request: Request, sessions: sessionmaker[Session], config: WebSettings, token: str, *, calendar: bool
) -> Response:
    with sessions() as session:
        found: dict[int, Subscriber | None] = {}

        def link_secret_of(subscriber_id: int) -> str | None:
            found[subscriber_id] = feed_subscriber(session, subscriber_id)
            return found[subscriber_id].link_secret if found[subscriber_id] else None

        subscriber_id = read_feed_token(token, config.secret, link_secret_of)
        subscriber = found.get(subscriber_id) if subscriber_id else None
        if subscriber is None:
            raise HTTPException(status_code=404, detail="订阅链接无效或已失效", headers=PRIVATE_HEADERS)
        document = render_private(
            session,
            subscriber,
            calendar=calendar,
            self_url=private_url(config.base_url, token, calendar=calendar),
            base_url=config.base_url,
            limit=config.feeds.feed_limit,
            today=local_today(request.app.state.clock()),
        )
    return _respond(request, document, ICS if calendar else RSS, PRIVATE_HEADERS)


@router.get("/feeds/private/{token}.xml")
@router.head("/feeds/private/{token}.xml", include_in_schema=False)
def private_feed(token: str, request: Request, sessions: Sessions, config: AppConfig) -> Response:
    return _private(request, sessions, config, token, calendar=False)


@router.get("/calendar/private/{token}.ics")
@router.head("/calendar/private/{token}.ics", include_in_schema=False)
def private_calendar(token: str, request: Request, sessions: Sessions, config: AppConfig) -> Response:
    return _private(request, sessions, config, token, calendar=True)
