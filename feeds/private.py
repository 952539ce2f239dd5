"""Tokens of the private feed URLs: ``<subscriber id>.<HMAC>``, bound to the purpose "feed".

A private feed URL is handed out once and pasted into a feed reader or calendar app, so
it never expires. The HMAC (SHA-256, keyed by a key derived from the configured secret
for this purpose only) covers the id and the subscriber's random ``link_secret``, which
is stored on the subscriber and never appears in the URL: a deleted subscriber's feed
URL is dead for good even if their id came back, and a new link secret revokes it. The
purpose-bound key means a feed token can never be accepted where a confirm or
unsubscribe token is expected, nor the other way round.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable

PURPOSE = b"ruankao-watch feed token v2"
_TOKEN = re.compile(r"^([1-9][0-9]{0,17})\.([A-Za-z0-9_-]{43})$")


def _mac(subscriber_id: int, link_secret: str, secret: str) -> str:
    if not secret:
        raise ValueError("secret: RUANKAO_WATCH_SECRET must be set to sign private feed links")
    key = hmac.new(secret.encode("utf-8"), PURPOSE, hashlib.sha256).digest()
    digest = hmac.new(key, f"{subscriber_id}:{link_secret}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def feed_token(subscriber_id: int, link_secret: str, secret: str) -> str:
    """The URL-safe token of a subscriber's private feeds."""
    return f"{subscriber_id}.{_mac(subscriber_id, link_secret, secret)}"


def read_feed_token(token: str, secret: str, link_secret_of: Callable[[int], str | None]) -> int | None:
    """The subscriber id of a genuine feed token; None for anything else.

    ``link_secret_of`` gives the named subscriber's current link secret (None when there
    is none). Every failure looks the same, and the MAC is compared in constant time.
    """
    match = _TOKEN.match(token or "")
    if not match or not secret:
        return None
    subscriber_id = int(match.group(1))
    link_secret = link_secret_of(subscriber_id)
    if link_secret is None or not hmac.compare_digest(
        match.group(2), _mac(subscriber_id, link_secret, secret)
    ):
        return None
    return subscriber_id
