"""Fixtures for alert tests: a config pointing at the scripted SMTP server (``smtp``, tests/conftest.py)."""

from __future__ import annotations

import pytest

from core.config import Settings
from tests.factories import config as make_config


@pytest.fixture
def config(smtp, database_url) -> Settings:
    return make_config(database_url, smtp.port)
