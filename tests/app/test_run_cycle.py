"""The cron-safe run cycle: overlapping runs, killed runs, dry runs and exit codes, through the CLI."""

from __future__ import annotations

import subprocess
import time

import pytest

from crawler.localsite import Behaviour, LocalSite
from tests.conftest import PYTHON, hold_run_lock, kill

LIST = "/index/work.html"
TODAY = "2026-03-05"
CSV = """email,name,region,qualification,level,obtained,last_registered
holder@example.com,张伟,天津市红桥区,信息系统项目管理师,高级,2021下半年,
"""


@pytest.fixture
def env(app_env, tmp_path) -> dict:
    (tmp_path / "people.csv").write_text(CSV, encoding="utf-8")
    subprocess.run(
        [PYTHON, "-m", "app", "subscribers", "import", "people.csv", "--confirmed"],
        env=app_env,
        check=True,
        capture_output=True,
    )
    return app_env


def run(env: dict, site: LocalSite, *extra: str) -> subprocess.CompletedProcess:
    args = [
        PYTHON,
        "-m",
        "app",
        "run",
        "--source",
        "ruankao",
        "--url",
        site.url(LIST),
        "--today",
        TODAY,
        *extra,
    ]
    return subprocess.run(args, env=env, capture_output=True, text=True, check=False, timeout=300)


def test_a_second_run_exits_3_at_once_while_one_runs(env, site, sink, database_url):
    holder = hold_run_lock(database_url)
    try:
        second = run(env, site)
    finally:
        kill(holder)
    assert second.returncode == 3
    assert "another ruankao-watch run" in second.stderr
    assert site.requests == [] and sink.messages == []


def test_dry_run_sends_nothing_and_a_real_run_then_sends_once(env, site, sink, tmp_path):
    dry = run(env, site, "--dry-run", "--eml-out", "would-send")
    assert dry.returncode == 0, dry.stderr
    assert sink.messages == []
    [eml] = sorted((tmp_path / "would-send").glob("*.eml"))
    assert "holder@example.com" in eml.read_text(encoding="utf-8")
    real = run(env, site)
    assert real.returncode == 0, real.stderr
    assert len(sink.messages) == 1


def test_a_source_down_exits_1_and_the_next_run_finishes_the_work(env, site, sink):
    site.behaviours[LIST] = Behaviour(statuses=[503] * 20)
    down = run(env, site)
    assert down.returncode == 1
    assert "problem: crawl" in down.stderr
    assert sink.messages == []
    site.behaviours.pop(LIST)
    up = run(env, site)
    assert up.returncode == 0, up.stderr
    assert len(sink.messages) == 1


def test_a_run_killed_mid_crawl_leaves_nothing_locked_and_the_next_run_completes(env, site, sink):
    site.behaviours[LIST] = Behaviour(delay=60)
    args = [PYTHON, "-m", "app", "run", "--source", "ruankao", "--url", site.url(LIST), "--today", TODAY]
    victim = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not site.requests_for("/robots.txt") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert site.requests_for("/robots.txt"), "the run never reached the site"
    time.sleep(1)  # now inside the list page's 60 s answer (recorded only once answered)
    kill(victim)
    subprocess.run(["pkill", "-KILL", "-f", f"crawler.runner.*{site.base_url}"], check=False)
    site.behaviours.pop(LIST)
    again = run(env, site)
    assert again.returncode == 0, again.stderr
    assert len(sink.messages) == 1


def test_status_shows_the_runs_and_the_outbox(env, site):
    assert run(env, site).returncode == 0
    status = subprocess.run(
        [PYTHON, "-m", "app", "status"], env=env, capture_output=True, text=True, check=True
    )
    assert "run" in status.stdout and "ok" in status.stdout
    assert "outbox: pending 0, sending 0, sent 1, failed 0" in status.stdout
    assert "subscribers: pending 0, active 1" in status.stdout


def test_without_a_secret_nothing_runs_and_queued_mail_is_kept(env, site, sink):
    no_secret = {k: v for k, v in env.items() if k != "RUANKAO_WATCH_SECRET"}
    refused = run(no_secret, site)
    assert refused.returncode == 2
    assert "secret" in refused.stderr and site.requests == []
    subprocess.run(
        [PYTHON, "-m", "app", "alert", "--today", TODAY], env=no_secret, check=True, capture_output=True
    )
    crawl = [PYTHON, "-m", "app", "crawl", "--source", "ruankao", "--url", site.url(LIST)]
    subprocess.run(crawl, env=no_secret, check=True, capture_output=True)
    subprocess.run(
        [PYTHON, "-m", "app", "alert", "--today", TODAY], env=no_secret, check=True, capture_output=True
    )
    send = subprocess.run(
        [PYTHON, "-m", "app", "send"], env=no_secret, capture_output=True, text=True, check=False
    )
    assert send.returncode == 2 and "secret" in send.stderr
    status = subprocess.run(
        [PYTHON, "-m", "app", "status"], env=no_secret, capture_output=True, text=True, check=True
    )
    assert "outbox: pending 1, sending 0, sent 0, failed 0" in status.stdout
    assert run(env, site).returncode == 0
    assert len(sink.messages) == 1


def test_an_unreachable_mail_server_exits_1_and_keeps_the_mail(env, site, sink):
    down = {**env, "RUANKAO_WATCH_SMTP_URL": "smtp://127.0.0.1:1"}
    first = run(down, site)
    assert first.returncode == 1
    assert "will be retried" in first.stderr
    status = subprocess.run(
        [PYTHON, "-m", "app", "status"], env=env, capture_output=True, text=True, check=True
    )
    assert "outbox: pending 1, sending 0, sent 0, failed 0" in status.stdout
    assert sink.messages == []
