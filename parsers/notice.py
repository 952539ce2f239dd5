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
from parsers.dates import WindowReader
from parsers.eligible import CERTIFICATE_TOPIC, HOLDER_TOPIC, EligibleReader
from parsers.fees import FeeReader
from parsers.kind import classify, is_explainer, named_title, settle_kind
from parsers.notes import Notes
from parsers.numerals import SMALL_CHARS, YEAR_CHARS, to_int
from parsers.page import looks_like_html, parse_page
from parsers.plain import lead_in_date, plain_title, split_chrome, unwrapped
from parsers.region import find_region
from parsers.session import narrowed_year, read_sessions
from parsers.text import (
    MAX_HTML_CHARS,
    MAX_TITLE_CHARS,
    Sentence,
    clean_text,
    normalise,
    split_sentences,
)
from parsers.types import EligibleRange, ParsedNotice, ParseWarning, WarningCode, Window
from parsers.years import year_context

_T = TypeVar("_T")
_OPENING_CHARS = 600
_CLOSING_LINES = 4
# Text past this length is not searched: real notices are a few thousand characters.
MAX_TEXT_CHARS = 200_000
_META_DATE = re.compile(
    r"(?:发布时间|发布日期|信息提供日期|发文日期|成文日期)\s*:\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})"
)
# The signature's date, alone on its line or after the issuer's name on the same line
# (天津市人事考试中心 2024年3月1日).
_ISSUER_BEFORE = r"(?:[^\d\s,，。;:]{2,30}(?:中心|院|局|厅|办公室|委员会|委|站)\s+)?"
_SIGNATURE_DATE = re.compile(
    rf"^\s*{_ISSUER_BEFORE}(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})\s*$|"
    rf"^\s*{_ISSUER_BEFORE}(?P<y>[{YEAR_CHARS}]{{4}})\s*年\s*(?P<m>[{SMALL_CHARS}]{{1,3}})\s*月\s*(?P<d>[{SMALL_CHARS}]{{1,3}})\s*日\s*$"
)
_NOTICE_TITLE = re.compile(r"(?:通知|公告|通告|提示|简章|须知|公示)[^\w]{0,3}$")
_REPORTS_NOTICE = re.compile(r"发布了[^。]{0,40}?(?:通知|公告)")
# A re-post's mark before the title ([转发]关于…的通知, 转载:…) says nothing about the notice.
_FORWARDED = re.compile(r"^\s*(?:\[\s*(?:转发|转载)\s*\]|(?:转发|转载)\s*:)\s*")
_DEFAULT_FEE_ITEM = {"registration": "登记费", "late_registration": "登记费", "exam_signup": "考试费"}


def _safe_date(year: int | None, month: int | None, day: int | None) -> date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _published_from(meta: str, lines: list[str]) -> date | None:
    """The page's 发布时间 line, else the signature date on one of the last lines (both normalised)."""
    found = _META_DATE.search(meta)
    if found:
        return _safe_date(*(int(part) for part in found.groups()))
    lead_in = lead_in_date(meta)
    if lead_in is not None:
        return lead_in
    for line in reversed(lines[-6:]):
        match = _SIGNATURE_DATE.match(line)
        if match and match["iy"]:
            return _safe_date(int(match["iy"]), int(match["im"]), int(match["id"]))
        if match:
            return _safe_date(to_int(match["y"]), to_int(match["m"]), to_int(match["d"]))
    return None


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


def _document_text(
    document: str, title: str | None, is_html: bool | None, notes: Notes
) -> tuple[str, str, str]:
    """(title, body text, metadata lines) of an HTML page or a plain-text notice."""
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
        meta, text = split_chrome(unwrapped(clean_text(document[: MAX_TEXT_CHARS * 2])))
        title = title or plain_title(text)
    title = " ".join((title or _first_line(text)).split())[:MAX_TITLE_CHARS]
    if not title:
        notes.warn(WarningCode.MISSING, "no title found")
    if len(text) > MAX_TEXT_CHARS:
        notes.warn(
            WarningCode.INPUT_CUT,
            f"text longer than {MAX_TEXT_CHARS} characters: only the start was searched",
        )
        text = text[:MAX_TEXT_CHARS]
    return title, text, meta


def _read_eligible(
    reader: EligibleReader, kind: str, title: str, sentences: list[Sentence]
) -> list[EligibleRange]:
    if kind == "certificate_collection":
        # Collection notices often name the ready sessions only in their title.
        return reader.read(sentences) or reader.read([Sentence(raw=title, norm=normalise(title), heading="")])
    if kind in ("registration", "late_registration"):
        return reader.read(sentences)
    return []


def _sessions(
    notes: Notes, kind: str, title: str, sentences: list[Sentence], eligible: list[EligibleRange]
) -> list[str]:
    """The sessions a notice is about; none for ``other``. A collection notice's own eligible
    sessions (from = to) count as named."""
    if kind == "other":
        return []
    handed_out = (
        [e.start for e in eligible if e.start is not None and e.start == e.end]
        if kind == "certificate_collection"
        else []
    )
    return _guarded(notes, "session", lambda: read_sessions(title, sentences, handed_out))


_SIGNUP_LABELS = ("报名", "缴费", "资格审核")
_YEAR_WRITTEN = re.compile(rf"[{YEAR_CHARS}]{{4}}(?=\s*年)|(?<!\d)\d{{4}}(?=[-/.]\d{{1,2}}[-/.]\d{{1,2}})")


def _written_years(evidence: str) -> set[int | None]:
    """The years a window's evidence writes out (2013年, 二〇一三年, 2013-03-01)."""
    return {to_int(year) for year in _YEAR_WRITTEN.findall(normalise(evidence))}


def _signup_year(windows: list[Window], sentences: list[Sentence]) -> list[str]:
    """A sign-up notice that names no session is about the exam of the year its sign-up dates are
    written in (报名时间为2013年3月1日~2013年4月5日 → 2013): sign-up opens in the exam's own year;
    the halves its body names without a year (上半年考试网上缴费时间…) narrow it."""
    for window in windows:
        start = window.start or window.end
        if (
            window.label in _SIGNUP_LABELS
            and start is not None
            and start.year in _written_years(window.evidence)
        ):
            return narrowed_year(str(start.year), sentences)
    return []


def _parse(
    document: str,
    *,
    title: str | None,
    published: date | None,
    region: str | None,
    is_html: bool | None,
) -> ParsedNotice:
    notes = Notes()
    title, text, meta = _document_text(document, title, is_html, notes)
    # The text is normalised once (OpenCC is a good part of a small page's cost) and every reader
    # below takes its part of it.
    norm_text, norm_meta = normalise(text), normalise(meta)
    norm_lines = norm_text.split("\n")
    if published is None:
        published = _published_from(norm_meta, norm_lines)
        if published is None:
            notes.warn(WarningCode.MISSING, "no published date given or found on the page")
    sentences = split_sentences(text, norm_text)
    norm_title = named_title(_FORWARDED.sub("", normalise(title)), norm_text[:_OPENING_CHARS])
    years = year_context(norm_title, sentences, published)
    # Kind and region read only the body's opening and its last lines (the signature).
    ends = norm_text[:_OPENING_CHARS] + "\n" + "\n".join(norm_lines[-_CLOSING_LINES:])
    kind = classify(norm_title, ends)
    region = region or find_region(norm_title, norm_meta, ends)

    window_reader = WindowReader(years)
    windows = _guarded(notes, "windows", lambda: window_reader.read(sentences))
    # An explainer's title over a report of an office's notice (…发布了…通知，…时间调整为…) is an account
    # that states the notice's windows itself: its windows decide its kind, as an untitled page's do.
    explainer = is_explainer(norm_title)
    reports = explainer and _REPORTS_NOTICE.search(ends) is not None
    kind = settle_kind(kind, "" if reports else norm_title, [w.label for w in windows])
    if kind == "other" and explainer:
        windows = []
    # Whose certificates: read for the kind the windows settled (a copy whose first line is no title
    # is a collection notice by its 邮寄申请 window, and its certificates are read as handed out).
    eligible_reader = EligibleReader(
        published, CERTIFICATE_TOPIC if kind == "certificate_collection" else HOLDER_TOPIC
    )
    eligible = _guarded(notes, "eligible", lambda: _read_eligible(eligible_reader, kind, title, sentences))
    sessions = _sessions(notes, kind, norm_title, sentences, eligible)
    if kind == "exam_signup" and not sessions:
        sessions = _signup_year(windows, sentences)
    if kind in ("certificate_collection", "results") and not (
        windows or sessions or _NOTICE_TITLE.search(norm_title)
    ):
        # A collection or results notice names its session or a window, or at least calls itself a
        # notice (历年证书…的温馨提示); a text with none of these explains how things work in general.
        kind, eligible = "other", []
    # Fees a sentence names no item for are of the notice's kind as its windows settled it.
    fee_reader = FeeReader(_DEFAULT_FEE_ITEM.get(kind))
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
