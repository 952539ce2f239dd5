"""Configuration and usage errors end with exit 2 and one line naming the key; ``config check`` checks all of it."""

from __future__ import annotations

import pytest

from testkit.smtp import SmtpServer
from tests.conftest import cli

STRONG_SECRET = "3f9c1e7a5b2d8046f1a9c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d1f3a5c7e9b1d3"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("sqlite:////nonexistent-folder/ruankao.sqlite3", "unable to open database file"),
        ("postgresql://postgres@127.0.0.1:1/test", "Connection refused"),
        ("mysql://user@127.0.0.1/test", "driver is not installed"),
    ],
)
def test_a_database_that_cannot_be_opened_exits_2_naming_database_url(cli_env, url, reason):
    proc = cli({**cli_env, "RUANKAO_WATCH_DATABASE_URL": url}, "status")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "database_url" in lines[0] and reason in lines[0]
    assert "Traceback" not in proc.stderr


def test_debug_shows_the_traceback_behind_the_error(cli_env):
    env = {**cli_env, "RUANKAO_WATCH_DATABASE_URL": "sqlite:////nonexistent-folder/x.sqlite3"}
    proc = cli(env, "--debug", "status")
    assert proc.returncode == 2
    assert "Traceback" in proc.stderr and "database_url" in proc.stderr.splitlines()[-1]


def test_config_check_refuses_a_broken_sources_table_naming_it(cli_env, tmp_path):
    (tmp_path / "ruankao-watch.toml").write_text(
        '[[sources]]\nid = "ruankao"\ncolour = "blue"\n', encoding="utf-8"
    )
    proc = cli(cli_env, "config", "check")
    assert proc.returncode == 2
    assert "sources" in proc.stderr and "colour" in proc.stderr


@pytest.mark.parametrize(("secret", "warned"), [("", "not set"), ("hunter2", "weak"), (STRONG_SECRET, None)])
def test_config_check_warns_about_a_missing_or_weak_secret(cli_env, secret, warned):
    proc = cli({**cli_env, "RUANKAO_WATCH_SECRET": secret}, "config", "check")
    assert proc.returncode == 0, proc.stderr
    assert "hunter2" not in proc.stdout + proc.stderr
    if warned:
        assert f"secret: {warned}" in proc.stderr
    else:
        assert "secret" not in proc.stderr


def test_config_check_connect_opens_the_database_and_greets_the_relay(cli_env, tmp_path):
    with SmtpServer() as smtp:
        env = {
            **cli_env,
            "RUANKAO_WATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'ok.sqlite3'}",
            "RUANKAO_WATCH_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}?timeout=5",
        }
        proc = cli(env, "config", "check", "--connect")
    assert proc.returncode == 0, proc.stderr
    assert "database_url: connected" in proc.stderr
    assert "smtp_url: the relay answered" in proc.stderr


def test_config_check_connect_names_what_is_unreachable_and_exits_1(cli_env):
    env = {
        **cli_env,
        "RUANKAO_WATCH_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/test",
        "RUANKAO_WATCH_SMTP_URL": "smtp://127.0.0.1:9?timeout=2",
    }
    proc = cli(env, "config", "check", "--connect")
    assert proc.returncode == 1
    assert "database_url: cannot connect" in proc.stderr
    assert "smtp_url: connection failed" in proc.stderr


def test_config_check_names_a_variable_that_names_no_key(cli_env):
    env = {
        **cli_env,
        "RUANKAO_WATCH_SECRET": STRONG_SECRET,
        "RUANKAO_WATCH_DATABSE_URL": "sqlite:///x.sqlite3",
    }
    proc = cli(env, "config", "check")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("warning: RUANKAO_WATCH_DATABSE_URL: names no configuration key"), (
        proc.stderr
    )
    assert "SECRET" not in proc.stderr
