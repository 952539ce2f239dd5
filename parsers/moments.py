"""Dates and date ranges as notices write them, before anyone says what they are for.

A moment is one written date (full, year-less, month-less, Chinese numerals, ISO) with an
optional time; a group is one date or range (two moments, a bare end time, a whole-month period).
Labelling them as windows is ``parsers.dates``'s work.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from parsers.numerals import SMALL_CHARS, YEAR_CHARS, to_int

WEEKDAY = r"(?:\s*\(?\s*(?:星期|周|礼拜)[一二三四五六日天]\s*\)?)?"
# A time, also alone in brackets after its date (2024年3月25日（9:00）至4月2日（17:00）); brackets
# holding more (（上午8:30-11:30，下午…）, （9:00-17:00）) give office hours, not the window's time.
# Minutes may follow a dot (9.00, 下午5.30) and the hour may be 零时 or 〇时; a copy's 9:0 is 9:00.
TIME = (
    rf"(?:\((?=[^()\-~至]{{1,10}}\)))?\s*(?P<ap>上午|下午|中午|晚上|早上|凌晨|晚|早)?\s*(?P<h>[{SMALL_CHARS}零〇]{{1,3}})\s*"
    rf"(?:(?::\s*|\.(?=\d{{2}}(?![\d.])))(?P<mi>\d{{2}}|0(?!\d))(?::\d{{2}})?(?:\s*[时分])?|[时点](?:\s*(?P<mh>[{SMALL_CHARS}]{{1,3}}|半)\s*分?)?)(?:\s*整)?\)?"
)
_RANGE_SEP = r"(?:至|到|-{1,2}|~)"
# A month or day in digits or in Chinese numerals, never both (3月5日一3月8日: 一 is a dash there).
_NUM = r"(?:\d{1,3}|[一二两三四五六七八九十]{1,3})"
# Besides full, year-less and ISO dates: a range's first day written without 日 (3月5-8日: groups
# ``hy``, ``hm``, ``hd``), and a range's ISO end without its year (2024.3.5-3.15: ``tm``, ``td``,
# kept only right after an ISO date, by ``moments_in``).
# Copies that dropped a date's 年 and 月 glue it into one number (2011228日, 201691-9月19): ``gy``
# and ``gd``, read when the digits after the year give one month and day, and the range's end after
# such a date without its 日 (至325, -9月19: ``em``, ``ed``, kept only there, by ``moments_in``).
# The leading look-ahead lets the regex fail at once on the characters no date starts with (most
# of a notice): without it each alternative is tried at every position.
MOMENT = re.compile(
    rf"(?=[{YEAR_CHARS}两十])"
    rf"(?:(?:(?P<y>[{YEAR_CHARS}]{{4}})\s*年\s*)?(?:(?P<m>{_NUM})\s*月\s*)?"
    rf"(?P<d>{_NUM}|\d{{4}})\s*[日号]"
    rf"|(?<!\d)(?P<iy>\d{{4}})[-/.](?P<im>\d{{1,2}})[-/.](?P<id>\d{{1,2}})(?!\d)"
    rf"|(?:(?P<hy>[{YEAR_CHARS}]{{4}})\s*年\s*)?(?P<hm>{_NUM})\s*月\s*(?P<hd>{_NUM})"
    rf"(?=\s*{_RANGE_SEP}\s*{_NUM}\s*[日号])"
    rf"|(?:(?<=[至到~-])|(?<=[至到~-]\s))(?P<tm>\d{{1,2}})[/.](?P<td>\d{{1,2}})(?![\d./-])"
    rf"|(?<!\d)(?P<gy>(?:19|20)\d{{2}})(?P<gd>\d{{2,4}})"
    rf"(?:\s*[日号]|(?=\s*{_RANGE_SEP}\s*(?:\d{{1,2}}\s*月|\d{{3,4}}(?!\d))))"
    rf"|(?:(?<=[至到~-])|(?<=[至到~-]\s))(?:(?P<em>\d{{1,2}})\s*月\s*)?(?P<ed>\d{{1,4}})(?![\d日号月:./]))"
    rf"{WEEKDAY}(?:\s*(?:{TIME}))?"
)
# A period given in whole months (报名时间为2021年3月, 2024年2-3月): the first to the last day.
MONTH_PERIOD = re.compile(
    rf"(?P<y>[{YEAR_CHARS}]{{4}})\s*年\s*(?P<m1>[{SMALL_CHARS}]{{1,3}})\s*(?:月\s*)?"
    rf"(?:(?:至|到|-{{1,2}}|~)\s*(?P<m2>[{SMALL_CHARS}]{{1,3}})\s*)?月"
    rf"(?!\s*[{SMALL_CHARS}]{{1,3}}\s*[日号])(?!\s*(?:份|底|初|中|上旬|下旬|末|前|后|以|之|起|日|号))"
)
# Not the 于 of 关于 (关于2024年5月…考试的通知 names no period).
STATED_BEFORE = re.compile(r"(?:为|是|:|(?<!关)于|在|时间)\s*$")
# 3月1日起至10日; also 自3月1日开始，至3月10日结束.
# 12月25日至次年1月5日: 次年 only says what the end's earlier month already says. A dash typed as 一
# (3月5日一3月8日) is one too: SEP is only matched whole between two dates. A time the copy damaged
# (3月1日9:5至…, no time can be read) is left out of the range's start. A short remark in
# brackets may stand before it (3月5日(含)至3月8日, 3月5日(二)至…).
SEP = re.compile(
    r"\s*(?:\d{1,2}:\d?\s*)?(?:\([^()\d]{1,6}\)\s*)?(?:(?:起|开始)\s*,?)?\s*(?:至|到|-{1,2}|~|一)\s*(?:次年|翌年|第二年)?\s*"
)
# 8月18日开始，8月26日结束: a range written as two dates with start and end words.
# Also with what opens and closes in between: 8月11日9:00网上报名系统开通,9月19日16:00网上报名系统关闭.
STARTS = re.compile(r"[^，,。;:]{0,12}?(?:开始|起|开通|开放|开启)\s*,?\s*")
ENDS = re.compile(r"[^，,。;:]{0,12}?(?:结束|截止|止|关闭)")
TIME_END = re.compile(rf"\s*(?:至|到|-{{1,2}}|~)\s*(?:当日|当天)?\s*{TIME}")


@dataclass(frozen=True)
class Moment:
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    hour: int | None
    minute: int | None


def time_of(match: re.Match[str]) -> tuple[int | None, int | None]:
    if match.group("h") is None:
        return None, None
    hour = to_int(match.group("h"))
    minute_text = match.group("mi") or match.group("mh")
    minute = 30 if minute_text == "半" else (to_int(minute_text) if minute_text else 0)
    if hour is None or minute is None:
        return None, None
    if match.group("ap") in ("下午", "晚上", "晚") and hour < 12:
        hour += 12
    elif match.group("ap") in ("晚上", "晚") and hour == 12:
        hour = 24  # 晚12点 is the day's end (read as 23:59)
    return hour, minute


def _month_and_day(digits: str, year: int | None) -> tuple[int, int] | None:
    """The one way to read a run of digits as month and day (831 → 8, 31; 1231 → 12, 31), or None
    when there is none or more than one (111 could be 1/11 or 11/1)."""
    readings = []
    for cut in range(1, len(digits)):
        month, day = int(digits[:cut]), int(digits[cut:])
        try:
            date(year or 2024, month, day)  # a leap year when the year is unknown
        except ValueError:
            continue
        readings.append((month, day))
    return readings[0] if len(readings) == 1 else None


def _written(match: re.Match[str]) -> tuple[int | None, int | None, int | None]:
    """Year, month and day of one ``MOMENT`` match, whichever way it is written."""
    if match.group("iy"):
        return int(match.group("iy")), int(match.group("im")), int(match.group("id"))
    if match.group("tm"):
        return None, int(match.group("tm")), int(match.group("td"))
    if match.group("gy"):
        year = int(match.group("gy"))
        glued = _month_and_day(match.group("gd"), year)
        return (year, *glued) if glued else (year, None, None)
    if match.group("ed"):
        month = int(match.group("em")) if match.group("em") else None
        return None, month, int(match.group("ed"))
    if match.group("hd"):
        return (
            to_int(match.group("hy")) if match.group("hy") else None,
            to_int(match.group("hm")),
            to_int(match.group("hd")),
        )
    year = to_int(match.group("y")) if match.group("y") else None
    month = to_int(match.group("m")) if match.group("m") else None
    return year, month, to_int(match.group("d"))


def moments_in(norm: str) -> list[Moment]:
    """Every written date of ``norm``, in order.

    Damaged re-posts lose the 月 of a date (2023年831日至98日): a day that cannot be one (over 31)
    is read as month and day when its digits allow only one reading; a two-digit one (98日) only
    as the end of a range whose start was read that way, since 45日内 is a count of days.
    """
    found: list[Moment] = []
    repaired = False
    iso_end = -1  # where the last ISO date ended: only a range from it has a year-less ISO end
    glued_end = -1  # where the last glued date ended: only a range from it has an end without 日
    for match in MOMENT.finditer(norm):
        if match.group("tm") and (iso_end < 0 or not found or found[-1].end != iso_end):
            continue
        if match.group("ed") and (glued_end < 0 or not found or found[-1].end != glued_end):
            continue
        year, month, day = _written(match)
        if match.group("iy"):
            iso_end = match.end()
        if match.group("gy"):
            if month is None:
                continue  # no single reading of the digits (2011111日)
            glued_end = match.end()
        digits = match.group("d") or match.group("ed") or ""
        if match.group("ed") and month is None and day is not None and day > 31:
            month, day = _month_and_day(digits, None) or (None, None)
        ends_range = repaired and found and SEP.fullmatch(norm, found[-1].end, match.start()) is not None
        repair = (
            _month_and_day(digits, year)
            if month is None
            and day is not None
            and day > 31
            and digits.isdigit()
            and norm[match.end("d") : match.end()].lstrip().startswith("日")  # 328号 is a number
            and (len(digits) > 2 or ends_range)
            else None
        )
        if repair is not None:
            month, day = repair
        repaired = repair is not None or match.group("gy") is not None
        hour, minute = time_of(match)
        found.append(Moment(match.start(), match.end(), year, month, day, hour, minute))
    return found


def moment_value(year: int, month: int, day: int, hour: int | None, minute: int | None) -> date | datetime:
    """A date, or a datetime when a time is given; 24:00 reads as 23:59 of the same day."""
    if hour is None:
        return date(year, month, day)
    if hour == 24 and not minute:
        return datetime(year, month, day, 23, 59)
    return datetime(year, month, day, hour, minute or 0)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


@dataclass
class Group:
    """One date or date range found in a sentence, before labelling."""

    first: Moment
    last: Moment | None  # a second date
    end_time: tuple[int, int] | None  # a bare time after a separator: 3月5日9:00-17:00
    span_end: int
    deadline: bool = False  # a lone date that amends a deadline


def month_groups(norm: str, moments: list[Moment]) -> list[Group]:
    """Whole-month periods outside any dated moment, as ranges from the 1st to the month's end.

    Only where the text states the period (报名时间为2021年3月): a month elsewhere (2017年5月内蒙古
    软考报名时间…, a dateline) is not a window.
    """
    groups = []
    for match in MONTH_PERIOD.finditer(norm):
        if any(m.start < match.end() and match.start() < m.end for m in moments):
            continue
        if not STATED_BEFORE.search(norm, 0, match.start()):
            continue
        year, first = to_int(match.group("y")), to_int(match.group("m1"))
        last = to_int(match.group("m2")) if match.group("m2") else first
        if year is None or first is None or last is None or not 1 <= first <= last <= 12:
            continue
        after_year, after_month = next_month(year, last)
        end_day = (date(after_year, after_month, 1) - timedelta(days=1)).day
        start = Moment(match.start(), match.end(), year, first, 1, None, None)
        end = Moment(match.start(), match.end(), year, last, end_day, None, None)
        groups.append(Group(start, end, None, match.end()))
    return groups


# The action may come between (8月20日-9月6日进行缴费(截止6日23:59)): it stays outside the group.
_CLOSING_BEFORE = re.compile(r"(?:\s*(?:进行|开展|办理)?[^，,。;:()\d]{0,8}?)?\s*\(\s*(?:截止|截至|至)?\s*")
_BRACKET_ONLY = re.compile(r"\s*\(")


def _closes(norm: str, end: Moment, closing: Moment) -> bool:
    """True for a bare day with a time in brackets right after a range's end that repeats its day
    (9月5日(截止5日18:30), 9月6日进行缴费(截止6日23:59)): the end's time, given apart."""
    return (
        closing.month is None
        and closing.year is None
        and closing.hour is not None
        and closing.day == end.day
        and end.hour is None
        and _CLOSING_BEFORE.fullmatch(norm, end.end, closing.start) is not None
    )


def groups_in(norm: str, moments: list[Moment]) -> list[Group]:
    groups = []
    i = 0
    while i < len(moments):
        first = moments[i]
        if first.month is None and first.year is None:
            i += 1  # a bare day (15日内) is only meaningful as the end of a range
            continue
        following = moments[i + 1] if i + 1 < len(moments) else None
        if following is not None and (
            SEP.fullmatch(norm, first.end, following.start)
            or (STARTS.fullmatch(norm, first.end, following.start) and ENDS.match(norm, following.end))
        ):
            closing = moments[i + 2] if i + 2 < len(moments) else None
            if closing is not None and _closes(norm, following, closing):
                # 8月20日-9月5日(截止5日18:30): the end day again, with its time.
                following = replace(following, hour=closing.hour, minute=closing.minute)
                bracket_only = _BRACKET_ONLY.match(norm, following.end) is not None
                groups.append(Group(first, following, None, closing.end if bracket_only else following.end))
                i += 3
                continue
            groups.append(Group(first, following, None, following.end))
            i += 2
            continue
        time_end = TIME_END.match(norm, first.end) if first.hour is not None else None
        if time_end is not None:
            hour, minute = time_of(time_end)
            if hour is not None and minute is not None:
                groups.append(Group(first, None, (hour, minute), time_end.end()))
                i += 1
                continue
        groups.append(Group(first, None, None, first.end))
        i += 1
    return groups


def as_datetime(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


CELL_GAP = re.compile(r"\s*\|\s*")
_ROW_RANGE_DAYS = 62


def _soon_after(first: Moment, second: Moment) -> bool:
    if None in (first.month, first.day, second.month, second.day) or first.year != second.year:
        return False
    gap = (second.month - first.month) * 31 + second.day - first.day  # type: ignore[operator]
    return 0 < gap <= _ROW_RANGE_DAYS


def joined_cells(norm: str, groups: list[Group], same_action: Callable[[int, int], bool]) -> list[Group]:
    """Two lone dates in adjacent cells of a table row (网上报名 | 3月5日 | 3月15日, or under 开始时间 |
    截止时间) are one range, when their columns name the same action and the second follows the
    first within two months (报名截止 | 3月15日 | 8月15日 gives a deadline per exam, no range)."""
    result: list[Group] = []
    index = 0
    while index < len(groups):
        first = groups[index]
        second = groups[index + 1] if index + 1 < len(groups) else None
        if (
            second is not None
            and first.last is None
            and second.last is None
            and first.end_time is None
            and second.end_time is None
            and CELL_GAP.fullmatch(norm, first.span_end, second.first.start)
            and _soon_after(first.first, second.first)
            and same_action(first.first.start, second.first.start)
        ):
            result.append(Group(first.first, second.first, None, second.span_end))
            index += 2
            continue
        result.append(first)
        index += 1
    return result
