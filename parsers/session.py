"""The exam session(s) a notice is about (``2024上半年``, or ``2024`` when only a year is given).

The title names the session far more often and more reliably than the body (whose years
also cite documents, earlier sessions and rules), so the title's sessions come first. A
title that gives only a year (2021年度…) is narrowed by the halves the body names for that
year; a title without any year falls back to the sessions of the certificates a collection
notice hands out, then to the first session the body names.
"""

from __future__ import annotations

import re

from parsers.numerals import SMALL_CHARS, YEAR_CHARS, to_int
from parsers.text import Sentence

# 2024年上半年, 2023年度下半年, 2018年度(下半年), 2023上半年, 2024年上、下半年, 2024年上半年和下半年;
# not 2024年3月.
_SESSION = re.compile(
    rf"(?P<y>[{YEAR_CHARS}]{{4}})\s*(?:年\s*度?)?"
    r"(?:\s*\(?\s*(?:(?P<both>上\s*(?:半年)?\s*[、,和及与]?\s*下半年|上下半年)|(?P<h>上半年|下半年)))?"
)
# Years that are not a session: a date (2024年3月), a document number (〔2019〕50号, 软考办[2010]1号).
_NOT_SESSION_AFTER = re.compile(rf"\s*(?:\]|号|年\s*[{SMALL_CHARS}]{{1,3}}\s*月)")
# A bound of a range of certificate years (2022年度及以前), not a session the notice is about.
_BOUND_AFTER = re.compile(
    r"\s*\)?\s*(?:\(含[^()]{0,12}\))?\s*(?:及|和|或)?\s*(?:以前|以后|之前|之后|至|到|-)"
)
_YEAR_WORD = re.compile(r"\s*(?:年|上半年|下半年)")
# A bare year that starts a period (存量证书范围为2008年起至…, 2025年起实行…) is no session; a half
# that does (从2023年下半年起改为机考) is the session it starts with.
_YEAR_ONWARD = re.compile(r"\s*年\s*度?\s*(?:起|以来)")
# A year in the body is only taken when it is about the exam (not a rule's or a certificate's year).
_EXAM_AFTER = re.compile(r"[^，,。;]{0,30}?(?:考试|软考|资格)")
_BOUND_BEFORE = re.compile(r"(?:至|到|-|~)\s*$")
_HALVES = ("上半年", "下半年")
# 上半年考试 / 下半年报名 without a year, or a half with its date (考试日期:上半年5月23日至26日,
# 下半年10月24日至27日): the halves of the title's year. 上半年网上填报时间… / 上半年网上缴费… name one too.
# A place may stand before the half (北京上半年软考报名时间); 上、下半年考试 names both halves. A half
# may also lead its date after a colon (上半年:5月26日), head a line of its own ((一)上半年), or
# stand in brackets after its date (5月26日(上半年)).
_BARE_HALF = re.compile(
    r"(?<![\d年度])(?<![\d年度]\s)(?<![年度]\()(?<![年度]\s\()(?P<both>上\s*[、,和及与]?\s*下半年)?(?P<h>上半年|下半年)?"
    rf"(?<=半年)(?=[^，,。;]{{0,6}}?(?:考试|报名|报考|网报|软考|填报|缴费|交费)|\s*:?\s*[{SMALL_CHARS}]{{1,3}}\s*月|\s*:?\s*$|\s*\))"
)
# 上、下半年考试合并举行: the halves are one exam that year, so they name no half.
_MERGED = re.compile(r"合并")


def bare_halves(sentences: list[Sentence]) -> list[str]:
    """The halves the body names without their year (上半年考试报名时间…, 北京下半年软考…)."""
    found: set[str] = set()
    for sentence in sentences:
        if "半年" not in sentence.norm or _MERGED.search(sentence.norm):
            continue
        for match in _BARE_HALF.finditer(sentence.norm):
            found.update(_HALVES if match.group("both") else (match.group("h"),))
    return sorted(found)


def narrowed_year(year: str, sentences: list[Sentence]) -> list[str]:
    """A year found elsewhere (a sign-up notice's dates) as the halves its body names."""
    return _narrowed([year], [], bare_halves(sentences))


def _plausible(year: int | None) -> bool:
    return year is not None and 1990 <= year <= 2100


def sessions_in(text: str, *, exam_only: bool = False) -> list[str]:
    """Sessions and bare years named in ``text``, in order, without repeats."""
    found: list[str] = []
    for match in _SESSION.finditer(text):
        year = to_int(match.group("y"))
        if not _plausible(year) or _NOT_SESSION_AFTER.match(text, match.start("y") + 4):
            continue
        if _BOUND_AFTER.match(text, match.end()) or _BOUND_BEFORE.search(text, 0, match.start()):
            continue
        if not (match.group("h") or match.group("both")) and (
            not _YEAR_WORD.match(text, match.start("y") + 4) or _YEAR_ONWARD.match(text, match.start("y") + 4)
        ):
            continue  # a bare number such as 2024 in a URL or an amount, or the start of a period
        if exam_only and not _EXAM_AFTER.match(text, match.end()):
            continue
        if match.group("both"):
            names = [f"{year}{half}" for half in _HALVES]
        else:
            names = [f"{year}{match.group('h') or ''}"]
        found.extend(name for name in names if name not in found)
    return found


def _narrowed(title_sessions: list[str], body: list[str], bare_halves: list[str]) -> list[str]:
    """A bare title year (2021) becomes the halves of it the body names (2021上半年, 2021下半年),
    with or without their year (上半年考试报名时间…)."""
    result: list[str] = []
    for session in title_sessions:
        halves = []
        if session.isdigit():
            named = [s for s in body if s.startswith(session) and s != session]
            halves = [
                f"{session}{half}" for half in _HALVES if f"{session}{half}" in named or half in bare_halves
            ]
        for name in halves or [session]:
            if name not in result:
                result.append(name)
    return result


def read_sessions(title: str, sentences: list[Sentence], certificate_sessions: list[str]) -> list[str]:
    """The sessions a notice is about; ``title`` is normalised, ``certificate_sessions`` are the
    single sessions of a collection notice's eligible ranges."""
    body = [name for sentence in sentences for name in sessions_in(sentence.norm, exam_only=True)]
    from_title = sessions_in(title)
    if from_title:
        return _narrowed(from_title, body, bare_halves(sentences))
    if certificate_sessions:
        return certificate_sessions
    # The first session the body names; 2019年度上、下半年考试 names two at once.
    first = next(
        (found for sentence in sentences if (found := sessions_in(sentence.norm, exam_only=True))), []
    )
    both = len(first) > 1 and first[0][:4] == first[1][:4] and {first[0][4:], first[1][4:]} == set(_HALVES)
    if both:
        return first[:2]
    # A bare year (2025年度…的函) is narrowed by the halves the body names for it, like a title's; a
    # body that gives both halves their dates (上半年报考日期为…，下半年报考日期为…) is about both.
    halves = bare_halves(sentences)
    if first and first[0][4:] in _HALVES and set(halves) == set(_HALVES):
        return [f"{first[0][:4]}{half}" for half in _HALVES]
    return _narrowed(first[:1], body, halves)
