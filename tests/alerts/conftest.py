"""Fixtures for alert tests: a scripted SMTP server on loopback and a config pointing at it."""

from __future__ import annotations

import pytest

from app.config import Config
from tests.alerts.smtpd import FreePortController, ScriptedHandler


@pytest.fixture
def smtp():
    """A running scripted SMTP server; ``smtp.handler`` scripts it and records what arrived."""
    handler = ScriptedHandler()
    controller = FreePortController(handler)
    controller.start()
    controller.handler = handler
    yield controller
    handler.release.set()
    controller.stop()


def make_config(smtp, database_url: str) -> Config:
    """Point at the scripted server; no rate limit, so tests run at loopback speed."""
    return Config(
        database_url=database_url,
        smtp_url=f"smtp://127.0.0.1:{smtp.port}?timeout=2",
        mail_from="软考提醒 <alerts@example.org>",
        base_url="https://watch.example.org",
        secret="test-secret",
        admin_email="ops@example.org",
        send_concurrency=2,
        send_rate_per_second=0,
        send_rate_per_hour=100000,
    )


@pytest.fixture
def config(smtp, database_url) -> Config:
    return make_config(smtp, database_url)
