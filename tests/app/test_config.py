"""Configuration: file and environment merge, and errors that name the key."""

from __future__ import annotations

import json

import pytest

from core.config import ConfigError, load_config
from tests.conftest import cli


def test_environment_overrides_the_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('base_url = "https://watch.example.cn"\nsend_concurrency = 4\n', encoding="utf-8")
    config = load_config(path, environ={"RUANKAO_WATCH_SEND_CONCURRENCY": "7"})
    assert config.base_url == "https://watch.example.cn"
    assert config.send_concurrency == 7


def test_expiry_reminder_days_from_file_or_environment(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("expiry_reminder_days = [120, 14]\n", encoding="utf-8")
    assert load_config(path, environ={}).expiry_reminder_days == (120, 14)
    assert load_config(
        path, environ={"RUANKAO_WATCH_EXPIRY_REMINDER_DAYS": "60, 7"}
    ).expiry_reminder_days == (60, 7)
    assert load_config(path, environ={"RUANKAO_WATCH_EXPIRY_REMINDER_DAYS": ""}).expiry_reminder_days == ()


@pytest.mark.parametrize(
    ("toml", "env", "key"),
    [
        ('expiry_reminder_days = ["soon"]\n', {}, "expiry_reminder_days"),
        ("expiry_reminder_days = [0]\n", {}, "expiry_reminder_days"),
        ('smtp_url = "http://mail"\n', {}, "smtp_url"),
        ("", {"RUANKAO_WATCH_SEND_CONCURRENCY": "many"}, "send_concurrency"),
        ('base_url = "watch.example.cn"\n', {}, "base_url"),
        ('colour = "blue"\n', {}, "colour"),
        ("download_delay = -1\n", {}, "download_delay"),
        ("", {"RUANKAO_WATCH_RETRY_BACKOFF": "-0.5"}, "retry_backoff"),
        ("feed_limit = -1\n", {}, "feed_limit"),
        ("", {"RUANKAO_WATCH_SEND_RATE_PER_SECOND": "0"}, "send_rate_per_second"),
        ("send_rate_per_hour = 0\n", {}, "send_rate_per_hour"),
        ('contact_email = "nobody"\n', {}, "contact_email"),
        ('unsubscribe_email = "Ops <ops@example.cn>"\n', {}, "unsubscribe_email"),
        ('privacy_url = "javascript:alert(1)"\n', {}, "privacy_url"),
    ],
)
def test_errors_name_the_key(tmp_path, toml, env, key):
    path = tmp_path / "c.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=key):
        load_config(path, environ=env)


def test_masked_hides_passwords_and_secret():
    config = load_config(
        None,
        environ={"RUANKAO_WATCH_SMTP_URL": "smtp://user:hunter2@mail:587", "RUANKAO_WATCH_SECRET": "s3cret"},
    )
    masked = config.masked()
    assert "hunter2" not in str(masked) and "s3cret" not in str(masked)
    assert masked["smtp_url"] == "smtp://user:***@mail:587"


def test_cli_exits_2_on_a_configuration_error(cli_env, tmp_path):
    (tmp_path / "ruankao-watch.toml").write_text("send_concurrency = 0\n", encoding="utf-8")
    proc = cli(cli_env, "status")
    assert proc.returncode == 2
    assert "send_concurrency" in proc.stderr


def test_config_check_prints_masked_config(cli_env):
    env = {**cli_env, "RUANKAO_WATCH_SMTP_URL": "smtps://u:pw@mail:465"}
    proc = cli(env, "config", "check")
    assert proc.returncode == 0, proc.stderr
    assert '"smtp_url": "smtps://u:***@mail:465"' in proc.stdout


def test_log_format_json_writes_one_object_per_line(cli_env):
    proc = cli(cli_env, "--log-format", "json", "--log-level", "DEBUG", "init")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines, "DEBUG logging of init printed nothing"
    records = [json.loads(line) for line in lines]
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
