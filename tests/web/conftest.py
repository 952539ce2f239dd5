"""Fixtures for the web app: a config with a secret, a movable clock, a TestClient on each backend, the CLI."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from core.config import Settings
from tests.conftest import cli, cli_in_process
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
def subscribers_env(cli_env, database_url) -> dict[str, str]:
    return {
        **cli_env,
        "RUANKAO_WATCH_DATABASE_URL": database_url,
        "RUANKAO_WATCH_SECRET": SECRET,
        "RUANKAO_WATCH_SMTP_URL": "smtp://127.0.0.1:9",
    }


@pytest.fixture
def run(subscribers_env):
    """``ruankao-watch subscribers ARGS`` in a child process (``cli``) against this test's database."""
    return lambda *args: cli(subscribers_env, "subscribers", *args)


@pytest.fixture
def run_here(subscribers_env):
    """``run``'s commands through ``app.cli.main`` in this process (``cli_in_process``), for tests
    about what is imported and exported rather than about the process."""
    return lambda *args: cli_in_process(subscribers_env, "subscribers", *args)
