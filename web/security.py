"""The web app's defences: CSRF tokens for forms, rate limits, a body cap, and tokens kept out of logs.

Link tokens in paths are capabilities (whoever has the URL may act), so they must not
reach access logs; forms get a signed double-submit token so another site cannot post
them in a visitor's browser; subscribing is rate-limited because every accepted request
can send a mail to a stranger. Request bodies are capped by the bytes that arrive, since a
chunked body declares no length.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import re
import secrets
import threading
from collections import deque

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(16)


def csrf_token(secret: str, cookie: str, action: str) -> str:
    """The hidden form value for posting to ``action``: an HMAC of the visitor's cookie and the path.

    Binding the path means a token for one form cannot be replayed against another.
    """
    mac = hmac.new(secret.encode(), f"csrf|{cookie}|{action}".encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(mac).decode("ascii")


def csrf_ok(secret: str, cookie: str | None, action: str, given: str | None) -> bool:
    if not cookie or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie, action), given)


class SlidingWindowLimiter:
    """At most ``limit`` hits per key within ``window`` seconds, in memory (one process).

    Keys seen once and never again are dropped as their window passes; the number of
    keys tracked is capped so a flood of spoofed addresses cannot exhaust memory.
    """

    def __init__(self, limit: int, window: float, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float) -> float | None:
        """Record a hit; None when allowed, else the seconds until the next hit would be."""
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self.max_keys:
                    self._prune(now)
                hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(hits[0] + self.window - now, 1.0)
            hits.append(now)
            return None

    def _prune(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]
        if len(self._hits) >= self.max_keys:  # still full: forget the oldest half
            for key in list(self._hits)[: self.max_keys // 2]:
                del self._hits[key]


# /confirm/<t>, /manage/<t>[/…], /unsubscribe/<t>, /push/confirm/<id>/<code>, /feeds/private/<t>.xml, /calendar/private/<t>.ics
_TOKEN_PATH = re.compile(
    r"(/(?:push/confirm/\d+|confirm|manage|unsubscribe|feeds/private|calendar/private)/)[^/?#\s\"]+?(?=\.xml|\.ics|[/?#\s\"]|$)"
)


def redact_path(path: str) -> str:
    """The path with any link token replaced by ``***``."""
    return _TOKEN_PATH.sub(r"\1***", path)


class RedactTokensFilter(logging.Filter):
    """Rewrites uvicorn access-log records so that link tokens never reach a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        return True


def install_log_redaction() -> None:
    """Attach the filter to uvicorn's access logger once (create_app may run many times in tests)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokensFilter) for f in logger.filters):
        logger.addFilter(RedactTokensFilter())


def check_rate(request: Request, email: str | None = None) -> None:
    """Count a subscribe request from this IP (and for this address); 429 when over the limit."""
    now = request.app.state.clock().timestamp()
    ip = request.client.host if request.client else "unknown"
    waits = [request.app.state.ip_limiter.hit(f"ip:{ip}", now)]
    if email is not None:
        waits.append(request.app.state.address_limiter.hit(f"email:{email}", now))
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        raise HTTPException(
            429,
            detail=f"请求过于频繁，请 {math.ceil(wait)} 秒后再试",
            headers={"Retry-After": str(math.ceil(wait))},
        )


class BodyLimit:
    """ASGI middleware: a request body larger than ``limit`` bytes is refused with 413 as it arrives.

    The bytes are counted as the app reads them, so a chunked body (no Content-Length) or a
    Content-Length that lies is cut off after ``limit`` bytes instead of being read whole;
    the 413 is raised where the app reads the body and answered by its error handler.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(413)
            return message

        await self.app(scope, counted, send)
