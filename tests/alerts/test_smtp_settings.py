"""SMTP_URL parsing, login against a real server, and the rate limiter on a fake clock."""

from __future__ import annotations

import asyncio

import pytest
from aiosmtpd.smtp import AuthResult

from alerts.smtp import Connection, DeliveryError, Envelope, RateLimiter, SmtpSettings
from testkit.smtp import SmtpServer


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, None, None, False, None)),
        ("smtp://mail.example.org:587", ("mail.example.org", 587, None, None, False, True)),
        (
            "smtp://u%40x:p%3Aw@mail.example.org:2525?starttls=true",
            ("mail.example.org", 2525, "u@x", "p:w", False, True),
        ),
        ("smtps://u:p@mail.example.org", ("mail.example.org", 465, "u", "p", True, False)),
    ],
)
def test_smtp_url(url, expected):
    s = SmtpSettings.from_url(url)
    assert (s.hostname, s.port, s.username, s.password, s.use_tls, s.start_tls) == expected


def test_smtp_url_rejects_other_schemes():
    with pytest.raises(ValueError, match="smtp_url"):
        SmtpSettings.from_url("http://mail.example.org")


def _authenticator(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=auth_data.login == b"robot" and auth_data.password == b"s3cret")


@pytest.mark.parametrize(("password", "delivered"), [("s3cret", True), ("wrong", False)])
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_from_the_url(password, delivered):
    server = SmtpServer(authenticator=_authenticator, auth_require_tls=False, auth_required=True)
    with server:
        handler = server.handler
        settings = SmtpSettings.from_url(f"smtp://robot:{password}@127.0.0.1:{server.port}?timeout=2")

        async def send():
            connection = Connection(settings)
            try:
                await connection.send(
                    b"Subject: x\r\n\r\nbody\r\n", "a@example.org", Envelope.of("b@example.org")
                )
            finally:
                await connection.close()

        if delivered:
            asyncio.run(send())
            assert len(handler.received) == 1
        else:
            with pytest.raises(DeliveryError) as caught:
                asyncio.run(send())
            assert caught.value.kind == "retry" and caught.value.connection
            assert handler.received == []


def test_rate_limiter_keeps_every_second_under_the_rate():
    now = [0.0]

    async def sleep(seconds):
        now[0] += seconds

    async def starts():
        limiter = RateLimiter(3, clock=lambda: now[0], sleep=sleep)
        times = []
        for _ in range(10):
            await limiter.wait()
            times.append(now[0])
        return times

    times = asyncio.run(starts())
    assert all(sum(1 for t in times if start <= t < start + 1) <= 3 for start in times)
    assert times[-1] >= 3.0


def test_a_rate_below_one_spaces_the_sends():
    now = [0.0]

    async def sleep(seconds):
        now[0] += seconds

    async def starts():
        limiter = RateLimiter(0.5, clock=lambda: now[0], sleep=sleep)
        for _ in range(3):
            await limiter.wait()
        return now[0]

    assert asyncio.run(starts()) == pytest.approx(4.0)
