"""Scraped text made safe for every output: XML-forbidden, bidi and zero-width characters, links.

Not the parsers' ``clean_text``: this runs again at the output on whatever the store
holds (older parser versions, hand-edited rows), with the stricter set of ``core.text``
that every output (terminal, mail, feed) shares.

Every string that reaches a feed or calendar passes through here first, because lxml
refuses C0 controls outright and bidi overrides can reorder what a reader
shows (H5). Links are kept only when they are plain http(s) URLs on the notice's own host
(G4, H4): a feed must never carry a link the official page did not.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from core.text import UNSAFE as _UNSAFE
from core.text import safe_line, safe_text

__all__ = ["link_host", "official_link", "safe_line", "safe_text"]

_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


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
