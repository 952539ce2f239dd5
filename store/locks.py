"""Process locks: the run lock (one cycle at a time per database) and senders' proof of life.

SQLite gets an exclusive ``flock`` on a file beside the database (the kernel drops it
when the process dies, even on SIGKILL); PostgreSQL gets a session-level advisory lock,
which the server drops when the connection goes, so it works across machines too.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from store.db import make_engine, normalise_url

ADVISORY_KEY = 0x52_4B_57  # "RKW": one fixed key for the run cycle
LOCK = text("SELECT pg_try_advisory_lock(:k, hashtext(current_schema()))")
UNLOCK = text("SELECT pg_advisory_unlock(:k, hashtext(current_schema()))")


class AlreadyRunning(RuntimeError):
    """Another run holds the lock."""


def _lock_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        return Path(os.environ.get("TMPDIR", "/tmp")) / "ruankao-watch.memory.lock"
    return Path(database).with_name(Path(database).name + ".lock")


@contextmanager
def _flock(path: Path) -> Iterator[bool]:
    """Hold an exclusive flock on ``path`` for the body; yields False at once if it is taken."""
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def run_lock(url: str) -> Iterator[None]:
    """Hold the run lock for the body; raise AlreadyRunning at once if another run has it."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        path = _lock_file(url)
        with _flock(path) as held:
            if not held:
                raise AlreadyRunning(f"another ruankao-watch run holds {path}")
            yield
        return
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            # Advisory locks are per database; keying on the schema too lets several
            # installations share one database in separate schemas.
            if not conn.execute(LOCK, {"k": ADVISORY_KEY}).scalar():
                raise AlreadyRunning("another ruankao-watch run holds the PostgreSQL advisory lock")
            try:
                yield
            finally:
                conn.execute(UNLOCK, {"k": ADVISORY_KEY})
                conn.commit()
    finally:
        engine.dispose()


@contextmanager
def sender_lock(url: str, name: str = "send") -> Iterator[bool]:
    """Hold the one-sender lock of an SQLite database; yields False if another sender holds it.

    ``name`` names the outbox: mail (``send``) and pushes (``push``) have a sender each.

    SQLite cannot skip locked rows, so two senders could claim the same expired lease; a
    lock file beside the database keeps the second one out. On PostgreSQL this yields
    True at once: ``FOR UPDATE SKIP LOCKED`` lets any number of senders share the outbox.
    """
    url = normalise_url(str(url))
    if make_url(url).get_backend_name() != "sqlite":
        yield True
        return
    lock = _lock_file(url)
    with _flock(lock.with_name(lock.name.removesuffix(".lock") + f".{name}.lock")) as held:
        yield held


def _presence_file(database: str, holder: int) -> Path:
    base = _lock_file(f"sqlite:///{database}")
    return base.with_name(f"{base.name.removesuffix('.lock')}.sender-{holder}.lock")


@contextmanager
def sender_presence(url: str) -> Iterator[int]:
    """A random id for one sender, held alive for the body; claims are stamped with it.

    Proof of life that the system drops when the process dies, even on SIGKILL: an
    exclusive ``flock`` on ``<database>.sender-<id>.lock`` (SQLite), or a session advisory
    lock on the id held by a connection of its own (PostgreSQL). ``dead_holders`` tests it.
    """
    url = normalise_url(str(url))
    holder = secrets.randbits(62) + 1
    if make_url(url).get_backend_name() == "sqlite":
        path = _presence_file(make_url(url).database or "", holder)
        with _flock(path) as held:
            assert held  # a fresh random name: nobody else has it
            try:
                yield holder
            finally:
                path.unlink(missing_ok=True)
        return
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": holder})
            conn.commit()
            try:
                yield holder
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": holder})
                conn.commit()
    finally:
        engine.dispose()


def _file_holder_dead(path: Path) -> bool:
    try:
        handle = open(path, "r+")  # noqa: SIM115 (closed below, after the unlink)
    except FileNotFoundError:
        return True  # it finished and cleaned up
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        path.unlink(missing_ok=True)
        return True


def dead_holders(session: Session, holders: list[int]) -> list[int]:
    """Those of ``holders`` whose sender process is gone (their presence lock is free)."""
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        database = bind.url.database or ""
        return [h for h in holders if _file_holder_dead(_presence_file(database, h))]
    dead = []
    for holder in holders:
        if session.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": holder}).scalar():
            session.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": holder})
            dead.append(holder)
    return dead
