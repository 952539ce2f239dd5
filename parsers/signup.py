"""The national sign-up table (bm.ruankao.org.cn/sign/welcome) → one ParsedNotice per examining institution.

The table is not a notice: it is a grid of 报名 and 缴费 windows, one row per institution,
for the session selected in its ``<select>``. The spider selects the cells; this module
reads them, so a change of wording or date format never needs a spider change. The two
window cells carry the same class, so only their order says which is 报名 and which 缴费
(docs/architecture.md, "The source sites"): a row with any other number of cells is refused rather than guessed, because
a 缴费 window read as 报名 is the worst wrong answer this source could give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from core.places import office_region
from parsers.text import normalise
from parsers.types import ParsedNotice, ParseWarning, Uncertain, WarningCode, Window

# The cells in page order: the first is 报名, the second 缴费.
WINDOW_LABELS = ("报名", "缴费")
# What an empty window looks like: a lone "~", or a placeholder word.
PLACEHOLDERS = frozenset({"", "~", "未定", "待定", "暂无", "无", "-", "/"})
_SESSION = re.compile(r"(\d{4})\s*年?\s*(上半年|下半年)?")
_MOMENT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?")
_SEPARATOR = re.compile(r"[~～至]")
NO_SESSION = "the sign-up table named no selected session"


class SignupRowError(ValueError):
    """A row that cannot be read without guessing; the crawler counts it and stores nothing."""


@dataclass(frozen=True)
class SignupRow:
    """One institution's row as selected: its name and the texts of its window cells, in order."""

    institution: str
    cells: tuple[str, ...]


def parse_session(option_text: str | None) -> str | None:
    """``2026年上半年软考`` → ``2026上半年``; a bare year gives the year; unreadable → None."""
    match = _SESSION.search(normalise(option_text or ""))
    if not match:
        return None
    return match.group(1) + (match.group(2) or "")


def parse_window(label: str, cell: str) -> Window | None:
    """``2026-03-10 09:00 ~ 2026-03-20 17:00`` → a Window; ``~``, 未定, 待定 → None.

    Times are Beijing local times. A side left empty (``2026-03-10 09:00 ~``) is an open
    bound. Raises SignupRowError for text that is neither a window nor a placeholder.
    """
    text = " ".join(normalise(cell).split())
    if text in PLACEHOLDERS:
        return None
    sides = _SEPARATOR.split(text, maxsplit=1)
    if len(sides) == 1:
        sides.append("")
    bounds = [_moment(side.strip(), label, cell) for side in sides]
    if bounds == [None, None]:
        return None
    start, end = bounds
    if start is not None and end is not None and end < start:
        raise SignupRowError(f"{label} window ends before it starts: {cell!r}")
    return Window(label=label, start=start, end=end, evidence=f"{label}时间：{' '.join(cell.split())}")


def _moment(side: str, label: str, cell: str) -> datetime | None:
    if side in PLACEHOLDERS:
        return None
    match = _MOMENT.fullmatch(side)
    if not match:
        raise SignupRowError(f"{label} cell is not a window: {cell!r}")
    year, month, day, hour, minute = match.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    except ValueError as error:
        raise SignupRowError(f"{label} cell has an impossible date: {cell!r}") from error


def row_key(page_url: str, session: str | None, institution: str) -> str:
    """The stored URL of a row: the page with a fragment naming session and institution.

    Notice URLs are unique, and a row is one notice per session: the next session's row
    is a new notice (a new alert), while a moved deadline within a session is a new version.
    """
    base = page_url.split("#", 1)[0]
    return f"{base}#{quote(session or '', safe='')}-{quote(institution, safe='')}"


def row_title(session: str | None, institution: str) -> str:
    """``2026年上半年软考报名与缴费时间（天津）``."""
    when = f"{session[:4]}年{session[4:]}" if session else ""
    return f"{when}软考报名与缴费时间（{institution}）"


def row_text(row: SignupRow) -> str:
    """The row as stored text, one labelled line per cell: the evidence people can check."""
    lines = [f"考试机构：{row.institution}"]
    lines += [
        f"{label}时间：{' '.join(cell.split()) or '~'}"
        for label, cell in zip(WINDOW_LABELS, row.cells, strict=False)
    ]
    return "\n".join(lines)


def parse_signup_row(row: SignupRow, session: str | None) -> ParsedNotice:
    """One row → an ``exam_signup`` notice for the institution's region; pure, and strict.

    Raises SignupRowError when the row cannot be read without guessing (not two window
    cells, an unknown institution, a cell that is neither a window nor a placeholder).
    """
    institution = " ".join(row.institution.split())
    region = office_region(normalise(institution))
    if region is None:
        raise SignupRowError(f"unknown institution {institution!r}")
    if len(row.cells) != len(WINDOW_LABELS):
        raise SignupRowError(
            f"{institution}: {len(row.cells)} window cell(s), expected {len(WINDOW_LABELS)} (报名, 缴费)"
        )
    windows = [parse_window(label, cell) for label, cell in zip(WINDOW_LABELS, row.cells, strict=True)]
    return ParsedNotice(
        title=row_title(session, institution),
        kind="exam_signup",
        region=region,
        published=None,
        windows=tuple(w for w in windows if w is not None),
        session=(session,) if session else (),
        warnings=() if session else (ParseWarning(WarningCode.MISSING, NO_SESSION),),
        uncertain=() if session else (Uncertain("session", row_text(row)),),
    )
