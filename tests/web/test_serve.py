"""``ruankao-watch serve`` starts the app on the given port; without a secret it refuses to start."""

from __future__ import annotations

import socket
import subprocess
import time

import httpx
import pytest

from core.config import ConfigError, Settings
from tests.conftest import PYTHON
from tests.factories import free_port
from tests.web.helpers import SECRET
from web.app import create_app


def test_the_app_needs_a_secret(sessions):
    with pytest.raises(ConfigError, match="secret"):
        create_app(Settings(secret="").web, sessions)


def test_serve_answers_health_and_pages(cli_env, tmp_path):
    port = free_port()
    env = {
        **cli_env,
        "RUANKAO_WATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "RUANKAO_WATCH_SECRET": SECRET,
    }
    subprocess.run([PYTHON, "-m", "app", "init"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [PYTHON, "-m", "app", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "serve did not start"
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        assert "软考通知提醒" in httpx.get(f"http://127.0.0.1:{port}/", timeout=5).text
        assert httpx.get(f"http://127.0.0.1:{port}/feeds/rss.xml", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(10)
        server.stdout.close()


def test_serve_on_a_busy_port_exits_2_with_one_line_naming_the_address(cli_env, tmp_path):
    """Not 3: that code means another run holds the lock."""
    env = {
        **cli_env,
        "RUANKAO_WATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "RUANKAO_WATCH_SECRET": SECRET,
    }
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = subprocess.run(
            [PYTHON, "-m", "app", "serve", "--port", str(port)],
            env=env, capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert f"127.0.0.1:{port}" in line and "--port" in line and "Address already in use" in line
