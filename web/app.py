"""The ASGI application: assembles the pages, the JSON API, the feeds and the shared defences.

Request handlers find the configuration, the sessionmaker, the clock and the rate
limiters on ``app.state``, so tests can build an app on any database and move time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from core.config import ConfigError, WebSettings
from web import api, feed_routes, pages, push_routes
from web.security import BodyLimit, SlidingWindowLimiter, install_log_redaction

# No form or subscription comes near this: a declared larger length is refused before anything is
# read, and any body stops being read once this many bytes arrived (BodyLimit).
MAX_BODY_BYTES = 64 * 1024
# Subscribing: 10 requests a minute from one IP address, 3 an hour naming one email address.
IP_LIMIT = (10, 60.0)
ADDRESS_LIMIT = (3, 3600.0)

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Pages carry link tokens in their URL; no Referer may take them to another site.
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def create_app(
    config: WebSettings, sessions: sessionmaker[Session], *, clock: Callable[[], datetime] = utcnow
) -> FastAPI:
    """The web app on ``sessions``, the store ``app/`` opened for it."""
    if not config.secret:
        raise ConfigError(
            "secret: RUANKAO_WATCH_SECRET must be set to serve the web app (it signs every link)"
        )
    install_log_redaction()
    app = FastAPI(
        title="ruankao-watch",
        summary="软考通知提醒：订阅接口与订阅源",
        version="1",
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
        redoc_url=None,
    )
    app.state.config = config
    app.state.sessions = sessions
    app.state.clock = clock
    app.state.ip_limiter = SlidingWindowLimiter(*IP_LIMIT)
    app.state.address_limiter = SlidingWindowLimiter(*ADDRESS_LIMIT)

    # Inside security_headers (added first): its 413 must reach the app's error handler as raised,
    # not wrapped in the exception group of BaseHTTPMiddleware's task group.
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if _too_large(request):
            response = await _http_error(request, StarletteHTTPException(413))
        else:
            response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if any(request.url.path.startswith(p) for p in pages.TOKEN_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        return response

    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, api.validation_error)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(push_routes.router)
    app.include_router(feed_routes.router)
    return app


_MESSAGES = {
    400: "请求有误",
    403: "请求被拒绝",
    404: "页面不存在，或链接无效、已过期",
    405: "不支持该请求方法",
    413: "请求内容过大",
    415: "请以 application/json 格式提交",
    429: "请求过于频繁，请稍后再试",
}


def _too_large(request: Request) -> bool:
    length = request.headers.get("content-length", "")
    return length.isdigit() and int(length) > MAX_BODY_BYTES


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """JSON for the API, a Chinese page for people; the same 404 whatever made a link bad."""
    default = HTTPStatus(exc.status_code).phrase
    message = exc.detail if exc.detail and exc.detail != default else _MESSAGES.get(exc.status_code, "出错了")
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    if api.wants_json(request):
        return JSONResponse({"detail": message}, status_code=exc.status_code, headers=headers)
    return pages.message_page(request, message, status_code=exc.status_code, headers=headers)


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path: Starlette names only the first route's.

    A path served by several routes (GET and HEAD declared apart) would otherwise answer
    405 with an ``Allow`` that leaves out methods which work.
    """
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, BaseRoute) and getattr(route, "methods", None):
            match, _ = route.matches(request.scope)
            if match != Match.NONE:
                methods |= route.methods
    return ", ".join(sorted(methods))
