"""``[[channels]]`` in the configuration: validated with errors naming the key, masked wherever shown,
and delivered by the ``alert`` and ``send`` commands (the issue's "done when", from the command line:
``app.cli.main`` in this process, so Apprise's hundred plugins load once, not once per command)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import readable_channels
from core.config import ConfigError, load_config
from tests.conftest import cli_in_process as cli
from tests.factories import add_notice, notice


def _load(tmp_path, toml: str):
    path = tmp_path / "c.toml"
    path.write_text(toml, encoding="utf-8")
    return readable_channels(load_config(path, environ={}))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('url = "nonsense"', "channels.0.url: expected an Apprise URL"),
        ('url = "nosuchservice://abc"', "channels.0.url: Apprise cannot read nosuchservice://****"),
        ('url = "wecombot://KEY123"\nregions = ["火星"]', "channels.0.regions: unknown place '火星'"),
        (
            'url = "wecombot://KEY123"\nkinds = ["gossip"]',
            "channels.0.kinds: expected notice kinds among registration",
        ),
        ('url = "wecombot://KEY123"\nreminder_days = 99', "channels.0.reminder_days"),
        ('url = "wecombot://KEY123"\ncolour = "red"', "channels.0.colour: unknown key"),
    ],
)
def test_channel_errors_name_the_key_and_never_the_url_key(tmp_path, table, message):
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, f"[[channels]]\n{table}\n")
    assert message in str(error.value)
    assert "KEY123" not in str(error.value)


def test_two_channels_may_not_share_a_url(tmp_path):
    with pytest.raises(ConfigError, match=r"channels: .*two channels have the same URL"):
        _load(tmp_path, '[[channels]]\nurl = "wecombot://K1"\n[[channels]]\nurl = "wecombot://K1"\n')


def test_regions_are_read_as_places(tmp_path):
    config = _load(tmp_path, '[[channels]]\nurl = "wecombot://K1"\nregions = ["天津市", "广东"]\n')
    assert config.channels[0].regions == ("天津", "广东")
    assert config.masked()["channels"][0]["url"] == "wecombot://****"


def test_an_operator_adds_one_channel_and_the_group_gets_the_window_once(
    cli_env, database_url, sessions, hook
):
    port = hook.base_url.rsplit(":", 1)[1]
    Path("ruankao-watch.toml").write_text(  # cli_env works in this test's own directory
        f'[[channels]]\nurl = "json://tj:SECRET42@127.0.0.1:{port}/tianjin"\nregions = ["天津"]\n'
        'kinds = ["registration"]\n',
        encoding="utf-8",
    )
    env = {
        **cli_env,
        "RUANKAO_WATCH_DATABASE_URL": database_url,
        "RUANKAO_WATCH_SECRET": "s",
        "RUANKAO_WATCH_SMTP_URL": "smtp://127.0.0.1:9?timeout=1",
    }
    add_notice(sessions, notice(1, region="天津", title="天津市2026年度证书登记通知"))
    add_notice(sessions, notice(2, region="广东", title="广东省2026年度证书登记通知"))

    for _ in range(2):  # the second time: nothing new
        assert cli(env, "alert", "--today", "2026-03-01").returncode == 0
        proc = cli(env, "send")
        assert proc.returncode == 0, proc.stderr
    [post] = hook.posts("/tianjin")
    assert "天津市2026年度证书登记通知" in json.loads(post.body)["title"]

    shown = (
        cli(env, "config", "check").stdout + cli(env, "status").stdout + cli(env, "status", "--json").stdout
    )
    assert "SECRET42" not in shown
    assert f"json://tj:****@127.0.0.1:{port}/****" in shown
