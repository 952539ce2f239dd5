"""Logging set-up: plain lines for people, one JSON object per line for log collectors."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime

from core.times import BEIJING


def _beijing_time(record: logging.LogRecord) -> str:
    """When the record was made, in Beijing time with its offset, whatever the machine's zone."""
    return datetime.fromtimestamp(record.created, BEIJING).isoformat(timespec="milliseconds")


class JsonFormatter(logging.Formatter):
    """One JSON object per record; keys a log shipper can index without parsing text."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": _beijing_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``2026-03-01T16:00:00.000+08:00 INFO name: message``: the time is Beijing time and says so."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _beijing_time(record)


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic announces its context on every command; keep it for DEBUG, where it helps.
    logging.getLogger("alembic").setLevel(level if level == "DEBUG" else "WARNING")
