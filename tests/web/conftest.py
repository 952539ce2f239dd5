"""Fixtures for the web app: a config with a secret, a movable clock, and a TestClient on each backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from app.config import Config
from web.app import create_app
from web.security import CSRF_COOKIE, csrf_token

SECRET = "test-secret-not-for-production"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


class Clock:
    """A clock the test moves by hand (cool-downs, rate-limit windows, token expiry)."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def config(database_url) -> Config:
    # Nothing listens on port 9 (discard): a confirmation is queued, the attempt to send it
    # at once fails fast, and the mail stays queued for the send step.
    return Config(
        database_url=database_url,
        secret=SECRET,
        base_url="http://testserver",
        smtp_url="smtp://127.0.0.1:9",
        mail_from="软考提醒 <noreply@example.org>",
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(config, sessions, clock):
    return create_app(config, sessions, clock=clock)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def form_token(client: TestClient, action: str) -> str:
    """The CSRF field value a page rendered for ``client`` would carry for ``action``."""
    if CSRF_COOKIE not in client.cookies:
        client.get("/subscribe")
    return csrf_token(SECRET, client.cookies[CSRF_COOKIE], action)
