"""SMTP transport: the one module that talks to the mail server (aiosmtplib), and how replies are read.

It knows nothing about the outbox: it takes a built message and either returns (the
server said 250) or raises ``DeliveryError`` saying whether trying again later is safe
and useful. The SMTP steps are issued one by one so that a failure can be placed before
or after the message was handed over: after DATA the server may have accepted it.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
from email_validator import EmailNotValidError, validate_email

# Enhanced status 5.1.x: the address itself is bad (no such user, bad domain).
_BAD_MAILBOX = re.compile(r"^\s*5\.1\.\d")
_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect, read from ``SMTP_URL``.

    ``smtp://host:25`` is plain SMTP (STARTTLS used if offered); ``?starttls=true`` or
    port 587 requires STARTTLS and fails closed when the server does not offer it;
    ``smtps://`` is TLS from the first byte (465). ``user:pass@`` logs in. ``?timeout=``
    sets the seconds each command may take.
    """

    hostname: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool | None = None
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError(f"smtp_url: scheme must be smtp:// or smtps://, got {parts.scheme!r}")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        use_tls = parts.scheme == "smtps"
        port = parts.port or (465 if use_tls else 25)
        start_tls: bool | None = None
        if use_tls:
            start_tls = False
        elif query.get("starttls", "").lower() in _TRUE or port == 587:
            start_tls = True
        return cls(
            hostname=parts.hostname or "localhost",
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=use_tls,
            start_tls=start_tls,
            timeout=float(query.get("timeout", 30)),
        )


class DeliveryError(Exception):
    """The message was not (known to be) delivered.

    ``kind``: ``retry`` (4xx or a failure before the message was handed over),
    ``failed`` (5xx: do not try again), ``unknown`` (lost after DATA: maybe delivered).
    ``connection`` is set when the connection itself is unusable, so the sender should
    stop rather than fail every mail the same way. ``bad_mailbox`` marks a 5.1.x refusal.
    """

    def __init__(self, kind: str, reason: str, *, connection: bool = False, bad_mailbox: bool = False):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.connection = connection
        self.bad_mailbox = bad_mailbox


def _reply_error(exc: aiosmtplib.SMTPResponseException) -> DeliveryError:
    reason = f"{exc.code} {exc.message}".strip()
    if exc.code >= 500:
        return DeliveryError("failed", reason, bad_mailbox=bool(_BAD_MAILBOX.match(exc.message or "")))
    return DeliveryError("retry", reason, connection=exc.code == 421)


@dataclass(frozen=True)
class Envelope:
    """A recipient as it goes on the wire: the domain in IDNA (``xn--``) form.

    ``smtputf8`` is set when the local part itself is not ASCII: such a mail can only go
    to a relay that offers SMTPUTF8.
    """

    address: str
    smtputf8: bool

    @classmethod
    def of(cls, recipient: str) -> Envelope:
        """Raises ``DeliveryError("failed")`` for an address no relay could take."""
        try:
            valid = validate_email(recipient, check_deliverability=False, allow_smtputf8=True)
        except EmailNotValidError as exc:
            raise DeliveryError("failed", f"invalid recipient address {recipient!r}: {exc}") from None
        if valid.ascii_email:
            return cls(valid.ascii_email, False)
        return cls(f"{valid.local_part}@{valid.ascii_domain}", True)


class Connection:
    """One reused SMTP connection: opened on first use, reopened after an error."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._client: aiosmtplib.SMTP | None = None

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.hostname,
            port=s.port,
            username=s.username,
            password=s.password,
            use_tls=s.use_tls,
            start_tls=s.start_tls,
            timeout=s.timeout,
        )
        try:
            await client.connect()
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            # A refused greeting or login, or "STARTTLS required but not offered" (fail
            # closed, never send in clear): the server's state, not this mail's fault.
            raise DeliveryError("retry", f"connection failed: {exc}", connection=True) from exc
        return client

    async def smtputf8(self) -> bool:
        """Whether the relay offers SMTPUTF8 (connecting and greeting it first if need be)."""
        client = await self._connected()
        if client.is_ehlo_or_helo_needed:
            try:
                await client.ehlo()
            except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
                await self.close()
                raise DeliveryError("retry", f"connection lost: {exc}", connection=True) from exc
        return client.supports_extension("smtputf8")

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is None or not self._client.is_connected:
            self._client = await self._connect()
        return self._client

    async def send(self, message_bytes: bytes, sender: str, envelope: Envelope) -> None:
        """Deliver one message to one recipient; raises ``DeliveryError`` and nothing else.

        Whatever goes wrong is placed before or after the hand-over: a reply is read as
        the server meant it; anything else before DATA fails this mail alone (an error
        tied to this message, such as an address that cannot be encoded, would recur on
        every try), and anything after DATA leaves its fate unknown.
        """
        if envelope.smtputf8 and not await self.smtputf8():
            raise DeliveryError(
                "failed",
                f"the address {envelope.address!r} has a non-ASCII local part and the relay does not offer SMTPUTF8",
            )
        client = await self._connected()
        options, encoding = (["SMTPUTF8"], "utf-8") if envelope.smtputf8 else ([], "ascii")
        handed_over = False
        try:
            await client.mail(sender, options=options, encoding=encoding)
            await client.rcpt(envelope.address, encoding=encoding)
            handed_over = True
            await client.data(message_bytes)
        except aiosmtplib.SMTPResponseException as exc:
            await self._reset()
            raise _reply_error(exc) from exc
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            await self.close()
            if handed_over:
                raise DeliveryError("unknown", f"connection lost after DATA: {exc}") from exc
            raise DeliveryError("retry", f"connection lost: {exc}", connection=True) from exc
        except Exception as exc:  # one mail's bad data must not stop the run: recorded on that mail
            await self.close()
            if handed_over:
                raise DeliveryError("unknown", f"error after DATA: {exc!r}") from exc
            raise DeliveryError("failed", f"could not send: {exc!r}") from exc

    async def _reset(self) -> None:
        """After a refused message: RSET to reuse the connection, or drop it if that fails."""
        if self._client is None:
            return
        try:
            await self._client.rset()
        except (TimeoutError, aiosmtplib.SMTPException, OSError):
            await self.close()

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        if client.is_connected:
            try:
                await client.quit()
            except (TimeoutError, aiosmtplib.SMTPException, OSError):
                client.close()


class RateLimiter:
    """A sliding window shared by all connections: at most ``per_second`` sends start per second.

    Below one per second the window widens (0.5 → one send per two seconds); zero or
    less means no limit.
    """

    def __init__(self, per_second: float, clock=time.monotonic, sleep=asyncio.sleep):
        self.window = max(1.0, 1 / per_second) if per_second > 0 else 0.0
        self.allowed = max(1, int(per_second * self.window)) if per_second > 0 else 0
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.allowed:
            return
        async with self._lock:
            while True:
                now = self._clock()
                while self._starts and now - self._starts[0] >= self.window:
                    self._starts.popleft()
                if len(self._starts) < self.allowed:
                    break
                await self._sleep(self.window - (now - self._starts[0]))
            self._starts.append(self._clock())
