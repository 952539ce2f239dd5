"""Exam sessions and certificate registration: the dates the domain's rules are made of.

A session is a year (``2021``) or a half (``2021上半年``, ``2021下半年``); its ordinal is
``year * 10 + half`` so that SQL can compare ranges with integers. A registration lasts
``REGISTRATION_YEARS`` from the last registration, or from when the certificate was obtained.
"""

from __future__ import annotations

import re
from datetime import date

# A registration is valid this many years, from the last registration or from obtaining it.
REGISTRATION_YEARS = 3

_SESSION = re.compile(r"^(\d{4})(上半年|下半年)?$")
_HALF = {"上半年": 1, "下半年": 2}


def session_bounds(session: str) -> tuple[int, int]:
    """Ordinal range of a year (``2021``) or exam session (``2021上半年``).

    A session's ordinal is ``year * 10 + half`` (1 for 上半年, 2 for 下半年), so a
    bare year spans both of its sessions; SQL can then match ranges with integers.
    Raises ValueError on anything else, so bad input never matches silently.
    """
    m = _SESSION.match(session.strip())
    if not m:
        raise ValueError(f"not a year or exam session: {session!r} (expected 2021, 2021上半年 or 2021下半年)")
    year = int(m.group(1))
    if m.group(2):
        key = year * 10 + _HALF[m.group(2)]
        return key, key
    return year * 10 + 1, year * 10 + 2


def latest_session(today: date) -> int:
    """The ordinal (see ``session_bounds``) of the last exam session held by ``today``.

    The 上半年 exam is in May and the 下半年 one in November, so a certificate of a
    session cannot be held before June or December; anything later is a typo.
    """
    if today.month == 12:
        return today.year * 10 + 2
    if today.month >= 6:
        return today.year * 10 + 1
    return (today.year - 1) * 10 + 2


def session_name(ordinal: int) -> str:
    """``20261`` → ``2026上半年``: the inverse of ``session_bounds`` for one half."""
    year, half = divmod(ordinal, 10)
    return f"{year}{'上半年' if half == 1 else '下半年'}"


def exam_session(text: str) -> int:
    """The ordinal of one exam (``2026上半年``); a bare year or anything else raises ValueError."""
    low, high = session_bounds(text)
    if low != high:
        raise ValueError(f"not one exam session: {text!r} (expected 2026上半年 or 2026下半年)")
    return low


def offered_sessions(today: date) -> list[int]:
    """The exams a candidate may choose on ``today``: the last one held (its results) and the next three."""
    last = latest_session(today)
    following = [last]
    for _ in range(3):
        year, half = divmod(following[-1], 10)
        following.append(year * 10 + 2 if half == 1 else (year + 1) * 10 + 1)
    return following


def chosen_sessions(given: tuple[str, ...], today: date) -> tuple[tuple[str, ...], list[str]]:
    """The exams a candidate chose, oldest first and each once, and what was not a recent exam.

    Any exam from 1990 up to the last ``offered_sessions`` is taken: one chosen long ago
    still stands on the manage page, it only never matches again.
    """
    ordinals, bad = set(), []
    for text in given:
        try:
            ordinal = exam_session(text)
        except ValueError:
            bad.append(text)
            continue
        if 19901 <= ordinal <= offered_sessions(today)[-1]:
            ordinals.add(ordinal)
        else:
            bad.append(text)
    return tuple(session_name(o) for o in sorted(ordinals)), bad


def shift_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def registration_basis(obtained_high: int, last_registered: date | None) -> date:
    """The day a certificate's current registration period began.

    The last registration if known; otherwise the end of the session it was obtained in
    (1 July for 上半年, 1 January after 下半年), a conservative stand-in for the issue date.
    """
    if last_registered is not None:
        return last_registered
    year, half = divmod(obtained_high, 10)
    return date(year, 7, 1) if half == 1 else date(year + 1, 1, 1)


def registration_expiry(obtained_high: int, last_registered: date | None) -> date:
    """The last day the current registration is valid."""
    return shift_years(registration_basis(obtained_high, last_registered), REGISTRATION_YEARS)
