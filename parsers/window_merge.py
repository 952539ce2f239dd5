"""The same window stated more than once in a notice, read as one.

Notices restate their windows: a deadline again with its time (报名截止时间为4月3日23:59), an opening
announced before the full period (窗口将于2月21日开启), a start and an end in two clauses of one
sentence (3月1日9:00开始报名，3月10日17:00截止). A window stated twice is one window (the reading
rules), so these are merged here, after each sentence is read.
"""

from __future__ import annotations

from datetime import date, datetime

from parsers.moments import as_datetime
from parsers.types import Window


def joined_halves(windows: list[Window]) -> list[Window]:
    """One sentence's start-only and end-only windows of one label (3月1日9:00开始报名，3月10日17:00截止)
    as one range, when the start comes first; the sentence is their common evidence."""
    result = list(windows)
    for opening in windows:
        if opening.start is None or opening.end is not None:
            continue
        closing = next(
            (
                w
                for w in result
                if w.label == opening.label
                and w.start is None
                and w.end is not None
                and as_datetime(w.end) > as_datetime(opening.start)
            ),
            None,
        )
        if closing is not None and opening in result:
            result[result.index(opening)] = Window(
                opening.label, opening.start, closing.end, opening.evidence
            )
            result.remove(closing)
    return result


# 报名缴费 written as one word, read off a date before the notice's other windows are known.
JOINT_SIGNUP = "报名缴费"


def _joint_resolved(windows: list[Window]) -> list[Window]:
    """报名缴费 as one word is one period of signing up, paying included (报名缴费时间为9月11日-25日): the
    报名 window; but where the notice gives 报名 its own period, it is the payment's (报名 3月17日至27日,
    报名缴费时间3月17日至28日; 报名缴费将于8月25日结束 beside 报名 8月16日至24日)."""
    own = [
        (w.start, w.end) for w in windows if w.label == "报名" and w.start is not None and w.end is not None
    ]
    return [
        Window(
            "缴费" if any(bounds != (w.start, w.end) for bounds in own) else "报名",
            w.start,
            w.end,
            w.evidence,
        )
        if w.label == JOINT_SIGNUP
        else w
        for w in windows
    ]


def refined(windows: list[Window]) -> list[Window]:
    """A deadline that only adds the time to a window's end day (3月14日-4月3日(报名截止时间为4月3日
    23:59)) is that window's end, not a window of its own."""
    windows = _joint_resolved(windows)
    result = list(windows)
    for deadline in windows:
        if deadline.start is not None or not isinstance(deadline.end, datetime):
            continue
        for index, window in enumerate(result):
            same_day = type(window.end) is date and window.end == deadline.end.date()
            if window.label == deadline.label and window.start is not None and same_day:
                result[index] = Window(window.label, window.start, deadline.end, window.evidence)
                result.remove(deadline)
                break
    return _most_precise(result)


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _most_precise(windows: list[Window]) -> list[Window]:
    """The same window stated twice, once with times (报名时间:9月3日至24日 … 9月24日11:00截止),
    is one window: the reading with more times stays."""

    def precision(window: Window) -> int:
        return isinstance(window.start, datetime) + isinstance(window.end, datetime)

    kept: list[Window] = []
    for window in windows:
        key = (window.label, _day(window.start), _day(window.end))
        twin = next((i for i, k in enumerate(kept) if (k.label, _day(k.start), _day(k.end)) == key), None)
        if twin is None:
            kept.append(window)
        elif precision(window) > precision(kept[twin]):
            kept[twin] = window
    restated = [window for window in kept if _restated_in_part(window, kept)]
    # Labels read off one date together (报名、缴费将于8月25日结束) restate it together: when the
    # 缴费 deadline is the end of the stated 缴费 window, 报名 there is that deadline too, not a window.
    return [
        window
        for window in kept
        if window not in restated
        and not any(
            (other.evidence, other.start, other.end) == (window.evidence, window.start, window.end)
            for other in restated
        )
    ]


def _restated_in_part(window: Window, windows: list[Window]) -> bool:
    """True for a window with one bound open (窗口将于2月21日开启) when the notice also states the
    whole window with that bound (2月21日9:00-3月16日17:00): the same window, said twice."""
    if (window.start is None) == (window.end is None):
        return False
    return any(
        other.label == window.label
        and other.start is not None
        and other.end is not None
        and (
            _day(other.start) == _day(window.start)
            if window.end is None
            else _day(other.end) == _day(window.end)
        )
        for other in windows
    )
