"""A loopback SMTP server that keeps every message it receives as an .eml file (demo and tests).

It is a real aiosmtpd server, so the mail goes through the same SMTP conversation as in
production; it only ever listens on 127.0.0.1.
"""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port free on loopback right now (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _SaveHandler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.count += 1
            path = self.directory / f"{self.count:04d}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class MailSink:
    """``with MailSink(dir) as sink:`` → an SMTP server on ``127.0.0.1:sink.port``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.handler = _SaveHandler(self.directory)
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[Path]:
        return sorted(self.directory.glob("*.eml"))

    def __enter__(self) -> MailSink:
        # aiosmtpd logs every SMTP command at INFO; the demo's reader wants the summary.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
