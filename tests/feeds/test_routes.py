"""The feed routes in a tiny FastAPI app: content types, ETag/Last-Modified, 304, private tokens."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import feedparser
import httpx
import pytest
from fastapi import FastAPI
from icalendar import Calendar

from core.config import Settings
from feeds.private import feed_token
from feeds.publish import feed_specs, load_entries, render_spec
from store.subscribers import find_subscriber
from tests.factories import NOW, add_subscriber
from web.feed_routes import router

SECRET = "test-secret"
BASE = "https://feeds.example.org"


class Client:
    """Synchronous requests to an ASGI app through httpx (Starlette's TestClient is deprecated with httpx)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.request(method, path, headers=headers)

        return asyncio.run(send())

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("GET", path, headers)

    def head(self, path: str) -> httpx.Response:
        return self.request("HEAD", path)


@pytest.fixture
def client(notices) -> Client:
    app = FastAPI()
    app.include_router(router)
    app.state.sessions = notices
    app.state.config = Settings(base_url=BASE, secret=SECRET, feed_limit=50)
    app.state.clock = lambda: NOW  # as web.app.create_app sets it: private feeds ask what is open today
    return Client(app)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/feeds/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/feeds/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feeds/feed.json", "application/feed+json; charset=utf-8"),
        ("/feeds/kind/registration.xml", "application/rss+xml; charset=utf-8"),
        ("/feeds/region/national.xml", "application/rss+xml; charset=utf-8"),
        (f"/feeds/region/{quote('天津')}.xml", "application/rss+xml; charset=utf-8"),
        ("/calendar/calendar.ics", "text/calendar; charset=utf-8"),
    ],
)
def test_public_feeds_are_served_with_caching_headers(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["etag"].startswith('"') and response.headers["last-modified"].endswith(" GMT")
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["x-content-type-options"] == "nosniff"
    etag, last_modified = response.headers["etag"], response.headers["last-modified"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert (
        client.get(path, headers={"If-None-Match": '"other"', "If-Modified-Since": last_modified}).status_code
        == 200
    )
    assert client.get(path, headers={"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_served_bytes_equal_the_written_files(client, notices):
    with notices() as s:
        entries = load_entries(s)
    expected = render_spec(feed_specs(entries)["rss.xml"], entries, base_url=BASE, limit=50).body
    response = client.get("/feeds/rss.xml")
    assert response.content == expected
    assert feedparser.parse(response.content).bozo == 0
    assert client.head("/feeds/rss.xml").status_code == 200


@pytest.mark.parametrize(
    "path", ["/feeds/kind/nope.xml", "/feeds/region/北京.xml", "/feeds/region/..%2Frss.xml"]
)
def test_unknown_feeds_are_404(client, path):
    assert client.get(path).status_code == 404


def test_private_feed_and_calendar_by_token(client, notices):
    with notices.begin() as s:
        subscriber_id = add_subscriber(s, "holder@example.com", "2020下半年")
        token = feed_token(subscriber_id, find_subscriber(s, "holder@example.com").link_secret, SECRET)
    response = client.get(f"/feeds/private/{token}.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert (
        response.headers["cache-control"].startswith("private")
        and response.headers["x-robots-tag"] == "noindex"
    )
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0 and len(feed.entries) == 3  # default topics include the exam sign-up notice
    assert {link.rel: link.href for link in feed.feed.links}["self"] == f"{BASE}/feeds/private/{token}.xml"
    assert (
        client.get(
            f"/feeds/private/{token}.xml", headers={"If-None-Match": response.headers["etag"]}
        ).status_code
        == 304
    )
    calendar = client.get(f"/calendar/private/{token}.ics")
    assert calendar.status_code == 200 and calendar.headers["content-type"] == "text/calendar; charset=utf-8"
    assert len(Calendar.from_ical(calendar.content).walk("VEVENT")) == 6


def test_bad_forged_and_revoked_tokens_are_404(client, notices):
    with notices.begin() as s:
        subscriber_id = add_subscriber(s, "holder@example.com", "2020下半年")
        old_secret = find_subscriber(s, "holder@example.com").link_secret
    token = feed_token(subscriber_id, old_secret, SECRET)
    for bad in (
        "x",
        feed_token(subscriber_id, old_secret, "wrong-secret"),
        feed_token(subscriber_id + 1, old_secret, SECRET),
        feed_token(subscriber_id, "guessed", SECRET),
    ):
        assert client.get(f"/feeds/private/{bad}.xml").status_code == 404
        assert client.get(f"/calendar/private/{bad}.ics").status_code == 404
    with notices.begin() as s:
        find_subscriber(s, "holder@example.com").link_secret = "a-new-secret"
    assert client.get(f"/feeds/private/{token}.xml").status_code == 404
    renewed = feed_token(subscriber_id, "a-new-secret", SECRET)
    assert client.get(f"/feeds/private/{renewed}.xml").status_code == 200
    with notices.begin() as s:
        find_subscriber(s, "holder@example.com").status = "unsubscribed"
    assert client.get(f"/feeds/private/{renewed}.xml").status_code == 404
