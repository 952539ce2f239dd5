"""Plain data passed from the parsers to the store: ParsedNotice and its parts.

These frozen dataclasses are the vocabulary every later step shares, so they import
nothing but the standard library. ``to_dict()`` gives exactly the JSON that
``ruankao-watch parse --json`` prints (see docs/parsers.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from core.sessions import session_bounds
from core.windows import Window


@dataclass(frozen=True)
class EligibleRange:
    """Certificate years or exam sessions a notice covers; None is an open bound.

    ``condition`` is the text beside the years that also decides who is concerned
    (登记有效期已满或从未登记, 取得证书满三年); matching reads it with a subscriber's
    last registration, so it is kept as written rather than guessed into bounds.
    """

    start: str | None
    end: str | None
    evidence: str
    condition: str | None = None

    def bounds(self) -> tuple[int, int]:
        """Inclusive ordinal range (see ``session_bounds``); open ends become 0 / 99999."""
        lo = session_bounds(self.start)[0] if self.start else 0
        hi = session_bounds(self.end)[1] if self.end else 99999
        return lo, hi

    def to_dict(self) -> dict:
        return {"from": self.start, "to": self.end, "condition": self.condition, "evidence": self.evidence}


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


UNCERTAIN_FIELDS = ("eligible", "region", "windows", "fees", "session")


@dataclass(frozen=True)
class Uncertain:
    """A field the parser saw but could not fully read, with the sentence that says so.

    Matching treats such a notice as possibly concerning a subscriber instead of
    silently skipping it (an unread "2022年度（含…）及以前" must still reach people).
    """

    field: str
    evidence: str

    def __post_init__(self) -> None:
        if self.field not in UNCERTAIN_FIELDS:
            raise ValueError(f"uncertain field must be one of {UNCERTAIN_FIELDS}, not {self.field!r}")

    def to_dict(self) -> dict:
        return {"field": self.field, "evidence": self.evidence}


class WarningCode(StrEnum):
    """What kind of trouble a warning reports; the crawl counts ``READER_FAILED`` as a parse failure."""

    READER_FAILED = "ReaderFailed"  # a reader raised: a parser bug, its field is left empty
    INPUT_CUT = "InputCut"  # the page or text was too long and only its start was read
    MISSING = "Missing"  # no title or published date could be found
    DROPPED = "Dropped"  # something was seen but not kept (a reversed range, an invalid date …)


@dataclass(frozen=True)
class ParseWarning:
    """One warning: a code for programs, a message for people (the JSON carries the message)."""

    code: WarningCode
    message: str

    def __str__(self) -> str:
        return self.message


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
    warnings: tuple[ParseWarning, ...] = ()
    session: tuple[str, ...] = ()
    uncertain: tuple[Uncertain, ...] = ()

    @property
    def failed(self) -> bool:
        """True when a reader raised (the crawl counts it as ``notices/parse/failed``)."""
        return any(w.code is WarningCode.READER_FAILED for w in self.warnings)

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "kind": self.kind,
            "region": self.region,
            "published": self.published.isoformat() if self.published else None,
            "windows": [w.to_dict() for w in self.windows],
            "session": list(self.session),
            "eligible": [e.to_dict() for e in self.eligible],
            "fees": [f.to_dict() for f in self.fees],
            "uncertain": [u.to_dict() for u in self.uncertain],
            # Messages for people (the JSON contract, docs/architecture.md), and beside them, in the same order,
            # their codes for programs: a reader's bug (ReaderFailed) is not a cut input (InputCut).
            "warnings": [w.message for w in self.warnings],
            "warning_codes": [w.code.value for w in self.warnings],
        }
