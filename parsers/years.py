"""The year of a year-less date (3月5日): from the published date, the notice's session, or both.

Notices leave the year out of most dates. A person reads it off the notice's date and the session
it is about (its title's 2024年上半年, else the first exam session its body names), moving a date
that falls far before the publication into the next year; a re-post dated years away from its
session says nothing, and a 下半年 notice's dates in January–June are next year's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from parsers.session import sessions_in
from parsers.text import Sentence

# A year-less date far before the publication date belongs to the next year (and far after, the last).
_ROLL_FORWARD = timedelta(days=120)
_ROLL_BACK = timedelta(days=300)


@dataclass(frozen=True)
class YearContext:
    """What a year-less date's year is resolved from: the published date, else the title's session
    (also when the published date lies years away from the session: a late re-post)."""

    published: date | None
    session_year: int | None
    session_half: str | None

    def year_for(self, month: int, day: int) -> int | None:
        """Year of a year-less month/day; None when nothing says (the caller warns)."""
        # A re-post dated years after the session it is about (the stored copy's date) says
        # nothing about the year; the title's session does.
        reposted = (
            self.session_year is not None
            and self.published is not None
            and (not self.session_year - 1 <= self.published.year <= self.session_year + 1)
        )
        if self.published is not None and not reposted:
            year = self.published.year
            try:
                candidate = date(year, month, day)
            except ValueError:
                return year
            # A notice whose title names this year's session lists this year's dates, early
            # ones too (第一次考试报名时间为3月10日… in an August notice); only a 下半年 notice
            # reaches into the next year.
            same_year = self.session_year == year and self.session_half != "下半年"
            if candidate < self.published - _ROLL_FORWARD and not same_year:
                return year + 1
            if candidate > self.published + _ROLL_BACK:
                return year - 1
            return year
        if self.session_year is not None:
            # 下半年 exams sit in November: dates in the first half year after them are next year's.
            return (
                self.session_year + 1 if self.session_half == "下半年" and month <= 6 else self.session_year
            )
        return None


def year_context(title: str, sentences: list[Sentence], published: date | None) -> YearContext:
    """Year-less dates take their year from the title's session, else the first exam session
    the body names (a copy without its title), and the published date."""
    named = sessions_in(title) or next(
        (found for sentence in sentences if (found := sessions_in(sentence.norm, exam_only=True))), []
    )
    if not named:
        return YearContext(published, None, None)
    first = named[0]
    return YearContext(published, int(first[:4]), first[4:] or None)


def written_before(norm: str, at: int) -> YearContext | None:
    """The year (or session) a sentence writes before a year-less date at ``at``, for a notice that
    gives no other (2025年我省统一采用网上报名方式,上半年网上填报时间为3月26日…); a bound of certificate
    years, a date or a document number is none."""
    named = sessions_in(norm[:at])
    if not named:
        return None
    last = named[-1]
    return YearContext(None, int(last[:4]), last[4:] or None)
