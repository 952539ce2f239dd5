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
from datetime import date, datetime, timedelta

from parsers.moments import (
    Group,
    Moment,
    as_datetime,
    groups_in,
    joined_cells,
    moment_value,
    moments_in,
    month_groups,
    next_month,
)
from parsers.notes import Notes
from parsers.text import CELL_SEPARATOR, Sentence
from parsers.types import WarningCode, Window
from parsers.window_labels import (
    column_at,
    column_labels,
    date_labels,
    labels_before,
    labels_below,
    labels_in,
    respective_labels,
)
from parsers.window_merge import joined_halves, refined
from parsers.years import YearContext, written_before

# Words right after a date that make it a dateline, not a window (…通知(3月5日更新), a re-post's
# "2024-03-01 关于…的通知", "(2024-03-01)关于…"); a lone date right after a title's last word
# ("…的通知 2024-03-01") is one too.
_DATELINE_AFTER = re.compile(r"[\s)\]]*(?:更新|发布|公布|印发|发文|关于)")
# 2024年12月24日，重庆市软考办正式发布了《…》: a date that a report of a publication follows is its date.
_REPORTED_AFTER = re.compile(r"\s*[,，]\s*[^，,。;]{0,20}?(?:发布|印发|公布)了")
_DATELINE_BEFORE = re.compile(r"(?:通知|公告|通告|简章|公示|须知)\s*[(\[]?\s*$")
# Or a signature: the issuer, a space, a date with its year (…考试办公室 2022年2月18日), also run on.
_DATELINE_OR_SIGNATURE = re.compile(
    rf"{_DATELINE_BEFORE.pattern}|(?:中心|考试院|局|厅|办公室|委员会|考办)\s+$"
)
# Worked examples (举例:5月22日前预约…) and guesses (预计将在2024年2-3月发放, 往年…) describe no
# real window.
_EXAMPLE = re.compile(r"^\s*(?:举例|例如|比如|如:)|预计|估计|往年|一般在")
# A lone date that names an exam (参加5月24日(上半年)考试的考生报名): the exam day, not a window.
_EXAM_AFTER = re.compile(r"\s*(?:\([^()]{0,6}\))?\s*(?:的)?\s*(?:考试|举行|开考|笔试|机考)")
_EXAM_IN_BRACKETS = re.compile(r"(?:考试|软考|开考|笔试|机考)\s*\(\s*$")
# Words after a date that make it an eligibility cut-off (…以后取得证书), not a window.
_ELIGIBILITY_AFTER = re.compile(
    r"[^，,。;]{0,6}?(?:取得|获得|考取|考试合格|合格|通过(?!EMS|邮|快递|网|线上|微信|短信|电话|现场))"
)
# A deadline is named before its date (截止时间为, 最后期限是) or after it (前, 止, 关闭, 为…截止日,
# 是…最后一天), also after a (含) that says the day counts (3月10日(含)前).
_END_BEFORE = re.compile(
    r"(?:截止|截至|至|(?<!了解)(?<![得收看意接])到|(?<!起)止|不晚于|最迟|最晚|最后期限|最后一天|最后日期)(?:时间|日期|日)?\s*(?:为|是|:)?\s*(?:于)?\s*$"
)
_END_AFTER = re.compile(
    r"\s*(?:\(\s*含\s*\)\s*)?(?:前|之前|以前|截止|截至|为止|止|结束|关闭|停止|(?:为|是)[^，,。;]{0,8}?(?:截止|最后一天|最后期限))"
)
_START_AFTER = re.compile(r"\s*(?:\(\s*含\s*\)\s*)?(?:起|开始|以后|之后|后|开放|开通|开启)")
# 9月1日江苏…软考报名已开始: a clause that ends saying the action has begun gives its start.
_STARTED = re.compile(r"(?:已|正式)(?:开始|启动|开通|开放)\s*$")
# 2024年1月2日起至半年内: the start is a date, the end only relative (no window end).
_OPEN_END = re.compile(r"\s*起\s*(?:至|到)\s*(?![\s\d一二三四五六七八九十〇])")
# 11月1日至考试开始: the end is the exam, relative to it (no window end).
_RELATIVE_END = re.compile(r"\s*(?:起)?\s*(?:至|到|-{1,2}|~)\s*(?:考试(?:开始|开考|前|当天|结束)|考前|开考)")
# A range whose end the copy cut off: nothing but a separator (and a year's first digits) follows.
_CUT_END = re.compile(r"\s*(?:起|开始)?\s*(?:至|到|-{1,2}|~)\s*\d{0,4}\s*$")
# A separator after a lone date: the range's end was lost (a damaged re-post), so no window.
_DANGLING = re.compile(r"\s*(?:起|开始)?\s*(?:至|到|-{1,2}|~)")
# 即日起 with no date after it in its clause: a window from the published date on.
_TODAY_ALONE = re.compile(r"(?:即日|(?:发布|印发|公告)之日)起(?![^，,。;]*?\d\s*[月日号])")
_CLAUSE_END = re.compile(r"[，,。;]")
_TODAY_BEFORE = re.compile(r"(?:即日|发布之日|印发之日|公告之日)起\s*(?:至|到|-{1,2}|~)?\s*$")
_SINGLE_BEFORE = re.compile(r"(?:时间|日期|时段)?\s*(?:为|是|:|定于|于)?\s*$")
# 原定3月20日…现延长至3月27日, also 截止时间由3月15日调整为3月20日.
_AMENDED_FROM = re.compile(r"原(?:定|计划|来|为|于|通知)|由(?=\s*[\d一二三四五六七八九十])")
_DEADLINE_WORD = re.compile(r"截止|截至|结束")
# A heading that says the date below it is a deadline (调整网上缴费截止时间: / 2023年9月29日24:00).
_DEADLINE_HEADING = re.compile(r"(?:截止|截至)\s*(?:时间|日期)\s*(?::|为|是)?\s*$")
_AMENDED_TO = re.compile(r"现(?!场)|延长|延期|推迟|顺延|调整为|改为|变更为|更改为")
_HALF_WORD = re.compile(r"上半年|下半年|第一次|第二次")
# A year-less range end rolled into the next year must still give a plausible window.
_LONGEST_INFERRED_RANGE = timedelta(days=183)


class WindowReader(Notes):
    """Reads the windows of one notice, sentence by sentence, collecting warnings."""

    def __init__(self, years: YearContext) -> None:
        self.years = years
        # The last date written with its year, in this sentence and before it: a year-less date with
        # nothing else to go by (no published date, no session) reads the way a person reads it.
        self.last_dated: date | None = None
        self.dated_here: date | None = None
        # And the last year (or session) the notice wrote before, for the same notices (2025年我省…报名
        # …。通过审核后最晚于4月3日17时进行网上交费).
        self.last_written: YearContext | None = None
        self.deadline_cells: set[int] = set()
        self.row_deadlines: set[int] = set()
        super().__init__()

    def read(self, sentences: list[Sentence]) -> list[Window]:
        windows: list[Window] = []
        seen: set[tuple[str, object, object]] = set()
        columns: list[list[str | None]] | None = None
        below = labels_below(sentences)
        for index, sentence in enumerate(sentences):
            header = column_labels(sentence.norm)
            if header is not None:
                columns = header
                # A column headed 截止时间 holds deadlines (报名截止时间 | 缴费截止时间 / 3月15日 | 3月17日).
                self.deadline_cells = {
                    i
                    for i, cell in enumerate(sentence.norm.split(CELL_SEPARATOR))
                    if _DEADLINE_WORD.search(cell)
                }
                continue
            if columns is not None and sentence.norm.count(CELL_SEPARATOR) + 1 != len(columns):
                columns = None
            following = sentences[index + 1].norm if index + 1 < len(sentences) else ""
            row = [below[index]] if index in below else columns
            self.row_deadlines = self.deadline_cells if row is columns and columns is not None else set()
            windows_here = self._sentence_windows(sentence, row, following)
            self.last_dated = self.dated_here or self.last_dated
            if self.years.published is None and self.years.session_year is None:
                self.last_written = written_before(sentence.norm, len(sentence.norm)) or self.last_written
            for window in windows_here:
                key = (window.label, window.start, window.end)
                if key not in seen:
                    seen.add(key)
                    windows.append(window)
        return refined(windows)

    def _sentence_windows(
        self, sentence: Sentence, columns: list[list[str | None]] | None, following: str
    ) -> list[Window]:
        """Windows of one sentence; ``columns`` are the labels of its table's columns (one column
        for a row labelled by the line below it), ``following`` the next sentence."""
        norm = sentence.norm
        if _EXAMPLE.search(norm):
            return []
        moments = moments_in(norm)
        self.dated_here = next((_dated(m) for m in reversed(moments) if _dated(m) is not None), None)
        groups = sorted(groups_in(norm, moments) + month_groups(norm, moments), key=lambda g: g.first.start)
        if columns is not None:
            groups = joined_cells(
                norm, groups, lambda a, b: column_at(norm, a, columns) == column_at(norm, b, columns)
            )
        elif CELL_SEPARATOR in norm:
            groups = joined_cells(norm, groups, lambda a, b: True)
        if not groups:
            return self._from_today(sentence)
        amended = _AMENDED_FROM.search(norm)
        if amended:
            change = _AMENDED_TO.search(norm, amended.end())
            if change and any(g.first.start >= change.start() for g in groups):
                groups = [g for g in groups if g.first.start >= change.start()]
                # 截止时间由原来的3月20日调整为3月27日: the new date is a deadline like the old one.
                if _DEADLINE_WORD.search(norm, 0, change.start()):
                    for group in groups:
                        group.deadline = True
        # An exam day (参加5月24日(上半年)考试的考生报名) does not end the clause before it.
        starts = [g.first.start for g in groups if not _is_exam_day(norm, g)] + [len(norm)]
        windows, previous_end, respective = [], 0, respective_labels(norm, groups)
        for group in groups:
            if group.last is None and norm.count(CELL_SEPARATOR, 0, group.first.start) in self.row_deadlines:
                group.deadline = True
            next_start = next(start for start in starts if start > group.first.start)
            column = (
                column_at(norm, group.first.start, columns)
                if columns
                else respective.get(group.first.start, [])
            )
            windows.extend(self._group_windows(sentence, group, previous_end, next_start, column, following))
            previous_end = group.span_end
        return joined_halves(windows)

    def _from_today(self, sentence: Sentence) -> list[Window]:
        """A window that opens on the published date and names no date at all (成绩已公布，即日起可
        登录…查询): from the published date, open-ended."""
        norm = sentence.norm
        today = _TODAY_ALONE.search(norm)
        if today is None:
            return []
        stop = _CLAUSE_END.search(norm, today.end())
        clause = norm[today.end() : stop.start() if stop else len(norm)]
        labels = labels_in(clause, last=True)
        if not labels:
            # 证书领取时间:即日起 names the action before it.
            opened = max((m.end() for m in _CLAUSE_END.finditer(norm, 0, today.start())), default=0)
            before, strong = labels_before(norm[opened : today.start()])
            labels = before if strong else []
        if not labels and "查询" in clause and "成绩" in norm[: today.start()]:
            labels = ["成绩查询"]
        if not labels or None in labels:
            return []
        if self.years.published is None:
            self.warn(WarningCode.MISSING, "即日起 without a published date", sentence.raw)
            return []
        return [Window(label, self.years.published, None, sentence.raw) for label in labels if label]

    def _group_windows(
        self,
        sentence: Sentence,
        group: Group,
        previous_end: int,
        next_start: int,
        column: list[str | None],
        following: str,
    ) -> list[Window]:
        """Windows of one date or range; ``column`` holds the labels of its table column's header."""
        norm = sentence.norm
        after = norm[group.span_end : next_start]
        if _ELIGIBILITY_AFTER.match(after) or _DATELINE_AFTER.match(after):
            return []
        if group.last is None and _REPORTED_AFTER.match(norm, group.span_end):
            return []
        if _is_exam_day(norm, group):
            return []
        dateline = _DATELINE_BEFORE if group.first.year is None else _DATELINE_OR_SIGNATURE
        if group.last is None and dateline.search(norm, previous_end, group.first.start):
            return []
        labels = column or date_labels(sentence, group, previous_end, next_start, following)
        if not labels or None in labels:
            return []
        bounds = self._bounds(sentence, group, previous_end)
        if bounds is None:
            return []
        start, end = bounds
        return [Window(label=label, start=start, end=end, evidence=sentence.raw) for label in labels if label]

    def _bounds(
        self, sentence: Sentence, group: Group, previous_end: int
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
                end = moment_value(start.year, start.month, start.day, *group.end_time)
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
                if _OPEN_END.match(after) or _RELATIVE_END.match(after):
                    return start, None
                if _CUT_END.match(after):
                    # The copy ends inside the range (…2009年8月15日-2009): the start still stands.
                    self.unsure("windows", sentence.raw)
                    return start, None
                if _DANGLING.match(after):
                    self.warn(WarningCode.DROPPED, "range without a readable end, dropped", sentence.raw)
                    return None
                if _START_AFTER.match(after) or _STARTED.search(_CLAUSE_END.split(after, maxsplit=1)[0]):
                    return start, None
                if not _SINGLE_BEFORE.search(before):
                    return None
                return start, start
        except ValueError as error:
            self.warn(WarningCode.DROPPED, f"invalid date ({error})", sentence.raw)
            return None
        if as_datetime(end) < as_datetime(start):
            self.warn(WarningCode.DROPPED, "window ends before it starts, dropped", sentence.raw)
            return None
        return start, end

    def _resolve(self, moment: Moment, sentence: Sentence) -> date | datetime | None:
        if moment.month is None or moment.day is None:
            return None
        year = moment.year
        if year is None:
            year = self._years_at(sentence.norm, moment.start).year_for(moment.month, moment.day)
            written = written_before(sentence.norm, moment.start) if year is None else None
            if written is not None:
                year = written.year_for(moment.month, moment.day)
            if year is None and self.last_dated is not None:
                year = YearContext(self.last_dated, None, None).year_for(moment.month, moment.day)
            if year is None and self.last_written is not None:
                year = self.last_written.year_for(moment.month, moment.day)
            if year is None:
                self.warn(WarningCode.MISSING, "year unknown (no published date or session)", sentence.raw)
                return None
        return moment_value(year, moment.month, moment.day, moment.hour, moment.minute)

    def _years_at(self, norm: str, at: int) -> YearContext:
        """The year context of a year-less date at ``at``: a 下半年 notice that also lists the year's
        first exam (第一次考试报名时间为3月10日, 上半年:3月…) puts that exam's dates in its own year."""
        if self.years.session_half != "下半年":
            return self.years
        named = list(_HALF_WORD.finditer(norm, 0, at))
        if named and named[-1].group() in ("上半年", "第一次"):
            return YearContext(self.years.published, self.years.session_year, "上半年")
        return self.years

    @staticmethod
    def _resolve_second(second: Moment, start: date | datetime) -> date | datetime:
        """The end of a range: a missing year or month comes from the start, rolling forward."""
        if second.day is None:
            raise ValueError("range end without a day")
        year, month = second.year, second.month
        rolled = False  # the end was moved into a later month or year than it says
        if year is None:
            year = start.year
            if month is None:
                month = start.month
                if second.day < start.day:
                    year, month = next_month(year, month)
                    rolled = True
            elif (month, second.day) < (start.month, start.day):
                year += 1
                rolled = True
        elif month is None:
            month = start.month
        end = moment_value(year, month, second.day, second.hour, second.minute)
        # 3月27日至3月20日 is a typo, not a year; 5月6日至12月31日 is simply a long window.
        if rolled and (as_datetime(end) - as_datetime(start)) > _LONGEST_INFERRED_RANGE:
            raise ValueError("range end before its start")
        return end


def _dated(moment: Moment) -> date | None:
    """The date of a moment written with its year, or None."""
    if moment.year is None or moment.month is None or moment.day is None:
        return None
    try:
        return date(moment.year, moment.month, moment.day)
    except ValueError:
        return None


def _is_exam_day(norm: str, group: Group) -> bool:
    """A lone date that names an exam (参加5月24日考试的考生), or the days in brackets after the word
    考试 (…考试（5月25日—26日）报名的通知)."""
    if _EXAM_IN_BRACKETS.search(norm, max(0, group.first.start - 6), group.first.start) and norm.startswith(
        ")", group.span_end
    ):
        return True
    return (
        group.last is None and group.end_time is None and _EXAM_AFTER.match(norm, group.span_end) is not None
    )
