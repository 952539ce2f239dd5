"""``parse_notice``: one notice (HTML or text) → ``ParsedNotice``, never raising.

This is where the pieces meet: text extraction, published date and session year
(which year-less dates need), kind, region, then windows, eligible ranges and fees.
Everything is pure: the published date is a parameter or read off the page, never
taken from a clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from core.places import NATIONAL
from parsers.dates import WindowReader, YearContext
from parsers.eligible import CERTIFICATE_TOPIC, HOLDER_TOPIC, EligibleReader
from parsers.fees import FeeReader
from parsers.kind import classify, is_explainer, settle_kind
from parsers.notes import Notes
from parsers.numerals import SMALL_CHARS, YEAR_CHARS, to_int
from parsers.region import find_region
from parsers.session import read_sessions, sessions_in
from parsers.text import (
    MAX_HTML_CHARS,
    MAX_TITLE_CHARS,
    Sentence,
    clean_text,
    looks_like_html,
    normalise,
    parse_page,
    split_sentences,
)
from parsers.types import EligibleRange, ParsedNotice, ParseWarning, WarningCode

_T = TypeVar("_T")
# Text past this length is not searched: real notices are a few thousand characters.
MAX_TEXT_CHARS = 200_000
_META_DATE = re.compile(
    r"(?:发布时间|发布日期|信息提供日期|发文日期|成文日期)\s*:\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})"
)
_SIGNATURE_DATE = re.compile(
    r"^\s*(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\s*$|"
    rf"^\s*(?P<y>[{YEAR_CHARS}]{{4}})\s*年\s*(?P<m>[{SMALL_CHARS}]{{1,3}})\s*月\s*(?P<d>[{SMALL_CHARS}]{{1,3}})\s*日\s*$"
)
_DEFAULT_FEE_ITEM = {"registration": "登记费", "late_registration": "登记费", "exam_signup": "考试费"}


def _safe_date(year: int | None, month: int | None, day: int | None) -> date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _published_from(meta: str, text: str) -> date | None:
    """The page's 发布时间 line, else the signature date on one of the last lines."""
    found = _META_DATE.search(normalise(meta))
    if found:
        return _safe_date(*(int(part) for part in found.groups()))
    for line in reversed(text.splitlines()[-6:]):
        match = _SIGNATURE_DATE.match(normalise(line))
        if match and match["iy"]:
            return _safe_date(int(match["iy"]), int(match["im"]), int(match["id"]))
        if match:
            return _safe_date(to_int(match["y"]), to_int(match["m"]), to_int(match["d"]))
    return None


def _year_context(title: str, sentences: list[Sentence], published: date | None) -> YearContext:
    """Year-less dates take their year from the title's session, else the first exam session
    the body names (a copy without its title), and the published date."""
    named = sessions_in(title) or next(
        (found for sentence in sentences if (found := sessions_in(sentence.norm, exam_only=True))), []
    )
    if not named:
        return YearContext(published, None, None)
    first = named[0]
    return YearContext(published, int(first[:4]), first[4:] or None)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def parse_notice(
    document: str,
    *,
    title: str | None = None,
    published: date | None = None,
    region: str | None = None,
    is_html: bool | None = None,
) -> ParsedNotice:
    """Parse one notice; unsure fields are left out with a message in ``warnings``.

    Never raises: the crawler stores whatever comes back, so an unexpected error (a bug,
    not bad input, which the readers handle) becomes an ``other`` notice with its warning.
    """
    try:
        return _parse(document, title=title, published=published, region=region, is_html=is_html)
    except Exception as error:  # the contract is "never raises"
        return ParsedNotice(
            title=" ".join(str(title or "").split())[:MAX_TITLE_CHARS],
            kind="other",
            region=region or NATIONAL,
            published=published,
            warnings=(
                ParseWarning(
                    WarningCode.READER_FAILED,
                    f"parser error, nothing extracted: {type(error).__name__}: {error}"[:300],
                ),
            ),
        )


def _parse(
    document: str,
    *,
    title: str | None,
    published: date | None,
    region: str | None,
    is_html: bool | None,
) -> ParsedNotice:
    notes = Notes()
    if not isinstance(document, str):
        document = str(document)
    if is_html is None:
        is_html = looks_like_html(document)
    meta = ""
    if is_html:
        if len(document) > MAX_HTML_CHARS:
            notes.warn(
                WarningCode.INPUT_CUT,
                f"page longer than {MAX_HTML_CHARS} characters: only the start was parsed",
            )
        page = parse_page(document)
        text, meta = page.text, page.meta
        title = title or page.title
    else:
        text = clean_text(document[: MAX_TEXT_CHARS * 2])
    title = " ".join((title or _first_line(text)).split())[:MAX_TITLE_CHARS]
    if not title:
        notes.warn(WarningCode.MISSING, "no title found")
    if len(text) > MAX_TEXT_CHARS:
        notes.warn(
            WarningCode.INPUT_CUT,
            f"text longer than {MAX_TEXT_CHARS} characters: only the start was searched",
        )
        text = text[:MAX_TEXT_CHARS]
    if published is None:
        published = _published_from(meta, text)
        if published is None:
            notes.warn(WarningCode.MISSING, "no published date given or found on the page")
    sentences = split_sentences(text)
    years = _year_context(normalise(title), sentences, published)
    kind = classify(normalise(title), normalise(text))
    region = region or find_region(normalise(title), normalise(meta), normalise(text))

    window_reader = WindowReader(years)
    eligible_reader = EligibleReader(
        published, CERTIFICATE_TOPIC if kind == "certificate_collection" else HOLDER_TOPIC
    )
    fee_reader = FeeReader(_DEFAULT_FEE_ITEM.get(kind))
    windows = _guarded(notes, "windows", lambda: window_reader.read(sentences))

    def read_eligible() -> list[EligibleRange]:
        if kind == "certificate_collection":
            # Collection notices often name the ready sessions only in their title.
            return eligible_reader.read(sentences) or eligible_reader.read(
                [Sentence(raw=title, norm=normalise(title), heading="")]
            )
        if kind in ("registration", "late_registration"):
            return eligible_reader.read(sentences)
        return []

    eligible = _guarded(notes, "eligible", read_eligible)
    kind = settle_kind(kind, normalise(title), [w.label for w in windows])
    if kind == "other" and is_explainer(normalise(title)):
        windows = []
    if kind not in ("registration", "late_registration", "certificate_collection"):
        eligible = []
    sessions = (
        []
        if kind == "other"
        else _guarded(
            notes,
            "session",
            lambda: read_sessions(
                normalise(title),
                sentences,
                [e.start for e in eligible if e.start is not None and e.start == e.end]
                if kind == "certificate_collection"
                else [],
            ),
        )
    )
    fees = _guarded(notes, "fees", lambda: fee_reader.read(sentences))
    for reader in (window_reader, eligible_reader, fee_reader):
        notes.warnings += reader.warnings
        notes.uncertain += reader.uncertain
    return ParsedNotice(
        title=title,
        kind=kind,
        region=region,
        published=published,
        windows=tuple(windows),
        eligible=tuple(eligible),
        fees=tuple(fees),
        session=tuple(sessions),
        warnings=tuple(notes.warnings),
        uncertain=tuple(notes.uncertain),
    )


def _guarded(notes: Notes, field: str, read: Callable[[], list[_T]]) -> list[_T]:
    """One reader's result, or nothing plus a ``ReaderFailed`` warning when it raises.

    A bug in one reader must not cost the other fields, and it must not pass unseen:
    the crawl counts these warnings as ``notices/parse/failed`` and the health check
    reports them.
    """
    try:
        return read()
    except Exception as error:  # any bug in a reader; reported, never swallowed
        notes.warn(WarningCode.READER_FAILED, f"{field} reader failed: {type(error).__name__}: {error}"[:300])
        return []
