"""Scraped text made safe for every output: XML-forbidden, bidi and zero-width characters, links.

Not the parsers' ``clean_text``: this runs again at the output on whatever the store
holds (older parser versions, hand-edited rows), with the stricter set an XML feed and a
reader's display need.

Every string that reaches a feed or calendar passes through here first, because lxml
refuses C0 controls outright (RELIABILITY G1) and bidi overrides can reorder what a reader
shows (H5). Links are kept only when they are plain http(s) URLs on the notice's own host
(G4, H4): a feed must never carry a link the official page did not.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# C0 controls except tab/newline/CR, DEL and C1 controls, surrogates, U+FFFE/U+FFFF (XML
# forbids or discourages them), bidi embeddings/overrides/isolates and marks, zero-width
# characters and the BOM.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"[ \t\r\u00a0\u3000]+")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def safe_text(value: str | None) -> str:
    """Text with unsafe characters removed, spaces folded, line breaks kept and blank lines dropped."""
    if not value:
        return ""
    lines = (_SPACES.sub(" ", line).strip() for line in _UNSAFE.sub("", value).split("\n"))
    return "\n".join(line for line in lines if line)


def safe_line(value: str | None, *, limit: int = 300) -> str:
    """One line of text (a title, an evidence sentence), capped at ``limit`` characters."""
    text = safe_text(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def official_link(url: str | None, *, host: str | None = None) -> str | None:
    """``url`` if it is an http(s) URL on an ASCII host (on ``host`` when given); None otherwise.

    No user info, no look-alike Unicode host, no ``javascript:`` or ``data:``: anything a
    phishing mail would use is dropped rather than repaired.
    """
    if not url or _UNSAFE.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    hostname = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or parts.username or parts.password or port == 0:
        return None
    if not _HOST.match(hostname) or any(label.startswith("xn--") for label in hostname.split(".")):
        return None
    if host is not None and hostname != host.lower():
        return None
    return url


def link_host(url: str | None) -> str | None:
    """The host of an official link (the notice's source host), or None."""
    link = official_link(url)
    return urlsplit(link).hostname if link else None
