"""``status`` says why mail is stuck or failed, per reason with a count, addresses masked; and the runs and sources."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import PYTHON, cli_in_process
from tests.factories import free_port

CERT = ("--cert", "软件设计师:中级:2020")


@pytest.fixture
def cli(cli_env, database_url):
    """``status`` in a child process, as an operator runs it; the steps that fill the outbox
    (``subscribers add``, ``send``) in this process (``cli_in_process``)."""
    env = {**cli_env, "RUANKAO_WATCH_DATABASE_URL": database_url, "RUANKAO_WATCH_SECRET": "s" * 32}

    def cli(*args: str, smtp_url: str = "smtp://127.0.0.1:9") -> subprocess.CompletedProcess:
        env_now = {**env, "RUANKAO_WATCH_SMTP_URL": smtp_url}
        if args[0] != "status":
            return cli_in_process(env_now, *args)
        return subprocess.run(
            [PYTHON, "-m", "app", *args],
            env=env_now,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    return cli


def test_status_names_each_reason_mail_failed_or_waits_with_its_count_and_no_address(cli, smtp):
    """A mailbox the relay refuses (550), a relay that offers no STARTTLS, a relay that is down."""
    relay = f"smtp://127.0.0.1:{smtp.port}"
    for address in ("gone.one@example.com", "gone.two@example.com", "kept@example.com"):
        assert cli("subscribers", "add", address, *CERT).returncode == 0  # a confirmation mail each
    for address in ("gone.one@example.com", "gone.two@example.com"):
        smtp.handler.rcpt_replies[address] = (
            f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        )
    refused = cli("send", smtp_url=relay)
    assert refused.returncode == 1
    assert cli("subscribers", "add", "tls@example.com", *CERT).returncode == 0
    assert cli("send", smtp_url=f"{relay}?starttls=true").returncode == 1  # fails closed, kept for a retry
    assert cli("subscribers", "add", "down@example.com", *CERT).returncode == 0
    assert cli("send", smtp_url=f"smtp://127.0.0.1:{free_port()}").returncode == 1

    status = cli("status")
    assert status.returncode == 0, status.stderr
    out = status.stdout
    assert "outbox: pending 2, sending 0, sent 1, failed 2" in out
    assert "  failed ×2: 550 5.1.1 <***@example.com>: Recipient address rejected: User unknown" in out
    [tls] = [line for line in out.splitlines() if "STARTTLS" in line]
    assert tls.startswith("  waiting for a retry ×1: connection failed")
    [down] = [line for line in out.splitlines() if "refused" in line.lower() or "Errno 111" in line]
    assert down.startswith("  waiting for a retry ×1: connection failed")
    assert "gone.one" not in out and "gone.two" not in out and "tls@" not in out and "down@" not in out

    report = json.loads(cli("status", "--json").stdout)
    assert report["outbox"] == {"pending": 2, "sending": 0, "sent": 1, "failed": 2}
    assert report["outbox_waiting_for_retry"] == 2
    reasons = {(r["status"], r["count"]) for r in report["outbox_reasons"]}
    assert reasons == {("failed", 2), ("pending", 1)} and len(report["outbox_reasons"]) == 3
    assert "gone.one" not in json.dumps(report)


def test_status_shows_each_run_with_its_problems_and_each_source(cli, sessions):
    from datetime import UTC, datetime

    from store.models import SourceState
    from store.runs import finish_run, start_run

    at = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    with sessions.begin() as s:
        run = start_run(s, "run", at)
        finish_run(
            s, run.id, status="partial", now=at,
            counts={}, errors=["send: 1 mail(s) failed: 550 <li.lei@example.com> unknown"],
        )  # fmt: skip
        s.add(
            SourceState(
                source_id="guangdong", healthy=False, problems=["403 from the list page"],
                failing_since=at, last_crawl_at=at, last_success_at=None, last_item_count=0,
            )
        )  # fmt: skip
    out = cli("status").stdout
    assert "#1 run 2026-03-01T09:00:00+08:00 → 2026-03-01T09:00:00+08:00 partial 1 problem(s)" in out
    assert "    - send: 1 mail(s) failed: 550 <***@example.com> unknown" in out
    assert "  guangdong: FAILING since 2026-03-01T09:00:00+08:00; last crawl 2026-03-01T09:00:00+08:00" in out
    assert "    - 403 from the list page" in out
