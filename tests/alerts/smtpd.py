"""A real SMTP server on 127.0.0.1 (aiosmtpd in a thread), scripted per recipient.

Each recipient can be given a RCPT reply and a queue of DATA actions: an SMTP reply
such as ``451 4.3.0 try later``, ``drop`` (read the whole message, then close the
connection without a reply) or ``stall`` (read it and answer nothing until the client
gives up). Every message whose DATA arrived is recorded, whatever was answered.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    answer: str

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class ScriptedHandler:
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_actions: dict[str, deque[str]] = field(default_factory=lambda: defaultdict(deque))
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    delay: float = 0.0  # seconds each DATA takes, to make concurrent senders overlap
    release: threading.Event = field(default_factory=threading.Event)

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
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, action))
        if action == "drop":
            server.transport.close()
            return "250 never seen"
        if action == "stall":
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 too late"
        return action

    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.answer.startswith("250")]


class FreePortController(Controller):
    """An aiosmtpd controller bound to port 0: the system picks a free port."""

    def __init__(self, handler, **kwargs):
        super().__init__(handler, hostname="127.0.0.1", port=0, **kwargs)

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()
