"""Feeds: RSS 2.0, Atom, JSON Feed and iCalendar of the stored notices, public and per subscriber.

``feeds.publish.write_feeds`` writes the public files; ``web.feed_routes`` serves the same
documents over HTTP. ``discovery_links`` is what a web page puts in its ``<head>`` so that
readers find the feeds (kept here, importing nothing heavy, for the web templates).
"""

from __future__ import annotations


def discovery_links(base_url: str) -> list[dict[str, str]]:
    """``<link rel="alternate">`` attributes (rel, type, title, href) for the public feeds."""
    root = base_url.rstrip("/")
    return [
        {
            "rel": "alternate",
            "type": "application/rss+xml",
            "title": "软考通知（RSS）",
            "href": f"{root}/feeds/rss.xml",
        },
        {
            "rel": "alternate",
            "type": "application/atom+xml",
            "title": "软考通知（Atom）",
            "href": f"{root}/feeds/atom.xml",
        },
        {
            "rel": "alternate",
            "type": "application/feed+json",
            "title": "软考通知（JSON Feed）",
            "href": f"{root}/feeds/feed.json",
        },
        {
            "rel": "alternate",
            "type": "text/calendar",
            "title": "软考通知日程（iCalendar）",
            "href": f"{root}/calendar/calendar.ics",
        },
    ]
