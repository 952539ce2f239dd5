"""Signed, expiring tokens for the links in mails (confirm, manage, unsubscribe).

A token says which subscriber, for which purpose, and until when, and carries an HMAC
with the configured secret over that and the subscriber's own random ``link_secret``
(stored on the subscriber, never in the token). A deleted subscriber's secret is gone
with them, so their links are dead for good even if their id came back; giving a
subscriber a new secret revokes every link handed out before. Purposes are bound, so a
manage link cannot confirm anyone. Private feed links never expire and have their own
format (``feeds.private``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from core.vocab import TokenPurpose

# Days a token stays valid: confirmations are short-lived, the rest live as long as mails are kept.
LIFETIME_DAYS = {"confirm": 7, "manage": 365, "unsubscribe": 3650}


@dataclass(frozen=True)
class TokenClaims:
    subscriber_id: int
    purpose: str
    expires_day: int  # days since the epoch, UTC


def epoch_day(moment: datetime) -> int:
    """The ``today_day`` tokens count in: days since 1970-01-01, UTC."""
    return (moment.astimezone(UTC).date() - date(1970, 1, 1)).days


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: str, link_secret: str) -> bytes:
    if not secret:
        raise ValueError("secret: RUANKAO_WATCH_SECRET must be set to sign links")
    signed = f"{payload}|{link_secret}".encode()
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).digest()[:18]


def make_token(subscriber_id: int, link_secret: str, purpose: str, *, today_day: int, secret: str) -> str:
    """A URL-safe token for ``purpose``; ``today_day`` is days since the epoch (callers own the clock)."""
    if purpose not in TokenPurpose.values():
        raise ValueError(f"unknown token purpose {purpose!r}")
    payload = f"{purpose}.{subscriber_id}.{today_day + LIFETIME_DAYS[purpose]}"
    return f"{_b64(payload.encode('ascii'))}.{_b64(_mac(secret, payload, link_secret))}"


def read_token(
    token: str,
    purpose: str,
    *,
    today_day: int,
    secret: str,
    link_secret_of: Callable[[int], str | None],
) -> TokenClaims | None:
    """The claims of a valid, unexpired token for ``purpose``; None for anything else.

    ``link_secret_of`` gives the named subscriber's current link secret (None when there
    is no such subscriber). Every failure looks the same to the caller (and so to a
    visitor): no oracle.
    """
    try:
        body, mac = token.split(".", 1)
        payload = _unb64(body).decode("ascii")
        given = _unb64(mac)
        token_purpose, subscriber_id, expires_day = payload.split(".")
        claims = TokenClaims(int(subscriber_id), token_purpose, int(expires_day))
    except (ValueError, UnicodeDecodeError):
        return None
    link_secret = link_secret_of(claims.subscriber_id)
    if link_secret is None or not hmac.compare_digest(given, _mac(secret, payload, link_secret)):
        return None
    if claims.purpose != purpose or claims.expires_day < today_day:
        return None
    return claims
