"""Bytes → text, text → clean lines and sentences, and the normalisation every matcher uses.

Notices arrive as UTF-8 or GBK pages full of navigation chrome, Word pastes and
full-width punctuation. This module turns them into plain lines (one paragraph or
table row per line) and offers ``normalise`` (simplified script, plain punctuation) so matchers search
one spelling while evidence is quoted from the original.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

# Characters lxml rejects (NUL, C0 controls except tab/newline/CR) and that never carry meaning.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Pages past this size are cut before parsing: no real notice is anywhere near it.
MAX_HTML_CHARS = 1_000_000
MAX_TITLE_CHARS = 300

_GB_ALIASES = {"gb2312", "gbk", "gb_2312", "gb_2312-80", "x-gbk", "zh_cn", "cp936", "euc-cn", "csgb2312"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{2,40})""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _codec(name: str | None) -> str | None:
    """Python codec for a declared charset, with GB2312/GBK widened to GB18030 (WHATWG does the same)."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _GB_ALIASES or name.startswith("gb"):
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode page bytes: BOM, declared charset, ``<meta charset>``, UTF-8, then GB18030.

    A declared charset that fails strictly is not trusted (sites declare UTF-8 and serve
    GBK), so the next candidate is tried; replacement characters appear only when every
    candidate fails, and then the reading with the fewest of them wins. Never raises.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    candidates: list[str] = []
    meta = _META_CHARSET.search(data[:4096])
    for name in (
        _codec(declared),
        _codec(meta.group(1).decode("ascii")) if meta else None,
        "utf-8",
        "gb18030",
    ):
        if name and name not in candidates:
            candidates.append(name)
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    # Every candidate failed (a truncated or damaged page): keep the least damaged reading.
    return min(
        (data.decode(encoding, errors="replace") for encoding in candidates), key=lambda t: t.count("\ufffd")
    )


def _build_normal_map() -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
    table.update({0x3000: " ", 0xA0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x200B: " ", 0xFEFF: " "})
    for colon in "︰﹕∶":
        table[ord(colon)] = ":"
    for dash in "‐‑‒–—―−─━﹣":
        table[ord(dash)] = "-"
    look_alikes = {
        "〜": "~",
        "∼": "~",
        "∽": "~",
        "￥": "¥",
        "﹙": "(",
        "﹚": ")",
        "【": "[",
        "】": "]",
        "〔": "[",
        "〕": "]",
    }
    table.update({ord(char): plain for char, plain in look_alikes.items()})
    # Invisible format characters (zero width, bidi controls) read as spaces.
    table.update(
        {code: " " for code in (0x200C, 0x200D, 0x2060, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}
    )
    return table


_NORMAL_MAP = _build_normal_map()
# A regex over the map's keys replaces only what is there: str.translate with a dict looks up
# every character of a Chinese text in Python's slow path (about 7× slower on the corpus).
_NORMAL_CHARS = re.compile("[" + "".join(re.escape(chr(code)) for code in _NORMAL_MAP) + "]")


def _normal_char(match: re.Match[str]) -> str:
    return _NORMAL_MAP[ord(match.group())]


# Re-post mirrors annotate characters with their pinyin: 關(guān)于, 計(jì)算機(jī), also in full-width
# letters (計（ｊì）算機) when the copy was made full-width throughout.
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])[(（][a-zａ-ｚü]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zａ-ｚü]{0,6}[)）]"
)


@cache
def _to_simplified() -> Callable[[str], str]:
    """OpenCC's traditional → simplified conversion, built on first use (it loads dictionaries)."""
    import opencc

    return opencc.OpenCC("t2s").convert


def normalise(text: str) -> str:
    """The text every matcher reads: simplified characters, plain punctuation and spaces.

    Pinyin annotations of damaged re-posts are dropped, traditional script becomes simplified
    (OpenCC), and full-width ASCII and look-alike colons, dashes and brackets map to plain ones.
    Only matching reads it; evidence is always cut from the original text (``Sentence.raw``).
    """
    if not text.isascii():
        text = _to_simplified()(_PINYIN.sub("", text))
    return _NORMAL_CHARS.sub(_normal_char, text)


CELL_MARK = "\x1f"
CELL_SEPARATOR = " | "  # between the cells of a table row in html_to_text's output
BLOCK_IN_CELL = "\x1e"
_LAYOUT_BREAKS = re.compile("[\x1e\x1f]")
_LAYOUT_ROW_CHARS = 200
SPACES = re.compile(r"[ \t\r\f\v\u3000\xa0]+")
_CELL_RUNS = re.compile(r"\s*\x1f[\s\x1f]*")


def clean_lines(raw: str) -> str:
    """Collapse spaces, join table cells with `` | `` and drop empty lines.

    A table row longer than ``_LAYOUT_ROW_CHARS`` is page layout (old sites put the whole
    notice in table cells), so its cells and inner paragraphs become lines of their own.
    """
    lines = []
    for line in raw.split("\n"):
        if BLOCK_IN_CELL not in line:
            pieces = [line]
        elif len(line) > _LAYOUT_ROW_CHARS:
            pieces = _LAYOUT_BREAKS.split(line)
        else:
            pieces = [line.replace(BLOCK_IN_CELL, " ")]
        for piece in pieces:
            piece = _CELL_RUNS.sub(CELL_SEPARATOR, SPACES.sub(" ", piece)).strip(" |")
            if piece:
                lines.append(piece)
    return "\n".join(lines)


def clean_text(text: str) -> str:
    """Plain text with controls removed, spaces collapsed and blank lines dropped."""
    return clean_lines(CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


@dataclass(frozen=True)
class Sentence:
    """One sentence (or table row) of a notice: ``raw`` for evidence, ``norm`` for matching.

    ``norm`` is ``normalise(raw)``; evidence is always the whole ``raw``. ``heading`` is the previous line
    when it is short (a list heading such as ``一、报名时间``), for labels stated above a date;
    ``section`` is the last such line however far above (（二）网上缴费 over a paragraph of fees and
    then …请于3月24日16:00前), the weakest of a date's labels.
    """

    raw: str
    norm: str
    heading: str
    section: str = ""


_SENTENCE_END = re.compile(r"(?<=[。！？；;!?])")
_HEADING_MAX = 30
_DATE_LIKE = re.compile(r"[0-9一二三四五六七八九十〇]\s*[年月日号:]|\d[-/]\d")
# Real sentences are well under this; longer runs (hostile or broken input) are cut into pieces
# so that matching stays linear in the text's length.
MAX_SENTENCE_CHARS = 500


# A heading that announces dates (报名时间：) stays the heading of each list item below it
# (1.上半年：3月1日至3月10日； / 2.下半年：8月1日至8月10日。, or 上半年：… / 下半年：…), not only of the first.
_DATES_HEADING = re.compile(r"(?:时间|日期|期限|时段)\s*(?:安排|如下)?\s*:?\s*$")
_LIST_ITEM = re.compile(
    r"\s*(?:\d{1,2}\s*[.、)]|\(\s*\d{1,2}\s*\)|[①-⑩]|\(\s*[一二三四五六七八九十]{1,2}\s*\)|[^\d:,。;]{1,8}:)"
)


def _is_heading(line: str, norm: str) -> bool:
    """A short line without a date (一、报名时间), as opposed to a short line that states one or a
    table row (whose header is read column by column); ``norm`` is the line normalised."""
    return len(line) <= _HEADING_MAX and CELL_SEPARATOR not in line and not _DATE_LIKE.search(norm)


# A short remark between a heading and its dates: a line in brackets, or one that announces what
# follows (具体安排如下:) without naming anything itself.
_REMARK_LINE = re.compile(r"\([^()]{1,28}\)|(?:具体|详细|相关)?(?:安排|时间|事项)?如下\s*:?")
_LEAD_CHARS = 16


def _dates_lead(norm: str) -> str | None:
    """The lead of a line's first sentence when it announces dates (报名时间：上半年3月5日至15日；下半年…):
    it is the heading of the line's later sentences, which go on listing its dates."""
    colon = norm.find(":", 0, _LEAD_CHARS + 1)
    lead = norm[: colon + 1]
    return lead if colon > 0 and _DATES_HEADING.search(lead) and not _DATE_LIKE.search(lead) else None


def _pieces(line: str) -> list[str]:
    """A line cut at 。！？； (kept on the sentence) and at ``MAX_SENTENCE_CHARS``, trimmed."""
    pieces = []
    for sentence in _SENTENCE_END.split(line):
        for start in range(0, len(sentence), MAX_SENTENCE_CHARS):
            piece = sentence[start : start + MAX_SENTENCE_CHARS].strip()
            if piece:
                pieces.append(piece)
    return pieces


def split_sentences(text: str, normalised: str | None = None) -> list[Sentence]:
    """Sentences of a notice: split at line breaks and 。！？； (kept on the sentence), trimmed.

    The text is normalised once as a whole (one OpenCC call, not one a line; ``normalised`` when
    the caller already has it) and each line is cut the same way as the original, so the
    normalised sentences pair with the raw ones; a line whose two cuts disagree (a normalisation
    that moved a cut) is normalised piece by piece.
    """
    sentences: list[Sentence] = []
    heading = section = ""
    raw_lines = text.split("\n")
    norm_lines = (normalise(text) if normalised is None else normalised).split("\n")
    if len(norm_lines) != len(raw_lines):
        norm_lines = [normalise(line) for line in raw_lines]
    for line, norm_whole in zip(raw_lines, norm_lines, strict=True):
        line = line.strip()
        if not line:
            continue
        norm_line = norm_whole.strip()
        raw_pieces, norm_pieces = _pieces(line), _pieces(norm_line)
        if len(raw_pieces) != len(norm_pieces) or len(line) > MAX_SENTENCE_CHARS:
            norm_pieces = [normalise(piece) for piece in raw_pieces]
        lead = _dates_lead(norm_pieces[0]) if len(norm_pieces) > 1 else None
        sentences.extend(
            Sentence(raw=raw, norm=norm, heading=lead if lead and index else heading, section=section)
            for index, (raw, norm) in enumerate(zip(raw_pieces, norm_pieces, strict=True))
        )
        if _REMARK_LINE.fullmatch(norm_line):
            continue  # (具体安排如下) under 一、报名时间 leaves the heading to the dates below it
        if _is_heading(line, norm_line):
            heading = norm_line
            # The first line is the title: it names the notice, not a section of it.
            section = norm_line if len(sentences) > len(raw_pieces) else ""
        elif not (_LIST_ITEM.match(norm_line) and _DATES_HEADING.search(heading)):
            heading = ""
    return sentences
