"""The one window type every step shares: a labelled period (登记, 报名, 缴费, 领取 …) with its evidence.

The parsers produce it, the store keeps it as JSON and as ``notice_window`` rows (so matching
can filter on the end date in SQL), and the feeds read it back with ``Window.from_dict``.
Bounds are naive Asia/Shanghai local times when the notice gives a time, dates otherwise;
None is an open bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


def format_moment(value: date | datetime | None) -> str | None:
    """``YYYY-MM-DD`` for a date, ``YYYY-MM-DDTHH:MM`` for a local (Asia/Shanghai) time."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def read_moment(text: str | None) -> date | datetime | None:
    """The inverse of ``format_moment``; None when absent or unreadable (a stored row may be old)."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Window:
    """A period in which a person must act."""

    label: str
    start: date | datetime | None
    end: date | datetime | None
    evidence: str = ""

    @property
    def end_date(self) -> date | None:
        if isinstance(self.end, datetime):
            return self.end.date()
        return self.end

    @property
    def start_date(self) -> date | None:
        if isinstance(self.start, datetime):
            return self.start.date()
        return self.start

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "start": format_moment(self.start),
            "end": format_moment(self.end),
            "evidence": self.evidence,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Window:
        """A window as ``to_dict`` wrote it (the stored ``parsed`` JSON)."""
        return cls(
            label=str(data.get("label") or ""),
            start=read_moment(data.get("start")),
            end=read_moment(data.get("end")),
            evidence=str(data.get("evidence") or ""),
        )
