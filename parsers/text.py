"""Bytes → text, HTML → clean lines, and the one-to-one normalisation every matcher uses.

Notices arrive as UTF-8 or GBK pages full of navigation chrome, Word pastes and
full-width punctuation. This module turns them into plain lines (one paragraph or
table row per line) and offers ``normalise`` (simplified script, plain punctuation) so matchers search
one spelling while evidence is quoted from the original.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from bs4 import BeautifulSoup, CData, NavigableString, PageElement, Tag

# Characters lxml rejects (NUL, C0 controls except tab/newline/CR) and that never carry meaning.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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


# Re-post mirrors annotate characters with their pinyin: 關(guān)于, 計(jì)算機(jī).
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])[(（][a-zü]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,6}[)）]")


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
    return text.translate(_NORMAL_MAP)


# --- HTML → text -------------------------------------------------------------------------

_NOISE_TAGS = frozenset(
    (
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "nav",
        "header",
        "footer",
        "form",
        "select",
        "button",
        "svg",
        "object",
        "embed",
        "head",
        "title",
    )
)
_BLOCK_TAGS = frozenset(
    (
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "blockquote",
        "pre",
        "hr",
        "dd",
        "dt",
        "dl",
        "center",
        "tbody",
        "thead",
        "tfoot",
        "caption",
        "address",
        "aside",
        "main",
        "figure",
    )
)
_CELL_TAGS = frozenset(("td", "th"))
# Body containers of known sites, most specific first (ruankao.org.cn, gov.cn CMS, TRS editors):
# ("id" | "class" | "tag", value).
_BODY_MARKS = (
    ("id", "contentTxt"),
    ("id", "fontzoom"),
    ("class", "conTxt"),
    ("id", "zoom"),
    ("class", "TRS_Editor"),
    ("class", "article-content"),
    ("class", "news_content"),
    ("tag", "article"),
    ("id", "content"),
    ("class", "content"),
)
_TITLE_MARKS = (
    ("id", "contentTitle"),
    ("class", "article-title"),
    ("tag", "h1"),
    ("tag", "h2"),
    ("tag", "h3"),
)
_WANTED_MARKS = frozenset(_BODY_MARKS + _TITLE_MARKS)
# Chrome that a fallback (whole-body) extraction skips by id/class name.
_CHROME = re.compile(
    r"nav|menu|foot|header|bottom|breadcrumb|crumb|sidebar|share|toolbar|links|copyright", re.I
)
_CELL_MARK = "\x1f"
CELL_SEPARATOR = " | "  # between the cells of a table row in html_to_text's output
_BLOCK_IN_CELL = "\x1e"
_LAYOUT_BREAKS = re.compile("[\x1e\x1f]")
_LAYOUT_ROW_CHARS = 200
_SOURCE_NEWLINES = str.maketrans("\r\n", "  ")
_SPACES = re.compile(r"[ \t\r\f\v\u3000\xa0]+")
_CELL_RUNS = re.compile(r"\s*\x1f[\s\x1f]*")


@dataclass(frozen=True)
class Page:
    """One parsed HTML page: its title, its body text, and its metadata lines (the raw ``<title>``,
    which often names the issuing site, and 发布时间/信息来源 lines)."""

    title: str | None
    text: str
    meta: str


def _clean_lines(raw: str) -> str:
    """Collapse spaces, join table cells with `` | `` and drop empty lines.

    A table row longer than ``_LAYOUT_ROW_CHARS`` is page layout (old sites put the whole
    notice in table cells), so its cells and inner paragraphs become lines of their own.
    """
    lines = []
    for line in raw.split("\n"):
        if _BLOCK_IN_CELL not in line:
            pieces = [line]
        elif len(line) > _LAYOUT_ROW_CHARS:
            pieces = _LAYOUT_BREAKS.split(line)
        else:
            pieces = [line.replace(_BLOCK_IN_CELL, " ")]
        for piece in pieces:
            piece = _CELL_RUNS.sub(CELL_SEPARATOR, _SPACES.sub(" ", piece)).strip(" |")
            if piece:
                lines.append(piece)
    return "\n".join(lines)


def _landmarks(soup: BeautifulSoup) -> dict[tuple[str, str], Tag]:
    """The first tag of each known body or title mark, found in one pass over the tree
    (CSS selectors would walk the tree once per selector, costing as much as parsing)."""
    found: dict[tuple[str, str], Tag] = {}
    for tag in soup.find_all(True):
        marks = [("tag", tag.name)]
        tag_id = tag.get("id")
        if isinstance(tag_id, str):
            marks.append(("id", tag_id))
        marks.extend(("class", name) for name in tag.get("class") or ())
        for mark in marks:
            if mark in _WANTED_MARKS and mark not in found:
                found[mark] = tag
    return found


def _body_container(landmarks: dict[tuple[str, str], Tag]) -> Tag | None:
    """The first known body container (by priority) that holds some text."""
    for mark in _BODY_MARKS:
        tag = landmarks.get(mark)
        if tag is not None and len(tag.get_text(strip=True)) >= 20:
            return tag
    return None


def _is_chrome(tag: Tag) -> bool:
    tag_id = tag.get("id")
    names = " ".join(tag.get("class") or ()) + " " + (tag_id if isinstance(tag_id, str) else "")
    return bool(names.strip()) and _CHROME.search(names) is not None


def _tag_text(root: Tag, skip_chrome: bool) -> str:
    """Text of a subtree with paragraphs as lines and table cells joined by `` | ``.

    Blocks inside a table cell stay inside its row, so one table row is one line.
    An explicit stack (no recursion, no tree edits) keeps 10,000 nested tags linear.
    """
    parts: list[str] = []
    stack: list[tuple[Iterator[PageElement], str, bool]] = [(iter(root.contents), "", False)]
    cell_depth = 0
    while stack:
        children, closing, is_cell = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            parts.append(closing)
            cell_depth -= is_cell
            continue
        if isinstance(node, Tag):
            name = node.name
            if name in _NOISE_TAGS or (skip_chrome and _is_chrome(node)):
                continue
            if name in _CELL_TAGS:
                cell_depth += 1
                stack.append((iter(node.contents), _CELL_MARK, True))
            elif name in _BLOCK_TAGS:
                mark = _BLOCK_IN_CELL if cell_depth else "\n"
                parts.append(mark)
                if name != "br":
                    stack.append((iter(node.contents), mark, False))
            else:
                stack.append((iter(node.contents), "", False))
        elif type(node) is NavigableString or isinstance(node, CData):
            parts.append(node.translate(_SOURCE_NEWLINES))  # in HTML a newline is only a space
    return _clean_lines("".join(parts))


_META_HINTS = re.compile(
    r"信息来源|来源[:：]|发布(?:时间|日期|单位|机构)|信息提供日期|发文(?:机关|日期)|成文日期"
)


_NOTICE_WORDS = re.compile(r"通知|公告|通告|简章|须知|公示|办法|提示|说明|安排|关于|的")


def _page_title(soup: BeautifulSoup, landmarks: dict[tuple[str, str], Tag]) -> str | None:
    """The notice heading: a known title element, else ``<h1>``–``<h3>``, else ``<title>`` minus the site."""
    for mark in _TITLE_MARKS:
        node = landmarks.get(mark)
        if node is not None:
            text = _SPACES.sub(" ", node.get_text(" ", strip=True)).strip()[:MAX_TITLE_CHARS]
            if len(text) >= 6 and _NOTICE_WORDS.search(text):  # not a logo such as <h1>某某人事考试网</h1>
                return text
    if soup.title is not None and soup.title.string:
        text = _SPACES.sub(" ", str(soup.title.string)).strip()[:MAX_TITLE_CHARS]
        if not _NOTICE_WORDS.search(text):
            return None  # only the site's name (中国计算机技术职业资格网): the body's first line is better
        text = re.split(r"\s*(?:[-_|—]|--)\s*(?=[^-_|—]*(?:网|局|院|中心|厅|政府|门户)\s*$)", text)[0]
        return text or None
    return None


def _soup(html: str) -> BeautifulSoup:
    """The parsed tree of (the start of) a page, without the control characters lxml rejects."""
    return BeautifulSoup(_CONTROL.sub("", html[:MAX_HTML_CHARS]), "lxml")


def parse_page(html: str) -> Page:
    """Parse an HTML page once and return its title, body text and metadata lines."""
    soup = _soup(html)
    landmarks = _landmarks(soup)
    title = _page_title(soup, landmarks)
    meta_lines = [_SPACES.sub(" ", str(soup.title.string))[:200]] if soup.title and soup.title.string else []
    for string in soup.find_all(string=_META_HINTS, limit=6):
        parent = string.parent
        line = (
            parent.get_text(" ", strip=True) if parent is not None and parent.name != "[document]" else string
        )
        meta_lines.append(_SPACES.sub(" ", str(line))[:200])
    container = _body_container(landmarks)
    if container is None:
        text = _tag_text(soup.body or soup, skip_chrome=True)
    else:
        text = _tag_text(container, skip_chrome=False)
    return Page(title=title, text=text, meta="\n".join(meta_lines))


def html_to_text(html: str) -> str:
    """Clean text of a notice page: one paragraph or table row per line, no scripts or navigation."""
    return parse_page(html).text


def extract_title(html: str) -> str | None:
    """The notice's own heading (``<h1>`` or a known title element), else ``<title>``; None when absent."""
    soup = _soup(html)
    return _page_title(soup, _landmarks(soup))


_HTML_SIGN = re.compile(r"<(?:!doctype|html|head|body|div|p|br|table|span|meta|title|h[1-6])\b", re.I)


def looks_like_html(document: str) -> bool:
    """True when the document starts like markup (a tag in its first 4 KB)."""
    return _HTML_SIGN.search(document[:4096]) is not None


def clean_text(text: str) -> str:
    """Plain text with controls removed, spaces collapsed and blank lines dropped."""
    return _clean_lines(_CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


@dataclass(frozen=True)
class Sentence:
    """One sentence (or table row) of a notice: ``raw`` for evidence, ``norm`` for matching.

    ``norm`` is ``normalise(raw)``; evidence is always the whole ``raw``. ``heading`` is the previous line
    when it is short (a list heading such as ``一、报名时间``), for labels stated above a date.
    """

    raw: str
    norm: str
    heading: str


_SENTENCE_END = re.compile(r"(?<=[。！？；;!?])")
_HEADING_MAX = 30
_DATE_LIKE = re.compile(r"[0-9一二三四五六七八九十〇]\s*[年月日号:]|\d[-/]\d")
# Real sentences are well under this; longer runs (hostile or broken input) are cut into pieces
# so that matching stays linear in the text's length.
MAX_SENTENCE_CHARS = 500


def _is_heading(line: str) -> bool:
    """A short line without a date (一、报名时间), as opposed to a short line that states one or a
    table row (whose header is read column by column)."""
    return len(line) <= _HEADING_MAX and CELL_SEPARATOR not in line and not _DATE_LIKE.search(normalise(line))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a notice: split at line breaks and 。！？； (kept on the sentence), trimmed."""
    sentences: list[Sentence] = []
    previous_line = ""
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        heading = normalise(previous_line) if _is_heading(previous_line) else ""
        for sentence in _SENTENCE_END.split(line):
            for start in range(0, len(sentence), MAX_SENTENCE_CHARS):
                piece = sentence[start : start + MAX_SENTENCE_CHARS].strip()
                if piece:
                    sentences.append(Sentence(raw=piece, norm=normalise(piece), heading=heading))
        previous_line = line
    return sentences
