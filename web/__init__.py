"""The web app (subscribe, confirm, manage, unsubscribe, feeds, health) and ``serve`` to run it.

``ruankao-watch serve`` calls ``serve``; tests and other ASGI servers use ``create_app``.
"""

from __future__ import annotations

from app.config import Config


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn until interrupted; the access log never shows link tokens."""
    import uvicorn

    from web.app import create_app

    uvicorn.run(create_app(config), host=host, port=port, proxy_headers=True)
