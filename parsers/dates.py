"""Action windows (登记, 报名, 缴费, 领取 …) read off notice sentences.

A window is a labelled period in which a candidate must act. Notices state them in
many shapes (full or year-less dates, a second date without year or month, times with
look-alike colons, Chinese numerals, 即日起, 截止/前), and they also state dates that
are *not* windows: the exam itself, the signature date, eligibility cut-offs. The rule
here is that a wrong window is worse than none, so a date becomes a window only when a
label is found in its clause (or its heading) and no exam/eligibility marker is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from parsers.notes import Notes
from parsers.numerals import SMALL_CHARS, YEAR_CHARS, to_int
from parsers.text import CELL_SEPARATOR, Sentence
from parsers.types import WarningCode, Window

_WEEKDAY = r"(?:\s*\(?\s*(?:星期|周|礼拜)[一二三四五六日天]\s*\)?)?"
# A time, also alone in brackets after its date (2024年3月25日（9:00）至4月2日（17:00）); brackets
# holding more (（上午8:30-11:30，下午…）, （9:00-17:00）) give office hours, not the window's time.
_TIME = (
    rf"(?:\((?=[^()\-~至]{{1,10}}\)))?\s*(?P<ap>上午|下午|中午|晚上|早上|凌晨)?\s*(?P<h>[{SMALL_CHARS}]{{1,3}})\s*"
    rf"(?::\s*(?P<mi>\d{{2}})|[时点](?:\s*(?P<mh>[{SMALL_CHARS}]{{1,3}}|半)\s*分?)?)\)?"
)
_MOMENT = re.compile(
    rf"(?:(?:(?P<y>[{YEAR_CHARS}]{{4}})\s*年\s*)?(?:(?P<m>[{SMALL_CHARS}]{{1,3}})\s*月\s*)?"
    rf"(?P<d>[{SMALL_CHARS}]{{1,3}})\s*[日号]"
    rf"|(?<!\d)(?P<iy>\d{{4}})[-/.](?P<im>\d{{1,2}})[-/.](?P<id>\d{{1,2}})(?!\d))"
    rf"{_WEEKDAY}(?:\s*(?:{_TIME}))?"
)
# A period given in whole months (报名时间为2021年3月, 2024年2-3月): the first to the last day.
_MONTH_PERIOD = re.compile(
    rf"(?P<y>[{YEAR_CHARS}]{{4}})\s*年\s*(?P<m1>[{SMALL_CHARS}]{{1,3}})\s*(?:月\s*)?"
    rf"(?:(?:至|到|-{{1,2}}|~)\s*(?P<m2>[{SMALL_CHARS}]{{1,3}})\s*)?月"
    rf"(?!\s*[{SMALL_CHARS}]{{1,3}}\s*[日号])(?!\s*(?:份|底|初|中|上旬|下旬|末|前|后|以|之|起|日|号))"
)
_STATED_BEFORE = re.compile(r"(?:为|是|:|于|在|时间)\s*$")
# Words right after a date that make it a dateline, not a window (…通知(3月5日更新)).
_DATELINE_AFTER = re.compile(r"\s*(?:更新|发布|公布|印发|发文)")
# Worked examples (举例:5月22日前预约…) describe no real window.
_EXAMPLE = re.compile(r"^\s*(?:举例|例如|比如|如:)")
_SEP = re.compile(r"\s*(?:起|开始)?\s*(?:至|到|-{1,2}|~)\s*")
# 8月18日开始，8月26日结束: a range written as two dates with start and end words.
# Also with what opens and closes in between: 8月11日9:00网上报名系统开通,9月19日16:00网上报名系统关闭.
_STARTS = re.compile(r"[^，,。;:]{0,12}?(?:开始|起|开通|开放|开启)\s*,?\s*")
_ENDS = re.compile(r"[^，,。;:]{0,12}?(?:结束|截止|止|关闭)")
_TIME_END = re.compile(rf"\s*(?:至|到|-{{1,2}}|~)\s*{_TIME}")

# keyword → label; None marks dates that are not a candidate's action (exam day, issue date …).
_LABELS: dict[str, str | None] = {
    "登记": "登记", "再登记": "登记", "补登记": "登记", "逾期登记": "登记", "定期登记": "登记",
    "报名": "报名", "报考": "报名",
    "缴费": "缴费", "交费": "缴费", "网上支付": "缴费", "缴纳": "缴费",
    "资格审核": "资格审核", "资格审查": "资格审核", "资格核查": "资格审核", "审核": "资格审核", "核查": "资格审核",
    "现场确认": "现场确认",
    "准考证": "准考证打印", "打印准考证": "准考证打印",
    "发票": "电子发票打印",
    "领取": "领取", "领证": "领取", "发证": "领取", "发放": "领取",
    "邮寄": "邮寄申请", "邮寄申请": "邮寄申请", "申请邮寄": "邮寄申请",
    "成绩查询": "成绩查询", "查询成绩": "成绩查询",
    "复核": "成绩复核", "复查": "成绩复核",
    "退费": "退费申请", "退还": "退费申请",
    "预约申领": "邮寄申请", "预约登记": "邮寄申请", "申请快递": "邮寄申请",
    "考试时间": None, "考试日期": None, "考试于": None, "考试定于": None, "考试将于": None, "举行": None, "开考": None,
    "笔试": None, "机考": None, "考试安排": None, "发布": None, "印发": None, "公布": None, "施行": None,
    "实施": None, "成立": None, "出版": None,
}  # fmt: skip
_LABEL_RE = re.compile("|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True)))
_JOINER = re.compile(r"[和及与、/或并\s]{0,2}")
_CLAUSE_BREAK = re.compile(r"[，,]")
_ADDRESSEE = re.compile(r"\s*(?:请|考生|持证|合格人员|申请人|报考人员|各位|相关)")
_BRACKETED = re.compile(r"\([^()]{0,80}\)")
# Words after a date that make it an eligibility cut-off (…以后取得证书), not a window.
_ELIGIBILITY_AFTER = re.compile(r"[^，,。;]{0,6}?(?:取得|获得|考取|考试合格|合格|通过)")
_END_BEFORE = re.compile(r"(?:截止|截至|至|到|止|不晚于|最迟)(?:时间|日期)?\s*(?:为|是|:)?\s*(?:于)?\s*$")
_END_AFTER = re.compile(r"\s*(?:前|之前|以前|截止|为止|止|结束)")
_START_AFTER = re.compile(r"\s*(?:起|开始|以后|之后|后|开放|开通|开启)")
# A separator after a lone date: the range's end was lost (a damaged re-post), so no window.
_DANGLING = re.compile(r"\s*(?:起|开始)?\s*(?:至|到|-{1,2}|~)")
# A label right before these words names the date that follows (报名时间：…), whatever comes after.
_STRONG_AFTER_LABEL = re.compile(r"\s*(?:工作|服务|申请|受理)?\s*(?:时间|日期|截止|起止|期间|:)")
_TODAY_BEFORE = re.compile(r"(?:即日|发布之日|印发之日)起\s*(?:至|到|-{1,2}|~)?\s*$")
_SINGLE_BEFORE = re.compile(r"(?:时间|日期|时段)?\s*(?:为|是|:|定于|于)?\s*$")
_AMENDED_FROM = re.compile(r"原(?:定|计划|来|为|于|通知)")
_DEADLINE_WORD = re.compile(r"截止|截至|结束")
# A heading that says the date below it is a deadline (调整网上缴费截止时间: / 2023年9月29日24:00).
_DEADLINE_HEADING = re.compile(r"(?:截止|截至)\s*(?:时间|日期)\s*:?\s*$")
_AMENDED_TO = re.compile(r"现(?!场)|延长|延期|推迟|顺延|调整为|改为|变更为|更改为")
# A year-less date far before the publication date belongs to the next year (and far after, the last).
_ROLL_FORWARD = timedelta(days=120)
_ROLL_BACK = timedelta(days=300)
# A year-less range end rolled into the next year must still give a plausible window.
_LONGEST_INFERRED_RANGE = timedelta(days=183)


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


@dataclass(frozen=True)
class _Moment:
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    hour: int | None
    minute: int | None


def _time_of(match: re.Match[str]) -> tuple[int | None, int | None]:
    if match.group("h") is None:
        return None, None
    hour = to_int(match.group("h"))
    minute_text = match.group("mi") or match.group("mh")
    minute = 30 if minute_text == "半" else (to_int(minute_text) if minute_text else 0)
    if hour is None or minute is None:
        return None, None
    if match.group("ap") in ("下午", "晚上") and hour < 12:
        hour += 12
    return hour, minute


def _moments(norm: str) -> list[_Moment]:
    found = []
    for match in _MOMENT.finditer(norm):
        if match.group("iy"):
            year, month, day = int(match.group("iy")), int(match.group("im")), int(match.group("id"))
        else:
            year = to_int(match.group("y")) if match.group("y") else None
            month = to_int(match.group("m")) if match.group("m") else None
            day = to_int(match.group("d"))
        hour, minute = _time_of(match)
        found.append(_Moment(match.start(), match.end(), year, month, day, hour, minute))
    return found


def _moment_value(year: int, month: int, day: int, hour: int | None, minute: int | None) -> date | datetime:
    """A date, or a datetime when a time is given; 24:00 reads as 23:59 of the same day."""
    if hour is None:
        return date(year, month, day)
    if hour == 24 and not minute:
        return datetime(year, month, day, 23, 59)
    return datetime(year, month, day, hour, minute or 0)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


@dataclass
class _Group:
    """One date or date range found in a sentence, before labelling."""

    first: _Moment
    last: _Moment | None  # a second date
    end_time: tuple[int, int] | None  # a bare time after a separator: 3月5日9:00-17:00
    span_end: int
    deadline: bool = False  # a lone date that amends a deadline


def _month_groups(norm: str, moments: list[_Moment]) -> list[_Group]:
    """Whole-month periods outside any dated moment, as ranges from the 1st to the month's end.

    Only where the text states the period (报名时间为2021年3月): a month elsewhere (2017年5月内蒙古
    软考报名时间…, a dateline) is not a window.
    """
    groups = []
    for match in _MONTH_PERIOD.finditer(norm):
        if any(m.start < match.end() and match.start() < m.end for m in moments):
            continue
        if not _STATED_BEFORE.search(norm, 0, match.start()):
            continue
        year, first = to_int(match.group("y")), to_int(match.group("m1"))
        last = to_int(match.group("m2")) if match.group("m2") else first
        if year is None or first is None or last is None or not 1 <= first <= last <= 12:
            continue
        next_year, next_month = _next_month(year, last)
        end_day = (date(next_year, next_month, 1) - timedelta(days=1)).day
        start = _Moment(match.start(), match.end(), year, first, 1, None, None)
        end = _Moment(match.start(), match.end(), year, last, end_day, None, None)
        groups.append(_Group(start, end, None, match.end()))
    return groups


def _groups(norm: str, moments: list[_Moment]) -> list[_Group]:
    groups = []
    i = 0
    while i < len(moments):
        first = moments[i]
        if first.month is None and first.year is None:
            i += 1  # a bare day (15日内) is only meaningful as the end of a range
            continue
        following = moments[i + 1] if i + 1 < len(moments) else None
        if following is not None and (
            _SEP.fullmatch(norm, first.end, following.start)
            or (_STARTS.fullmatch(norm, first.end, following.start) and _ENDS.match(norm, following.end))
        ):
            groups.append(_Group(first, following, None, following.end))
            i += 2
            continue
        time_end = _TIME_END.match(norm, first.end) if first.hour is not None else None
        if time_end is not None:
            hour, minute = _time_of(time_end)
            if hour is not None and minute is not None:
                groups.append(_Group(first, None, (hour, minute), time_end.end()))
                i += 1
                continue
        groups.append(_Group(first, None, None, first.end))
        i += 1
    return groups


def _labels_in(text: str, *, last: bool) -> list[str | None]:
    """Labels of the last (or first) keyword in ``text``, together with keywords joined to it
    by 和/及/、 (报名和缴费时间 → 报名, 缴费)."""
    matches = list(_LABEL_RE.finditer(text))
    if not matches:
        return []
    return _joined_labels(text, matches, len(matches) - 1 if last else 0)


def _joined_labels(text: str, matches: list[re.Match[str]], index: int) -> list[str | None]:
    chosen = [matches[index]]
    j = index - 1
    while j >= 0 and _JOINER.fullmatch(text, matches[j].end(), chosen[0].start()):
        chosen.insert(0, matches[j])
        j -= 1
    j = index + 1
    while j < len(matches) and _JOINER.fullmatch(text, chosen[-1].end(), matches[j].start()):
        chosen.append(matches[j])
        j += 1
    labels: list[str | None] = []
    for match in chosen:
        label = _LABELS[match.group()]
        if label not in labels:
            labels.append(label)
    return labels


def _is_strong(text: str, match: re.Match[str]) -> bool:
    """True when a label directly names what follows it (报名时间：, 缴费截止), rather than
    being a word in passing (已报名考生, 报名开始至)."""
    rest = text[match.end() :]
    return len(rest.strip()) <= 1 or _STRONG_AFTER_LABEL.match(rest) is not None


def _labels_before(clause: str) -> tuple[list[str | None], bool]:
    """Labels for a date from the clause before it: the last label that names what follows,
    else simply the last label; and whether the label was of the first, strong sort."""
    matches = list(_LABEL_RE.finditer(clause))
    for index in range(len(matches) - 1, -1, -1):
        if _is_strong(clause, matches[index]):
            return _joined_labels(clause, matches, index), True
    return (_joined_labels(clause, matches, len(matches) - 1), False) if matches else ([], False)


def _column_labels(norm: str) -> list[list[str | None]] | None:
    """Labels per column of a table header row (考区 | 报名时间 | 缴费时间), or None when the row is
    not one: rows below it take their labels from the column a date sits in."""
    if CELL_SEPARATOR not in norm or _MOMENT.search(norm):
        return None
    columns = [_labels_in(cell, last=True) for cell in norm.split(CELL_SEPARATOR)]
    return columns if any(columns) else None


class WindowReader(Notes):
    """Reads the windows of one notice, sentence by sentence, collecting warnings."""

    def __init__(self, years: YearContext) -> None:
        self.years = years
        super().__init__()

    def read(self, sentences: list[Sentence]) -> list[Window]:
        windows: list[Window] = []
        seen: set[tuple[str, object, object]] = set()
        columns: list[list[str | None]] | None = None
        for sentence in sentences:
            header = _column_labels(sentence.norm)
            if header is not None:
                columns = header
                continue
            if columns is not None and sentence.norm.count(CELL_SEPARATOR) + 1 != len(columns):
                columns = None
            for window in self._sentence_windows(sentence, columns):
                key = (window.label, window.start, window.end)
                if key not in seen:
                    seen.add(key)
                    windows.append(window)
        return windows

    def _sentence_windows(self, sentence: Sentence, columns: list[list[str | None]] | None) -> list[Window]:
        norm = sentence.norm
        if _EXAMPLE.match(norm):
            return []
        moments = _moments(norm)
        groups = sorted(_groups(norm, moments) + _month_groups(norm, moments), key=lambda g: g.first.start)
        if not groups:
            return []
        amended = _AMENDED_FROM.search(norm)
        if amended:
            change = _AMENDED_TO.search(norm, amended.end())
            if change and any(g.first.start >= change.start() for g in groups):
                groups = [g for g in groups if g.first.start >= change.start()]
                # 截止时间由原来的3月20日调整为3月27日: the new date is a deadline like the old one.
                if _DEADLINE_WORD.search(norm, 0, change.start()):
                    for group in groups:
                        group.deadline = True
        windows = []
        previous_end = 0
        for index, group in enumerate(groups):
            next_start = groups[index + 1].first.start if index + 1 < len(groups) else len(norm)
            column = columns[norm.count(CELL_SEPARATOR, 0, group.first.start)] if columns else []
            windows.extend(self._group_windows(sentence, group, previous_end, next_start, column))
            previous_end = group.span_end
        return windows

    def _label(
        self, sentence: Sentence, group: _Group, previous_end: int, next_start: int
    ) -> list[str | None]:
        norm = sentence.norm
        # Commas inside brackets (工作日上午9:00-11:30，下午…) do not end a clause.
        flat = _BRACKETED.sub(lambda bracketed: " " * len(bracketed.group()), norm)
        before = norm[previous_end : group.first.start]
        breaks = list(_CLAUSE_BREAK.finditer(flat, previous_end, group.first.start))
        clause_before = norm[breaks[-1].end() : group.first.start] if breaks else before
        after = norm[group.span_end : next_start]
        m = _CLAUSE_BREAK.search(flat, group.span_end, next_start)
        clause_after = norm[group.span_end : m.start()] if m else after
        before_labels, strong = _labels_before(clause_before)
        # The action of a clause after the date is its last word (…向报名所在地考试机构提出成绩复核申请).
        after_labels = _labels_in(clause_after, last=True)
        if before_labels and (not after_labels or strong):
            return before_labels
        # A date that ends its clause is explained by the next one when that addresses the reader
        # (…至9月6日，考生可登录报名系统…), not when it reports (截至3月25日，报名工作圆满结束).
        next_clause = ""
        if m is not None and not clause_after.strip() and _ADDRESSEE.match(norm, m.end()):
            following = _CLAUSE_BREAK.search(flat, m.end(), next_start)
            next_clause = norm[m.end() : following.start() if following else next_start]
        return (
            after_labels
            or _labels_in(norm[: group.first.start], last=True)
            or _labels_in(sentence.heading, last=True)
            or _labels_in(next_clause, last=False)
        )

    def _group_windows(
        self, sentence: Sentence, group: _Group, previous_end: int, next_start: int, column: list[str | None]
    ) -> list[Window]:
        """Windows of one date or range; ``column`` holds the labels of its table column's header."""
        norm = sentence.norm
        after = norm[group.span_end : next_start]
        if _ELIGIBILITY_AFTER.match(after) or _DATELINE_AFTER.match(after):
            return []
        labels = column or self._label(sentence, group, previous_end, next_start)
        if not labels or None in labels:
            return []
        bounds = self._bounds(sentence, group, previous_end)
        if bounds is None:
            return []
        start, end = bounds
        return [Window(label=label, start=start, end=end, evidence=sentence.raw) for label in labels if label]

    def _bounds(
        self, sentence: Sentence, group: _Group, previous_end: int
    ) -> tuple[date | datetime | None, date | datetime | None] | None:
        first = group.first
        norm = sentence.norm
        try:
            start = self._resolve(first, sentence)
            if start is None:
                return None
            if group.last is not None:
                end = self._resolve_second(group.last, start)
            elif group.end_time is not None:
                end = _moment_value(start.year, start.month, start.day, *group.end_time)
            else:
                before = norm[previous_end : first.start]
                after = norm[group.span_end :]
                if _TODAY_BEFORE.search(before):
                    if self.years.published is None:
                        self.warn(WarningCode.MISSING, "即日起 without a published date", sentence.raw)
                    return self.years.published, start
                if (
                    group.deadline
                    or _END_BEFORE.search(before)
                    or _END_AFTER.match(after)
                    or (not before.strip() and _DEADLINE_HEADING.search(sentence.heading))
                ):
                    return None, start
                if _DANGLING.match(after):
                    self.warn(WarningCode.DROPPED, "range without a readable end, dropped", sentence.raw)
                    return None
                if _START_AFTER.match(after):
                    return start, None
                if not _SINGLE_BEFORE.search(before):
                    return None
                return start, start
        except ValueError as error:
            self.warn(WarningCode.DROPPED, f"invalid date ({error})", sentence.raw)
            return None
        if _as_datetime(end) < _as_datetime(start):
            self.warn(WarningCode.DROPPED, "window ends before it starts, dropped", sentence.raw)
            return None
        return start, end

    def _resolve(self, moment: _Moment, sentence: Sentence) -> date | datetime | None:
        if moment.month is None or moment.day is None:
            return None
        year = moment.year
        if year is None:
            year = self.years.year_for(moment.month, moment.day)
            if year is None:
                self.warn(WarningCode.MISSING, "year unknown (no published date or session)", sentence.raw)
                return None
        return _moment_value(year, moment.month, moment.day, moment.hour, moment.minute)

    @staticmethod
    def _resolve_second(second: _Moment, start: date | datetime) -> date | datetime:
        """The end of a range: a missing year or month comes from the start, rolling forward."""
        if second.day is None:
            raise ValueError("range end without a day")
        year, month = second.year, second.month
        if year is None:
            year = start.year
            if month is None:
                month = start.month
                if second.day < start.day:
                    year, month = _next_month(year, month)
            elif (month, second.day) < (start.month, start.day):
                year += 1
        elif month is None:
            month = start.month
        end = _moment_value(year, month, second.day, second.hour, second.minute)
        if second.year is None and (_as_datetime(end) - _as_datetime(start)) > _LONGEST_INFERRED_RANGE:
            raise ValueError("range end before its start")  # 3月27日至3月20日: a typo, not a year
        return end


def _as_datetime(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
