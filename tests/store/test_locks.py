"""The run lock: a second holder is refused at once, and a killed holder frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from store.locks import AlreadyRunning, run_lock


def _holder(url: str) -> subprocess.Popen:
    """A child process that takes the lock, says so, and waits to be killed."""
    code = textwrap.dedent(
        f"""
        import sys, time
        from store.locks import run_lock
        with run_lock({url!r}):
            print("locked", flush=True)
            time.sleep(600)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_holder_is_refused_and_a_killed_holder_frees_the_lock(database_url, monkeypatch, request):
    monkeypatch.chdir(request.config.rootpath)
    holder = _holder(database_url)
    try:
        with pytest.raises(AlreadyRunning), run_lock(database_url):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    with run_lock(database_url):
        pass
