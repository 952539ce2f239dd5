"""Fixtures for the web app: a config with a secret, a movable clock, a TestClient on each backend, the CLI."""

from __future__ import annotations

import subprocess

import pytest
from fastapi.testclient import TestClient

from core.config import Settings
from tests.conftest import PYTHON
from tests.factories import config as make_config
from tests.web.helpers import SECRET, Clock
from web.app import create_app


@pytest.fixture
def config(database_url) -> Settings:
    # Nothing listens on port 9 (discard): a confirmation is queued, the attempt to send it
    # at once fails fast, and the mail stays queued for the send step.
    return make_config(database_url, secret=SECRET, base_url="http://testserver")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(config, sessions, clock):
    return create_app(config.web, sessions, clock=clock)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture
def run(cli_env, database_url):
    """``ruankao-watch subscribers ARGS`` in a child process against this test's database."""
    env = {
        **cli_env,
        "RUANKAO_WATCH_DATABASE_URL": database_url,
        "RUANKAO_WATCH_SECRET": SECRET,
        "RUANKAO_WATCH_SMTP_URL": "smtp://127.0.0.1:9",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "-m", "app", "subscribers", *args], env=env, capture_output=True, text=True, check=False
        )

    return run
