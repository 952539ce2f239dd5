"""A reminder's deadline: which window an alert is about, the days left, and when a reminder expires.

Pure, like ``alerts.compose``: the caller says what day it is. Mail and push share it, so a
reminder reads and expires the same way on every channel.
"""

from __future__ import annotations

from datetime import date, datetime

from core.times import in_beijing
from store.outgoing import AlertItem


def shown_windows(item: AlertItem) -> list[dict]:
    """The windows an alert is about: a 即将截止 reminder's one (``detail.window`` indexes the
    notice's windows), every window for the other kinds."""
    windows = item.parsed.get("windows", [])
    if item.kind != "closing_soon":
        return windows
    position = item.detail.get("window", 0)
    return windows[position : position + 1]


def _last_day(window: dict) -> date | None:
    try:
        return date.fromisoformat(str(window.get("end") or "")[:10])
    except ValueError:
        return None


def days_left(window: dict, queued_at: datetime) -> str:
    """``（还剩 3 天）`` until the window's last day, counted in Beijing time from when the mail was queued.

    The queueing time, not the sending time, so that the same mail composes to the same bytes.
    """
    end = _last_day(window)
    if end is None:
        return ""
    left = (end - in_beijing(queued_at).date()).days
    if left < 0:
        return ""
    return "（今天截止）" if left == 0 else f"（还剩 {left} 天）"


def expired_reason(items: tuple[AlertItem, ...], today: date) -> str | None:
    """Why a message should not go out at all, ``today`` (Beijing) being the day it would be sent.

    Only reminders expire: when every item is a 即将截止 reminder whose window closed before
    ``today`` (no sender ran for days), sending it would tell people to hurry for a deadline that
    has passed, under a "还剩 N 天" counted from the day it was queued. New-notice and change
    alerts never expire: learning of a notice late is still worth a mail.
    """
    ends = []
    for item in items:
        windows = shown_windows(item) if item.kind == "closing_soon" else []
        end = _last_day(windows[0]) if windows else None
        if end is None or end >= today:
            return None
        ends.append(end)
    if not ends:
        return None
    return f"expired: the reminder's deadline {max(ends).isoformat()} passed before it could be sent"
