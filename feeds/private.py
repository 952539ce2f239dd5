"""Tokens of the private feed URLs: ``<subscriber id>.<token version>.<HMAC>``, bound to the purpose "feed".

A private feed URL is handed out once and pasted into a feed reader or calendar app, so
nothing is stored for it: the HMAC (SHA-256, keyed by a key derived from the configured
secret for this purpose only) proves we issued it, and bumping the subscriber's
``token_version`` revokes it. The purpose-bound key means a feed token can never be
accepted where a confirm or unsubscribe token is expected, nor the other way round.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

PURPOSE = b"ruankao-watch feed token v1"
_TOKEN = re.compile(r"^([1-9][0-9]{0,17})\.([0-9]{1,9})\.([A-Za-z0-9_-]{43})$")


def _mac(subscriber_id: int, token_version: int, secret: str) -> str:
    if not secret:
        raise ValueError("secret: RUANKAO_WATCH_SECRET must be set to sign private feed links")
    key = hmac.new(secret.encode("utf-8"), PURPOSE, hashlib.sha256).digest()
    digest = hmac.new(key, f"{subscriber_id}:{token_version}".encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def feed_token(subscriber_id: int, token_version: int, secret: str) -> str:
    """The URL-safe token of a subscriber's private feeds."""
    return f"{subscriber_id}.{token_version}.{_mac(subscriber_id, token_version, secret)}"


def read_feed_token(token: str, secret: str) -> tuple[int, int] | None:
    """``(subscriber_id, token_version)`` of a genuine feed token; None for anything else.

    Every failure looks the same, and the MAC is compared in constant time. The caller
    still checks that the version is the subscriber's current one.
    """
    match = _TOKEN.match(token or "")
    if not match or not secret:
        return None
    subscriber_id, token_version = int(match.group(1)), int(match.group(2))
    if not hmac.compare_digest(match.group(3), _mac(subscriber_id, token_version, secret)):
        return None
    return subscriber_id, token_version
