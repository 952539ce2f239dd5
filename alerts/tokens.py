"""Signed, expiring tokens for the links in mails (confirm, manage, unsubscribe).

A token says which subscriber, for which purpose, and until when, and carries an HMAC
with the configured secret; nothing is stored. Bumping a subscriber's ``token_version``
revokes every link given out before. Purposes are bound, so a manage link cannot
confirm anyone. Private feed links never expire and have their own format
(``feeds.private``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime

from core.vocab import TokenPurpose

# Days a token stays valid: confirmations are short-lived, the rest live as long as mails are kept.
LIFETIME_DAYS = {"confirm": 7, "manage": 365, "unsubscribe": 3650}


@dataclass(frozen=True)
class TokenClaims:
    subscriber_id: int
    token_version: int
    purpose: str
    expires_day: int  # days since the epoch, UTC


def epoch_day(moment: datetime) -> int:
    """The ``today_day`` tokens count in: days since 1970-01-01, UTC."""
    return (moment.astimezone(UTC).date() - date(1970, 1, 1)).days


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: str) -> bytes:
    if not secret:
        raise ValueError("secret: RUANKAO_WATCH_SECRET must be set to sign links")
    return hmac.new(secret.encode("utf-8"), payload.encode("ascii"), hashlib.sha256).digest()[:18]


def make_token(subscriber_id: int, token_version: int, purpose: str, *, today_day: int, secret: str) -> str:
    """A URL-safe token for ``purpose``; ``today_day`` is days since the epoch (callers own the clock)."""
    if purpose not in TokenPurpose.values():
        raise ValueError(f"unknown token purpose {purpose!r}")
    payload = f"{purpose}.{subscriber_id}.{token_version}.{today_day + LIFETIME_DAYS[purpose]}"
    return f"{_b64(payload.encode('ascii'))}.{_b64(_mac(secret, payload))}"


def read_token(token: str, purpose: str, *, today_day: int, secret: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token for ``purpose``; None for anything else.

    Every failure looks the same to the caller (and so to a visitor): no oracle.
    """
    try:
        body, mac = token.split(".", 1)
        payload = _unb64(body).decode("ascii")
        given = _unb64(mac)
        token_purpose, subscriber_id, token_version, expires_day = payload.split(".")
        claims = TokenClaims(int(subscriber_id), int(token_version), token_purpose, int(expires_day))
    except (ValueError, UnicodeDecodeError):
        return None
    if not hmac.compare_digest(given, _mac(secret, payload)):
        return None
    if claims.purpose != purpose or claims.expires_day < today_day:
        return None
    return claims
