"""Pure feed builders: RSS 2.0 and Atom through feedgen, JSON Feed 1.1 by hand; bytes out, no I/O.

The only module that touches feedgen, and its mutable builder never leaves a function
here (STYLE: feedgen notes). feedgen stamps "now" into every feed and entry unless told
otherwise, so every date is set from the data, and entries are added in a fixed order:
the same entries give the same bytes.

Scraped text is published as text: titles go in as plain text (lxml escapes them, so a
``<script>`` or ``]]>`` in a title stays characters), and where a format
reads its body as HTML the text is HTML-escaped first and only ``<br />`` is added (G3).
"""

from __future__ import annotations

import html
import json
from urllib.parse import quote

from feedgen.feed import FeedGenerator

from feeds.entries import FeedEntry, FeedMeta

LANGUAGE = "zh-CN"
GENERATOR = "ruankao-watch"
AUTHOR = "软考通知自动摘录（ruankao-watch）"


def text_as_html(text: str) -> str:
    """Plain text as HTML that shows exactly that text, line breaks kept."""
    return "<br />\n".join(html.escape(line) for line in text.split("\n"))


def _categories(entry: FeedEntry, meta: FeedMeta) -> list[dict]:
    root = meta.home_url.rstrip("/")
    return [
        {"term": entry.kind_label, "scheme": f"{root}/feeds/kind/{entry.kind}.xml"},
        {"term": entry.region_label, "scheme": f"{root}/feeds/region/{quote(entry.region)}.xml"},
    ]


def _generator(entries: list[FeedEntry], meta: FeedMeta, *, atom: bool) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(meta.self_url)
    fg.title(meta.title)
    fg.description(meta.description)
    fg.language(LANGUAGE)
    fg.generator(GENERATOR)
    fg.author(name=AUTHOR)  # Atom requires an author; RSS leaves it out (it wants an e-mail)
    fg.link(href=meta.self_url, rel="self")
    fg.link(href=meta.home_url, rel="alternate")  # last: feedgen takes RSS's <link> from the last one
    fg.updated(meta.updated)
    fg.lastBuildDate(meta.updated)
    for entry in entries:
        fe = fg.add_entry(order="append")
        fe.guid(entry.id, permalink=False)
        fe.title(entry.title)
        if entry.link:
            fe.link(href=entry.link, rel="alternate")
        fe.published(entry.published)
        fe.updated(entry.updated)
        fe.category(_categories(entry, meta))
        if atom:
            fe.summary(entry.summary, type="text")
            fe.content(text_as_html(entry.summary), type="html")
        else:
            fe.description(text_as_html(entry.summary))
    return fg


def render_rss(entries: list[FeedEntry], meta: FeedMeta) -> bytes:
    """An RSS 2.0 document; ``entries`` in the order they should appear (newest first)."""
    return _generator(entries, meta, atom=False).rss_str(pretty=True)


def render_atom(entries: list[FeedEntry], meta: FeedMeta) -> bytes:
    """An Atom 1.0 document (text summary, HTML-escaped content)."""
    return _generator(entries, meta, atom=True).atom_str(pretty=True)


def render_json_feed(entries: list[FeedEntry], meta: FeedMeta) -> bytes:
    """A JSON Feed 1.1 document; text goes in ``content_text``, so nothing is ever read as HTML."""
    items = []
    for entry in entries:
        item = {"id": entry.id, "title": entry.title}
        if entry.link:
            item["url"] = entry.link
        item |= {
            "content_text": entry.summary,
            "date_published": entry.published.isoformat(),
            "date_modified": entry.updated.isoformat(),
            "tags": [entry.kind_label, entry.region_label],
        }
        items.append(item)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": meta.title,
        "description": meta.description,
        "home_page_url": meta.home_url,
        "feed_url": meta.self_url,
        "language": LANGUAGE,
        "items": items,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
