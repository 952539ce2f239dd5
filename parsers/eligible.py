"""Eligible certificate years and exam sessions (2021年度, 2022年上半年, 2019年至2021年 …) as ranges.

Registration notices say whose certificates must be registered (``2022年度及以前``,
``2004年1月1日以后取得``, ``取得证书满三年``); collection notices name the sessions
whose certificates are ready. Both become ``EligibleRange`` bounds that the store
compares with a subscriber's certificate (see ``types.session_bounds``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from parsers.notes import Notes
from parsers.numerals import SMALL_CHARS, YEAR_CHARS, to_int
from parsers.text import CELL_SEPARATOR, Sentence
from parsers.types import EligibleRange, WarningCode, session_bounds


def _spec(name: str) -> str:
    """A year or session (groups ``<name>y``, ``<name>h``; ``<name>h2`` for 2023上半年 without 年, and
    the half may stand in brackets: 2023年(上半年)), not followed by a month: 2024年3月 is a
    date, read by dates.py. A parenthesis after it says the bound is inclusive (``(含)``) and may
    name the last session it includes (``2022年度(含2022年下半年)``: groups ``<name>py``, ``<name>ph``);
    ``(不含)`` says it is exclusive (``<name>x``); ``<name>d`` is the 度 of 2022年度."""
    return (
        rf"(?P<{name}y>[{YEAR_CHARS}]{{4}})\s*(?:(?P<{name}h2>上半年|下半年)|年\s*(?:(?P<{name}d>度)\s*)?"
        rf"(?:\(?\s*(?P<{name}h>上半年|下半年)\s*\)?)?(?:度)?)"
        rf"(?:\s*(?P<{name}p>\(\s*含\s*(?:(?P<{name}py>[{YEAR_CHARS}]{{4}})\s*年\s*(?:度\s*)?"
        rf"(?P<{name}ph>上半年|下半年)?)?\s*\))|\s*(?P<{name}x>\(\s*不含[^()]{{0,12}}\)))?(?!\s*[{SMALL_CHARS}]{{1,3}}\s*月)"
    )


# "含" before a year only says the bound is inclusive; "截至 X" makes X an upper bound.
# "X年以前" alone excludes X (2021年以前考试合格人员: up to 2020); 及/含/年度/年底 include it, and so
# does a parenthesis after 以前 (2021年以前(含2021年)); (不含…) excludes it.
_PHRASE = re.compile(
    rf"(?P<until>截至|截止到?|含)?\s*{_spec('a')}"
    rf"(?:(?P<range>\s*(?:至|到|-{{1,2}}|~)\s*(?:含\s*)?{_spec('b')})"
    rf"|(?P<upto>\s*(?P<eoy>底|末)?\s*(?P<incl>及|和|或)?\s*(?:以前|之前|前)"
    rf"(?:\s*\(\s*(?:(?P<excl>不含)|(?P<incl2>含))[^()]{{0,12}}\))?)"
    rf"|(?P<since>\s*(?:及|和|或)?\s*(?:以后|之后|后|起|以来))"
    rf")?"
)
# 2019、2020年取得: years listed before one 年.
_YEAR_LIST = re.compile(
    rf"(?P<list>(?:[{YEAR_CHARS}]{{4}}\s*[、,和及]\s*)+)(?P<last>[{YEAR_CHARS}]{{4}})\s*年(?!\s*[{SMALL_CHARS}]{{1,3}}\s*月)"
)
_LIST_YEAR = re.compile(rf"[{YEAR_CHARS}]{{4}}")
# 2017-2020年取得, 2017至2020年: a range whose first year goes without 年.
_BARE_RANGE = re.compile(
    rf"(?<![\d\[])(?P<a>[{YEAR_CHARS}]{{4}})\s*(?:至|到|-{{1,2}}|~)\s*(?P<b>[{YEAR_CHARS}]{{4}})\s*年"
    rf"(?!\s*[{SMALL_CHARS}]{{1,3}}\s*月)"
)
# 2023年度上、下半年 / 2023年上半年和下半年: both sessions of one year.
_BOTH_HALVES = re.compile(
    rf"(?P<y>[{YEAR_CHARS}]{{4}})\s*(?:年\s*度?)?\s*(?:上半年\s*[、,和及与]\s*下半年|上\s*[、,和及与]?\s*下半年)"
)
# The condition beside the years that also decides who is concerned, as written:
# …证书、且登记有效期已满或从未登记的人员 → 登记有效期已满或从未登记.
_CONDITION = re.compile(
    r"(?:且|并且|并|但|同时)\s*(?P<c>[^，,。;:()]{2,40}?)\s*的?\s*(?:人员|持证人|考生|同志|证书)"
)
_GROUP_END = re.compile(r"以及|另外|此外|;|。")
_CONDITION_WORDS = re.compile(r"登记|有效期|满|过期|到期")

# Full date cut-offs: 2004年1月1日以后取得 / 2019年12月31日(含)以前取得.
_FULL_DATE = rf"[{YEAR_CHARS}]{{4}}\s*年\s*[{SMALL_CHARS}]{{1,3}}\s*月\s*[{SMALL_CHARS}]{{1,3}}\s*[日号]"
_YEAR_MONTH = re.compile(rf"([{YEAR_CHARS}]{{4}})\s*年\s*([{SMALL_CHARS}]{{1,3}})\s*月")
# Also 截至2021年12月31日取得 (an upper bound) and 2019年1月1日至2021年12月31日取得 (both bounds).
_DATE_CUTOFF = re.compile(
    rf"(?P<until>截至|截止到?)?\s*(?:(?P<first>{_FULL_DATE})\s*(?:至|到|-{{1,2}}|~)\s*)?(?P<date>{_FULL_DATE})"
    rf"\s*(?:\(含\))?\s*(?:及|和)?\s*(?P<dir>以后|之后|后|起|以前|之前|前)?"
    rf"[^，,。;]{{0,8}}?(?:取得|获得|考取|合格|通过)"
)
# The cut-off may follow the words it qualifies (取得证书时间在2022年12月31日以前).
_CUTOFF_AFTER_WORDS = re.compile(
    rf"(?:取得|获得)[^，,。;]{{0,6}}?(?:时间|日期)\s*(?:在|为|是)?\s*(?P<date>{_FULL_DATE})"
    rf"\s*(?:\(含\))?\s*(?P<dir>以后|之后|后|起|以前|之前|前)"
)
_BEFORE = ("以前", "之前", "前")
_YEARS_AGO = re.compile(
    rf"(?:取得|获得|持证|持有)[^，,。;]{{0,8}}?满\s*(?P<n>[{SMALL_CHARS}]{{1,3}})\s*(?:个)?\s*(?:周年|年)"
)
# Sentences about certificates or their holders; other years (exam plans, rules) are not eligibility.
# Registration notices name holders (…取得证书的人员); collection notices name the certificates.
HOLDER_TOPIC = re.compile(r"取得|获得|考取|合格|通过|持有|持证")
CERTIFICATE_TOPIC = re.compile(r"取得|获得|考取|合格|通过|持有|持证|证书")
# A year that names the campaign itself (2026年度证书登记工作), not the certificates.
_CAMPAIGN_AFTER = re.compile(r"\s*(?:证书)?(?:补|逾期|定期)?(?:登记|报名|考务)")
# The rest of its clause (up to the next year or list item) says the opposite (…2023年下半年证书
# 尚未到达, …暂不办理).
_NEGATED = re.compile(r"[^，,。;、和及0-9|]*?(?:尚未|暂未|未到|暂不|无需|不需|另行通知)")
# A year inside a reference to a document (2019年…文件, 〔2019〕50号) is not eligibility.
_NOT_TOPIC = re.compile(r"文件|规定|办法|通知|\[")
_DIGIT = re.compile(r"\d")
_QUALIFIER_BEFORE = re.compile(r"\(\s*(?P<no>不)?\s*$")
# A sentence about whose certificates count that gave no range: the notice says something the
# parser could not read, so matching must not take its silence for "nobody".
_LOOKS_ELIGIBLE = re.compile(
    rf"(?:[{YEAR_CHARS}]{{4}}\s*年|年度)[^。;]{{0,30}}?(?:以前|以后|之前|之后|至今|期间)[^。;]{{0,12}}?(?:取得|获得|考取)[^。;]{{0,20}}?证书"
)


def _session(year: int | None, half: str | None = None) -> str | None:
    """``2021`` or ``2021上半年`` as ``session_bounds`` reads it; None for implausible years."""
    if year is None or not 1980 <= year <= 2100:
        return None
    return f"{year}{half or ''}"


def _bound(match: re.Match[str], name: str) -> str | None:
    """The year or session of one bound; a parenthesis naming a session of the same year
    (2022年度(含2022年下半年)) makes the bound that session."""
    year = to_int(match.group(f"{name}y"))
    inner = match.group(f"{name}py")
    if inner is not None and to_int(inner) == year and match.group(f"{name}ph"):
        return _session(year, match.group(f"{name}ph"))
    return _session(year, match.group(f"{name}h") or match.group(f"{name}h2"))


def _previous(session: str) -> str:
    """The session or year before ``session``: 2021 → 2020, 2021下半年 → 2021上半年."""
    year = int(session[:4])
    if session.endswith("下半年"):
        return f"{year}上半年"
    if session.endswith("上半年"):
        return f"{year - 1}下半年"
    return str(year - 1)


def _condition(norm: str, start: int) -> str | None:
    """The condition beside the years at ``start`` (…且登记有效期已满或从未登记的人员), as written, up to
    the next group of holders (以及…) or sentence end; None when there is none."""
    stop = _GROUP_END.search(norm, start)
    for match in _CONDITION.finditer(norm, start, stop.start() if stop else len(norm)):
        if _CONDITION_WORDS.search(match.group("c")):
            return match.group("c").strip()
    return None


def _cutoff_session(written: str, before: bool) -> str | None:
    """A date cut-off (``2021年6月30日``) as a year or session bound, ``before`` it or from it.

    Certificates carry the exam's date (上半年 in May, 下半年 in November), so a
    cut-off in June–November splits the year between its two sessions.
    """
    found = _YEAR_MONTH.match(written)
    year, month = (to_int(found.group(1)), to_int(found.group(2))) if found else (None, None)
    if year is None or month is None or not 1 <= month <= 12:
        return None
    if before:
        if month <= 5:
            return _session(year - 1)
        return _session(year, "上半年" if month <= 11 else None)
    if month <= 5:
        return _session(year)
    return _session(year, "下半年") if month <= 11 else _session(year + 1)


def _year_lists(norm: str) -> list[tuple[re.Match[str], str | None, str | None]]:
    """Years listed before one 年 (2019、2020年: one range each) and a range whose first year goes
    without 年 (2017-2020年), each with its match; not where the clause says they are not ready."""
    found: list[tuple[re.Match[str], str | None, str | None]] = []
    for match in _YEAR_LIST.finditer(norm):
        if not _NEGATED.match(norm, match.end()):
            for year in (*_LIST_YEAR.findall(match.group("list")), match.group("last")):
                if (session := _session(to_int(year))) is not None:
                    found.append((match, session, session))
    for match in _BARE_RANGE.finditer(norm):
        first, last = _session(to_int(match.group("a"))), _session(to_int(match.group("b")))
        if first is not None and last is not None and not _NEGATED.match(norm, match.end()):
            found.append((match, first, last))
    return found


def _date_cutoffs(norm: str) -> list[tuple[re.Match[str], str | None, str | None]]:
    """Bounds given as full dates (2004年1月1日以后取得, 截至2021年12月31日取得, 2019年1月1日至
    2021年12月31日取得), each with its match."""
    found = []
    for match in _DATE_CUTOFF.finditer(norm):
        direction = match.group("dir")
        if match.group("first") or match.group("until"):
            direction = direction or "以前"  # the range's or the 截至's end
        elif direction is None:
            continue
        session = _cutoff_session(match.group("date"), direction in _BEFORE)
        if session is None:
            continue
        if match.group("first"):
            found.append((match, _cutoff_session(match.group("first"), False), session))
        elif direction in _BEFORE:
            found.append((match, None, session))
        else:
            found.append((match, session, None))
    for match in _CUTOFF_AFTER_WORDS.finditer(norm):
        before = match.group("dir") in _BEFORE
        session = _cutoff_session(match.group("date"), before)
        if session is not None:
            found.append((match, None, session) if before else (match, session, None))
    return found


def _qualified(found: list[EligibleRange], qualifiers: list[tuple[bool, str]]) -> list[EligibleRange]:
    """Bounds of one sentence as its later brackets qualify them: 2022年度及以前取得证书(含2022年下半年)
    ends with 2022下半年; 2018年以后取得证书(不含2018年) starts with 2019."""
    for negated, bound in qualifiers:
        year = bound[:4]
        for index, found_range in enumerate(found):
            start, end = found_range.start, found_range.end
            if negated and start == year and end is None:
                start = str(int(year) + 1)
            elif negated and end == year and start is None:
                end = _previous(year)
            elif not negated and end == year and len(bound) > len(year):
                end = bound
            found[index] = replace(found_range, start=start, end=end)
    return found


def _halves_for_years(ranges: list[EligibleRange]) -> list[EligibleRange]:
    """A whole year (关于领取2023年度…证书) stated beside its halves (2023年上、下半年考试合格人员) is those
    halves: the notice says which of the year's sessions it means."""
    halves = {r.start[:4] for r in ranges if r.start is not None and r.start == r.end and len(r.start) > 4}
    return [r for r in ranges if not (r.start is not None and r.start == r.end and r.start in halves)]


def _merged(found: list[EligibleRange]) -> list[EligibleRange]:
    """One sentence giving only a lower and an upper bound (2004年以后取得…且满三年) is one range."""
    lower = [r for r in found if r.start is not None and r.end is None]
    upper = [r for r in found if r.start is None and r.end is not None]
    if len(found) == 2 and len(lower) == 1 and len(upper) == 1:
        return [
            EligibleRange(
                start=lower[0].start,
                end=upper[0].end,
                evidence=lower[0].evidence,
                condition=lower[0].condition,
            )
        ]
    return found


class EligibleReader(Notes):
    """Reads eligible ranges from sentences; ``published`` anchors 满三年 style phrases."""

    def __init__(self, published: date | None, topic: re.Pattern[str]) -> None:
        self.published = published
        self.topic = topic
        super().__init__()

    def read(self, sentences: list[Sentence]) -> list[EligibleRange]:
        ranges: list[EligibleRange] = []
        seen: set[tuple[str | None, str | None]] = set()
        columns: set[int] | None = None  # table columns whose header is about certificates
        width = 0
        for sentence in sentences:
            cells = sentence.norm.split(CELL_SEPARATOR) if CELL_SEPARATOR in sentence.norm else None
            if cells and not _DIGIT.search(sentence.norm) and any(self.topic.search(cell) for cell in cells):
                columns, width = {i for i, cell in enumerate(cells) if self.topic.search(cell)}, len(cells)
                continue
            if cells is None or len(cells) != width:
                columns = None
            ranges_here = self._sentence_ranges(sentence, columns)
            if not ranges_here and _LOOKS_ELIGIBLE.search(sentence.norm):
                self.unsure("eligible", sentence.raw)
            for found in ranges_here:
                key = (found.start, found.end)
                if key not in seen:
                    seen.add(key)
                    ranges.append(found)
        return _halves_for_years(ranges)

    def _sentence_ranges(self, sentence: Sentence, columns: set[int] | None) -> list[EligibleRange]:
        """Ranges in one sentence; in a table row below a header such as 取得证书年度, only the
        years in that header's columns (the row itself need not say 取得)."""
        norm = sentence.norm
        if columns is None and not self.topic.search(norm):
            return []
        found: list[EligibleRange] = []

        def add(start: str | None, end: str | None, at: int) -> None:
            if start is not None and end is not None and session_bounds(start)[0] > session_bounds(end)[1]:
                self.warn(WarningCode.DROPPED, "eligible range ends before it starts, refused", sentence.raw)
                self.unsure("eligible", sentence.raw)
                return
            found.append(
                EligibleRange(start=start, end=end, evidence=sentence.raw, condition=_condition(norm, at))
            )

        covered: list[tuple[int, int]] = []
        for match, start, end in _date_cutoffs(norm):
            covered.append(match.span())
            add(start, end, match.start())
        for match in _YEARS_AGO.finditer(norm):
            years = to_int(match.group("n"))
            if self.published is None or years is None:
                self.warn(WarningCode.MISSING, "满N年 without a published date", sentence.raw)
                self.unsure("eligible", sentence.raw)
                continue
            add(None, str(self.published.year - years), match.start())
        for match in _BOTH_HALVES.finditer(norm):
            if _NEGATED.match(norm, match.end()) or (year := to_int(match.group("y"))) is None:
                continue
            covered.append(match.span())
            for half in ("上半年", "下半年"):
                if (session := _session(year, half)) is not None:
                    add(session, session, match.start())
        for match, start, end in _year_lists(norm):
            covered.append(match.span())
            add(start, end, match.start())
        qualifiers: list[tuple[bool, str]] = []
        for match in _PHRASE.finditer(norm):
            if any(lo <= match.start() < hi for lo, hi in covered):
                continue
            if match.group("until") == "含" and (opened := _QUALIFIER_BEFORE.search(norm, 0, match.start())):
                # (含2022年下半年) / (不含2018年) after the words: it qualifies a bound said before.
                if (bound := _bound(match, "a")) is not None:
                    qualifiers.append((opened.group("no") is not None, bound))
                continue
            if columns is not None and norm.count(CELL_SEPARATOR, 0, match.start("ay")) not in columns:
                continue
            if _NOT_TOPIC.search(norm, max(0, match.start() - 2), match.end() + 2) or _CAMPAIGN_AFTER.match(
                norm, match.end()
            ):
                continue
            if _NEGATED.match(norm, match.end()):
                continue
            first = _bound(match, "a")
            if first is None:
                continue
            if match.group("range"):
                second = _bound(match, "b")
                if second is not None:
                    add(first, second, match.start())
            elif match.group("upto"):
                inclusive = not (match.group("excl") or match.group("ax")) and any(
                    match.group(name) for name in ("incl", "incl2", "eoy", "ap", "ad", "until")
                )
                add(None, first if inclusive else _previous(first), match.start())
            elif match.group("until") in ("截至", "截止", "截止到"):
                add(None, first, match.start())
            elif match.group("since"):
                add(first, None, match.start())
            else:
                add(first, first, match.start())
        return _merged(_qualified(found, qualifiers))
