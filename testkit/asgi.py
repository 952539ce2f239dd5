"""An ASGI app served by uvicorn on 127.0.0.1 in a thread, for tests that need a real HTTP server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from testkit.ports import free_port


@contextmanager
def serve_app(app, *, port: int | None = None, log_level: str = "warning") -> Iterator[str]:
    """``with serve_app(app) as base_url:`` — uvicorn answers until the block ends.

    ``port`` for an app that must know its own address beforehand (links in mails).
    """
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level=log_level))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
