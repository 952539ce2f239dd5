"""Shared fixtures: databases on SQLite and PostgreSQL, and a clean environment for the CLI.

``database_url`` runs a test once on a fresh SQLite file and once on PostgreSQL (a fresh
schema on the server at 127.0.0.1:5432, database ``test``), each already migrated (a copy of
one migrated database per test process, see ``tests/databases.py``); where no PostgreSQL
server answers, the PostgreSQL case skips and says so.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from store.db import make_engine, make_sessionmaker
from testkit.site import LocalSite, sample_site_root
from testkit.smtp import MailSink, SmtpServer
from tests.databases import Statement, copy_sqlite, migrated_sqlite_file, record_migration, replay

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER_URL = os.environ.get("RUANKAO_WATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            pass
        engine = create_engine(PG_SERVER_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


POSTGRES = _postgres_available()
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def _empty_schema() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema, dropped at the end."""
    if not POSTGRES:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432 (user postgres, database test)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_SERVER_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema; dropped afterwards."""
    with _empty_schema() as url:
        yield url


@pytest.fixture(scope="session")
def pg_migration() -> list[Statement]:
    """What Alembic sends to migrate an empty PostgreSQL schema, recorded once per test process."""
    with _empty_schema() as url:
        return record_migration(url)


@pytest.fixture(scope="session")
def sqlite_migrated(tmp_path_factory) -> Path:
    """A SQLite file migrated once per test process; each test gets a copy."""
    return migrated_sqlite_file(tmp_path_factory.mktemp("migrated"))


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path) -> str:
    """An empty database (no tables) on each backend, for tests that run the migrations themselves."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return request.getfixturevalue("pg_schema_url")


@contextmanager
def migrated_database(request: pytest.FixtureRequest, directory: Path) -> Iterator[str]:
    """An empty, migrated database on ``request.param``'s backend (a copy of one migrated once;
    see tests/databases.py); a SQLite file in ``directory``, a PostgreSQL schema dropped at the end."""
    if request.param == "sqlite":
        yield copy_sqlite(request.getfixturevalue("sqlite_migrated"), directory / "test.sqlite3")
        return
    with _empty_schema() as url:
        replay(request.getfixturevalue("pg_migration"), url)
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """An empty, migrated database on each backend."""
    with migrated_database(request, tmp_path) as url:
        yield url


@pytest.fixture
def sessions(database_url):
    """A sessionmaker bound to ``database_url``."""
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def clean_env() -> dict[str, str]:
    """Environment for running ``python -m app`` in a subprocess: repo on the path, no stray config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUANKAO_WATCH_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture
def cli_env(tmp_path, monkeypatch) -> dict[str, str]:
    """``clean_env()``, run from this test's own directory."""
    monkeypatch.chdir(tmp_path)
    return clean_env()


PYTHON = sys.executable


def cli(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``ruankao-watch ARGS`` in a child process, as cron would run it; output captured as text."""
    return subprocess.run(
        [PYTHON, "-m", "app", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def cli_in_process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``ruankao-watch ARGS`` through ``app.cli.main`` in this process; output captured as text.

    For the steps and reads around what a test is about: a child process costs about a second of
    interpreter start and imports. Tests of the process itself (exit codes under cron, kills,
    locks) use ``cli``. ``env``'s ``RUANKAO_WATCH_*`` variables are the configuration, the working
    directory is the test's (``cli_env``), and the logging set-up the command makes is undone.
    """
    from app.cli import main

    loggers = logging.getLogger(), logging.getLogger("alembic")
    saved = loggers[0].handlers[:], [logger.level for logger in loggers]
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for key in [k for k in os.environ if k.startswith("RUANKAO_WATCH_")]:
            patch.delenv(key)
        for key, value in env.items():
            if key.startswith("RUANKAO_WATCH_"):
                patch.setenv(key, value)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = main(list(args))
        finally:
            loggers[0].handlers[:] = saved[0]
            for logger, level in zip(loggers, saved[1], strict=True):
                logger.setLevel(level)
    return subprocess.CompletedProcess(["ruankao-watch", *args], code, out.getvalue(), err.getvalue())


def hold_run_lock(url: str) -> subprocess.Popen:
    """A child process that takes the run lock, says so, and waits to be killed."""
    code = textwrap.dedent(
        f"""
        import time
        from store.locks import run_lock
        with run_lock({url!r}):
            print("locked", flush=True)
            time.sleep(600)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([PYTHON, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL, as the OOM killer or a power cut would; reap it and close its pipes."""
    proc.kill()
    proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


@pytest.fixture
def site() -> Iterator[LocalSite]:
    """The bundled sample site (a ruankao.org.cn look-alike) on a loopback port."""
    with LocalSite(sample_site_root()) as served:
        yield served


@pytest.fixture
def sink(tmp_path) -> Iterator[MailSink]:
    """A real SMTP server on loopback that keeps each message as an .eml file."""
    with MailSink(tmp_path / "inbox") as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A running scripted SMTP server; ``smtp.handler`` scripts it and records what arrived."""
    with SmtpServer() as server:
        yield server


def cycle_env(env: dict[str, str], database_url: str, smtp_port: int) -> dict[str, str]:
    """The CLI's environment for a whole cycle: the database, the SMTP server, a secret, and no
    waits between requests or before retries (loopback; the defaults are checked in test_crawl_settings)."""
    return {
        **env,
        "RUANKAO_WATCH_DATABASE_URL": database_url,
        "RUANKAO_WATCH_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "RUANKAO_WATCH_SECRET": "test-secret",
        "RUANKAO_WATCH_DOWNLOAD_DELAY": "0",
        "RUANKAO_WATCH_RETRY_BACKOFF": "0",
    }


@pytest.fixture
def app_env(cli_env, database_url, sink) -> dict[str, str]:
    """``cycle_env`` with this test's database and the SMTP sink."""
    return cycle_env(cli_env, database_url, sink.port)
