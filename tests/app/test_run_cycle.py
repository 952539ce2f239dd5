"""The cron-safe run cycle: overlapping runs, killed runs, dry runs and exit codes, through the CLI.

Each ``run``, ``crawl``, ``alert`` and ``send`` is a child process, as cron starts it; the set-up
(importing the subscriber) and reading the outbox back call the CLI in this process.
"""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from testkit.site import Behaviour, LocalSite
from tests.conftest import PYTHON, cli, cli_in_process, hold_run_lock, kill

LIST = "/index/work.html"
TODAY = "2026-03-05"
CSV = """email,name,region,qualification,level,obtained,last_registered
holder@example.com,张伟,天津市红桥区,信息系统项目管理师,高级,2021下半年,
"""


@pytest.fixture
def env(app_env, tmp_path) -> dict:
    """A cycle environment with one eligible, confirmed subscriber."""
    (tmp_path / "people.csv").write_text(CSV, encoding="utf-8")
    assert cli_in_process(app_env, "subscribers", "import", "people.csv", "--confirmed").returncode == 0
    return app_env


def run_args(site: LocalSite, *extra: str) -> tuple[str, ...]:
    return ("run", "--source", "ruankao", "--url", site.url(LIST), "--today", TODAY, *extra)


def outbox(env: dict) -> str:
    status = cli_in_process(env, "status")
    assert status.returncode == 0, status.stderr
    return next(line for line in status.stdout.splitlines() if line.startswith("outbox:"))


def test_a_second_run_exits_3_at_once_while_one_runs(env, site, sink, database_url):
    holder = hold_run_lock(database_url)
    try:
        second = cli(env, *run_args(site))
    finally:
        kill(holder)
    assert second.returncode == 3
    assert "another ruankao-watch run" in second.stderr
    assert site.requests == [] and sink.messages == []


def test_dry_run_sends_nothing_and_a_real_run_then_sends_once(env, site, sink, tmp_path):
    dry = cli(env, *run_args(site, "--dry-run", "--eml-out", "would-send"))
    assert dry.returncode == 0, dry.stderr
    assert sink.messages == []
    [eml] = sorted((tmp_path / "would-send").glob("*.eml"))
    assert "holder@example.com" in eml.read_text(encoding="utf-8")
    real = cli(env, *run_args(site))
    assert real.returncode == 0, real.stderr
    assert len(sink.messages) == 1


def test_a_source_down_exits_1_and_the_next_run_finishes_the_work(env, site, sink):
    site.behaviours[LIST] = Behaviour(statuses=[503] * 20)
    down = cli(env, *run_args(site))
    assert down.returncode == 1
    assert "problem: crawl" in down.stderr
    assert sink.messages == []
    site.behaviours.pop(LIST)
    up = cli(env, *run_args(site))
    assert up.returncode == 0, up.stderr
    assert len(sink.messages) == 1


def test_a_run_killed_mid_crawl_leaves_nothing_locked_and_the_next_run_completes(env, site, sink):
    slow = site.behaviours[LIST] = Behaviour(delay=60)
    victim = subprocess.Popen(
        [PYTHON, "-m", "app", *run_args(site)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the run and its crawler child die together
    )
    assert slow.arrived.wait(60), "the run never asked for the list page"  # its answer is 60 s away
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    site.behaviours.pop(LIST)
    again = cli(env, *run_args(site))
    assert again.returncode == 0, again.stderr
    assert len(sink.messages) == 1


def test_status_shows_the_runs_and_the_outbox(env, site):
    assert cli(env, *run_args(site)).returncode == 0
    status = cli(env, "status").stdout
    assert "run" in status and "ok" in status
    assert "outbox: pending 0, sending 0, sent 1, failed 0" in status
    assert "subscribers: pending 0, active 1" in status


def test_without_a_secret_nothing_runs_and_queued_mail_is_kept(env, site, sink):
    no_secret = {k: v for k, v in env.items() if k != "RUANKAO_WATCH_SECRET"}
    refused = cli(no_secret, *run_args(site))
    assert refused.returncode == 2
    assert "secret" in refused.stderr and site.requests == []
    assert cli(no_secret, "crawl", "--source", "ruankao", "--url", site.url(LIST)).returncode == 0
    assert cli(no_secret, "alert", "--today", TODAY).returncode == 0
    send = cli(no_secret, "send")
    assert send.returncode == 2 and "secret" in send.stderr
    assert outbox(no_secret) == "outbox: pending 1, sending 0, sent 0, failed 0"
    assert cli(env, *run_args(site)).returncode == 0
    assert len(sink.messages) == 1


def test_an_unreachable_mail_server_exits_1_and_keeps_the_mail(env, site, sink):
    first = cli({**env, "RUANKAO_WATCH_SMTP_URL": "smtp://127.0.0.1:1"}, *run_args(site))
    assert first.returncode == 1
    assert "will be retried" in first.stderr
    assert outbox(env) == "outbox: pending 1, sending 0, sent 0, failed 0"
    assert sink.messages == []
    again = cli({**env, "RUANKAO_WATCH_SMTP_URL": "smtp://127.0.0.1:1"}, *run_args(site))
    assert again.returncode == 1  # nothing was due (backed off), but mail is stuck: the relay is down
    assert "1 mail(s) still wait for a retry; last error:" in again.stderr
