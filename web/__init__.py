"""The web app (subscribe, confirm, manage, unsubscribe, feeds, health) and ``serve`` to run it.

``ruankao-watch serve`` calls ``serve``; tests and other ASGI servers use ``create_app``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from core.config import WebSettings


def serve(
    config: WebSettings, sessions: sessionmaker[Session], host: str = "127.0.0.1", port: int = 8000
) -> None:
    """Run the app with uvicorn until interrupted; the access log never shows link tokens."""
    import uvicorn

    from web.app import create_app

    uvicorn.run(create_app(config, sessions), host=host, port=port, proxy_headers=True)
