"""Eligible certificate years and exam sessions (2021年度, 2022年上半年, 2019年至2021年 …) as ranges.

Registration notices say whose certificates must be registered (``2022年度及以前``,
``2004年1月1日以后取得``, ``取得证书满三年``); collection notices name the sessions
whose certificates are ready. Both become ``EligibleRange`` bounds that the store
compares with a subscriber's certificate (see ``types.session_bounds``).
"""

from __future__ import annotations

import re
from datetime import date

from parsers.notes import Notes
from parsers.numerals import SMALL_CHARS, YEAR_CHARS, to_int
from parsers.text import CELL_SEPARATOR, Sentence
from parsers.types import EligibleRange, WarningCode


def _spec(name: str) -> str:
    """A year or session (groups ``<name>y``, ``<name>h``), not followed by a month: 2024年3月 is a
    date, read by dates.py."""
    return (
        rf"(?P<{name}y>[{YEAR_CHARS}]{{4}})\s*年\s*(?:度\s*)?(?P<{name}h>上半年|下半年)?(?:度)?"
        rf"(?:\s*\(含\))?(?!\s*[{SMALL_CHARS}]{{1,3}}\s*月)"
    )


# "含" before a year only says the bound is inclusive; "截至 X" makes X an upper bound.
_PHRASE = re.compile(
    rf"(?P<until>截至|截止到?|含)?\s*{_spec('a')}"
    rf"(?:(?P<range>\s*(?:至|到|-{{1,2}}|~)\s*(?:含\s*)?{_spec('b')})"
    rf"|(?P<upto>\s*(?:\(含\))?\s*(?:及|和|或)?\s*(?:以前|之前|前))"
    rf"|(?P<since>\s*(?:\(含\))?\s*(?:及|和|或)?\s*(?:以后|之后|后|起))"
    rf")?"
)
# Full date cut-offs: 2004年1月1日以后取得 / 2019年12月31日(含)以前取得.
_DATE_CUTOFF = re.compile(
    rf"(?P<y>[{YEAR_CHARS}]{{4}})\s*年\s*(?P<m>[{SMALL_CHARS}]{{1,3}})\s*月\s*(?P<d>[{SMALL_CHARS}]{{1,3}})\s*[日号]"
    rf"\s*(?:\(含\))?\s*(?:及|和)?\s*(?P<dir>以后|之后|后|起|以前|之前|前)"
    rf"[^，,。;]{{0,8}}?(?:取得|获得|考取|合格|通过)"
)
_BEFORE = ("以前", "之前", "前")
_YEARS_AGO = re.compile(
    rf"(?:取得|获得)[^，,。;]{{0,8}}?满\s*(?P<n>[{SMALL_CHARS}]{{1,3}})\s*(?:个)?\s*(?:周年|年)"
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


def _session(year: int | None, half: str | None = None) -> str | None:
    """``2021`` or ``2021上半年`` as ``session_bounds`` reads it; None for implausible years."""
    if year is None or not 1980 <= year <= 2100:
        return None
    return f"{year}{half or ''}"


def _merged(found: list[EligibleRange]) -> list[EligibleRange]:
    """One sentence giving only a lower and an upper bound (2004年以后取得…且满三年) is one range."""
    lower = [r for r in found if r.start is not None and r.end is None]
    upper = [r for r in found if r.start is None and r.end is not None]
    if len(found) == 2 and len(lower) == 1 and len(upper) == 1:
        return [EligibleRange(start=lower[0].start, end=upper[0].end, evidence=lower[0].evidence)]
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
            for found in self._sentence_ranges(sentence, columns):
                key = (found.start, found.end)
                if key not in seen:
                    seen.add(key)
                    ranges.append(found)
        return ranges

    def _sentence_ranges(self, sentence: Sentence, columns: set[int] | None) -> list[EligibleRange]:
        """Ranges in one sentence; in a table row below a header such as 取得证书年度, only the
        years in that header's columns (the row itself need not say 取得)."""
        norm = sentence.norm
        if columns is None and not self.topic.search(norm):
            return []
        found: list[EligibleRange] = []

        def add(start: str | None, end: str | None) -> None:
            found.append(EligibleRange(start=start, end=end, evidence=sentence.raw))

        covered: list[tuple[int, int]] = []
        for match in _DATE_CUTOFF.finditer(norm):
            session = self._cutoff_session(match)
            if session is not None:
                covered.append(match.span())
                if match.group("dir") in _BEFORE:
                    add(None, session)
                else:
                    add(session, None)
        for match in _YEARS_AGO.finditer(norm):
            years = to_int(match.group("n"))
            if self.published is None or years is None:
                self.warn(WarningCode.MISSING, "满N年 without a published date", sentence.raw)
                continue
            add(None, str(self.published.year - years))
        for match in _PHRASE.finditer(norm):
            if any(lo <= match.start() < hi for lo, hi in covered):
                continue
            if columns is not None and norm.count(CELL_SEPARATOR, 0, match.start("ay")) not in columns:
                continue
            if _NOT_TOPIC.search(norm, max(0, match.start() - 2), match.end() + 2) or _CAMPAIGN_AFTER.match(
                norm, match.end()
            ):
                continue
            if _NEGATED.match(norm, match.end()):
                continue
            first = _session(to_int(match.group("ay")), match.group("ah"))
            if first is None:
                continue
            if match.group("range"):
                second = _session(to_int(match.group("by")), match.group("bh"))
                if second is not None:
                    add(first, second)
            elif match.group("upto") or match.group("until") in ("截至", "截止", "截止到"):
                add(None, first)
            elif match.group("since"):
                add(first, None)
            else:
                add(first, first)
        return _merged(found)

    @staticmethod
    def _cutoff_session(match: re.Match[str]) -> str | None:
        """A date cut-off as a year or session bound.

        Certificates carry the exam's date (上半年 in May, 下半年 in November), so a
        cut-off in June–November splits the year between its two sessions.
        """
        year, month = to_int(match.group("y")), to_int(match.group("m"))
        if year is None or month is None or not 1 <= month <= 12:
            return None
        if match.group("dir") in _BEFORE:
            if month <= 5:
                return _session(year - 1)
            return _session(year, "上半年" if month <= 11 else None)
        if month <= 5:
            return _session(year)
        return _session(year, "下半年") if month <= 11 else _session(year + 1)
