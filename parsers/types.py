"""Plain data passed from the parsers to the store: ParsedNotice and its parts.

These frozen dataclasses are the vocabulary every later step shares, so they import
nothing but the standard library. ``to_dict()`` gives exactly the JSON that
``ruankao-watch parse --json`` prints (see docs/parsers.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from core.sessions import session_bounds


def format_moment(value: date | datetime | None) -> str | None:
    """``YYYY-MM-DD`` for a date, ``YYYY-MM-DDTHH:MM`` for a local (Asia/Shanghai) time."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


@dataclass(frozen=True)
class Window:
    """A period in which a person must act (登记, 报名, 缴费, 领取 …).

    ``start``/``end`` are naive Asia/Shanghai local times (datetime) when the notice
    gives a time, dates otherwise; None is an open bound.
    """

    label: str
    start: date | datetime | None
    end: date | datetime | None
    evidence: str

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


@dataclass(frozen=True)
class EligibleRange:
    """Certificate years or exam sessions a notice covers; None is an open bound."""

    start: str | None
    end: str | None
    evidence: str

    def bounds(self) -> tuple[int, int]:
        """Inclusive ordinal range (see ``session_bounds``); open ends become 0 / 99999."""
        lo = session_bounds(self.start)[0] if self.start else 0
        hi = session_bounds(self.end)[1] if self.end else 99999
        return lo, hi

    def to_dict(self) -> dict:
        return {"from": self.start, "to": self.end, "evidence": self.evidence}


@dataclass(frozen=True)
class Fee:
    """A charge a person pays; amounts are Decimal so 30.5 stays 30.5."""

    amount: Decimal
    item: str
    per: str | None
    evidence: str
    currency: str = "CNY"

    def to_dict(self) -> dict:
        whole = self.amount == self.amount.to_integral()
        amount: int | float = int(self.amount) if whole else float(self.amount)
        return {
            "amount": amount,
            "currency": self.currency,
            "item": self.item,
            "per": self.per,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class ParsedNotice:
    """Everything the parsers read off one notice."""

    title: str
    kind: str
    region: str
    published: date | None
    windows: tuple[Window, ...] = ()
    eligible: tuple[EligibleRange, ...] = ()
    fees: tuple[Fee, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "kind": self.kind,
            "region": self.region,
            "published": self.published.isoformat() if self.published else None,
            "windows": [w.to_dict() for w in self.windows],
            "eligible": [e.to_dict() for e in self.eligible],
            "fees": [f.to_dict() for f in self.fees],
            "warnings": list(self.warnings),
        }
