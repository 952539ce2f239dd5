"""What every command shares: the exit codes, Beijing "today", and the store opened with a clear error.

A database that cannot be opened is an operator's configuration problem far more often
than a bug, so it ends the command with exit 2 and one line naming ``database_url``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_CONFIG = 2
EXIT_LOCKED = 3

SHANGHAI = ZoneInfo("Asia/Shanghai")
_OPEN_ENGINES: list[Engine] = []


def utcnow() -> datetime:
    return datetime.now(UTC)


def shanghai_today() -> date:
    """Windows are announced in Beijing time, so "today" is the date in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


def iso_date(value: str) -> date:
    """An argparse type: ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``.

    ``--older-than 0`` would delete everything just stored, and ``--older-than 99999999999``,
    ``--port 99999`` or ``--limit -1`` would end in a traceback or a database error instead of one line.
    """

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}, got {value!r}")
        return number

    return parse


def upgrade_store(database_url: str) -> None:
    """Create or upgrade the schema; a database that cannot be opened is a ``database_url`` error."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    from core.config import ConfigError, mask_password
    from store.db import upgrade

    try:
        upgrade(database_url)
    except (OperationalError, ArgumentError, ImportError, ValueError) as exc:
        reason = database_error(exc)
        if isinstance(exc, ImportError):
            reason = f"the database driver is not installed ({reason})"
        raise ConfigError(f"database_url: cannot open {mask_password(database_url)}: {reason}") from exc


def database_error(exc: Exception) -> str:
    """The first line of what the driver said (SQLAlchemy wraps it in ``orig``), for one-line errors."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def open_store(database_url: str) -> sessionmaker[Session]:
    """Sessions on the configured database, its schema brought up to date first.

    The engine is closed by ``close_stores`` when the command ends, so a command run in-process
    (tests, the demo) leaves no pooled connection for the garbage collector.
    """
    from store.db import make_engine, make_sessionmaker

    upgrade_store(database_url)
    engine = make_engine(database_url)
    _OPEN_ENGINES.append(engine)
    return make_sessionmaker(engine)


def close_stores() -> None:
    """Dispose of every engine ``open_store`` made (their pooled connections close now)."""
    while _OPEN_ENGINES:
        _OPEN_ENGINES.pop().dispose()
