"""The web app (subscribe, confirm, manage, unsubscribe, feeds, health) and ``serve`` to run it.

``ruankao-watch serve`` calls ``serve``; tests and other ASGI servers use ``create_app``.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from core.config import WebSettings


class CannotListen(Exception):
    """The address is taken or not ours to take: a usage error for the caller (exit 2), said in one line."""


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, made before anything else starts.

    uvicorn, binding on its own, reports a taken port by exiting with 3, which for
    ``ruankao-watch`` means "another run holds the lock"; binding first lets ``serve`` say
    what is wrong and exit with the code for a bad argument.
    """
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        why = os.strerror(exc.errno) if isinstance(exc.errno, int) and exc.errno > 0 else str(exc)
        raise CannotListen(
            f"cannot listen on {host}:{port} ({why}); choose another --port or --host"
        ) from None


def serve(
    config: WebSettings, sessions: sessionmaker[Session], host: str = "127.0.0.1", port: int = 8000
) -> None:
    """Run the app with uvicorn until interrupted; the access log never shows link tokens.

    Raises ``CannotListen`` when the address cannot be had (a port in use, a privileged port).
    """
    import uvicorn

    from web.app import create_app

    app = create_app(config, sessions)
    sock = listen(host, port)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, proxy_headers=True))
    shown = f"[{host}]" if ":" in host else host
    # uvicorn says where it listens only when it binds itself.
    logging.getLogger("uvicorn.error").info("serving on http://%s:%d (Ctrl-C to stop)", shown, port)
    server.run(sockets=[sock])
