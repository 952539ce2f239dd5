"""Every time an operator reads is Beijing time, marked with its offset: the store writes UTC."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import cli_in_process
from tests.factories import NOW, add_notice, add_subscriber, notice

# NOW is 2026-03-01 08:00 UTC: 16:00 in Beijing.
BEIJING_NOW = "2026-03-01T16:00:00+08:00"


@pytest.fixture
def cli(cli_env, database_url):
    """The commands' output is the point here, not their process: ``app.cli.main`` in this process."""
    env = {**cli_env, "RUANKAO_WATCH_DATABASE_URL": database_url}

    def cli(*args: str) -> subprocess.CompletedProcess:
        result = cli_in_process(env, *args)
        assert result.returncode == 0, result.stderr
        return result

    return cli


def test_notices_show_and_list_say_when_a_notice_was_seen_in_beijing_time(cli, sessions):
    add_notice(sessions, notice(at=NOW))
    shown = json.loads(cli("notices", "show", "1").stdout)
    assert (shown["first_seen"], shown["last_seen"]) == (BEIJING_NOW, BEIJING_NOW)
    [listed] = json.loads(cli("notices", "list", "--json").stdout)
    assert listed["first_seen"] == BEIJING_NOW


def test_subscribers_list_says_when_each_signed_up_in_beijing_time(cli, sessions):
    add_subscriber(sessions, "zhang@example.com", "2021")
    [row] = json.loads(cli("subscribers", "list", "--json").stdout)
    assert row["created_at"] == BEIJING_NOW


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_log_lines_carry_beijing_time_whatever_the_machines_zone(fmt, capsys, monkeypatch):
    import logging
    import time

    from app.logs import setup_logging

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))  # setup_logging replaces them
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        setup_logging("INFO", fmt)
        record = logging.LogRecord("ruankao", logging.INFO, __file__, 1, "hello", None, None)
        record.created = NOW.timestamp()
        logging.getLogger().handlers[0].handle(record)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    line = capsys.readouterr().err
    assert "2026-03-01T16:00:00.000+08:00" in line, line
