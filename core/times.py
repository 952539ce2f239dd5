"""Times people read: Beijing time, always marked as such.

The store writes UTC (SQLite hands it back without a zone; PostgreSQL with one). Whatever
an operator or a subscriber reads (``status``, ``notices show``, exports, the operator's
mail) is said in Beijing time, the time the notices and the sites use, with the offset or
the words 北京时间, so that nobody reads a UTC time as a local one, eight hours off.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def in_beijing(moment: datetime) -> datetime:
    """``moment`` as an aware Beijing time; a naive one is UTC (as the store writes it)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(BEIJING)


def beijing_iso(moment: datetime | str | None) -> str | None:
    """``2026-11-29T22:02:48+08:00`` for JSON and terminals; None stays None.

    An ISO string (as stored in a JSON column) is read first, so old rows read the same.
    """
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return in_beijing(moment).isoformat(timespec="seconds")


def beijing_label(moment: datetime | str | None) -> str:
    """``2026年11月29日 22:02（北京时间）`` for mails and pages; None or unreadable → 未知."""
    try:
        iso = beijing_iso(moment)
    except ValueError:
        return "未知"
    if iso is None:
        return "未知"
    local = datetime.fromisoformat(iso)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（北京时间）"
