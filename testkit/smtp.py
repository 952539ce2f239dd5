"""The loopback SMTP servers of the demo and the tests: a real aiosmtpd server, scripted per recipient.

The mail goes through the same SMTP conversation as in production; the server only ever
listens on 127.0.0.1, on a port the system picks. Each recipient can be given a RCPT reply
and a queue of DATA actions: an SMTP reply such as ``451 4.3.0 try later``, ``drop`` (read
the whole message, then close the connection without a reply) or ``stall`` (read it and
answer nothing until the client gives up). Every message whose DATA arrived is recorded,
whatever was answered; ``MailSink`` also keeps each accepted message as an .eml file.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    answer: str

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class ScriptedHandler:
    """What the server answers and what it received; ``save_to`` keeps accepted mail as .eml files."""

    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_actions: dict[str, deque[str]] = field(default_factory=lambda: defaultdict(deque))
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    delay: float = 0.0  # seconds each DATA takes, to make concurrent senders overlap
    release: threading.Event = field(default_factory=threading.Event)
    save_to: Path | None = None

    def script(self, address: str, *actions: str) -> None:
        self.data_actions[address].extend(actions)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        rcpt = envelope.rcpt_tos[0]
        queue = self.data_actions.get(rcpt)
        action = queue.popleft() if queue else "250 OK"
        if self.delay:
            await asyncio.sleep(self.delay)
        data = envelope.original_content or envelope.content
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), data, action))
        if action == "drop":
            server.transport.close()
            return "250 never seen"
        if action == "stall":
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 too late"
        if self.save_to is not None and action.startswith("250"):
            (self.save_to / f"{len(self.accepted()):04d}.eml").write_bytes(data)
        return action

    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.answer.startswith("250")]

    def wait(self, count: int = 1, timeout: float = 15.0) -> list[Received]:
        """The messages received once there are ``count`` of them (for a sender in another thread)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.received) >= count, (
            f"{len(self.received)} of {count} messages reached the SMTP server"
        )
        return self.received


class SmtpServer(Controller):
    """``with SmtpServer() as smtp:`` → aiosmtpd on ``127.0.0.1:smtp.port``, scripted by ``smtp.handler``."""

    handler: ScriptedHandler

    def __init__(self, handler: ScriptedHandler | None = None, **kwargs) -> None:
        super().__init__(handler or ScriptedHandler(), hostname="127.0.0.1", port=0, **kwargs)

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]  # port 0: the system picked one
        super()._trigger_server()

    def __enter__(self) -> SmtpServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.handler.release.set()
        self.stop()


class MailSink(SmtpServer):
    """``with MailSink(dir) as sink:`` → every accepted message is kept as ``dir/NNNN.eml``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        super().__init__(ScriptedHandler(save_to=self.directory))

    @property
    def messages(self) -> list[Path]:
        return sorted(self.directory.glob("*.eml"))

    def __enter__(self) -> MailSink:
        # aiosmtpd logs every SMTP command at INFO; the demo's reader wants the summary.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        super().__enter__()
        return self
