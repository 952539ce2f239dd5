"""HTML page → its notice: the heading, the body as clean lines, and metadata lines.

One lxml parse per page; known body containers of the sites (ruankao.org.cn, gov.cn CMS, TRS
editors) are found in one pass, else the whole body minus navigation chrome is read. Table cells
are joined with ``CELL_SEPARATOR`` so one row stays one line.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, CData, MarkupResemblesLocatorWarning, NavigableString, PageElement, Tag

from parsers.text import (
    BLOCK_IN_CELL,
    CELL_MARK,
    CONTROL,
    MAX_HTML_CHARS,
    MAX_TITLE_CHARS,
    SPACES,
    clean_lines,
    normalise,
)

# BeautifulSoup warns when a whole page is as short as a file name or URL ("notice.html"). Pages
# here are always markup someone served, never a path, so the warning would only print a
# paragraph of advice on an operator's terminal (or in the crawl log) for every such page.
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

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
_WANTED_TAGS = frozenset(value for key, value in _WANTED_MARKS if key == "tag")
_WANTED_IDS = frozenset(value for key, value in _WANTED_MARKS if key == "id")
_WANTED_CLASSES = frozenset(value for key, value in _WANTED_MARKS if key == "class")
# Chrome that a fallback (whole-body) extraction skips by id/class name.
_CHROME = re.compile(
    r"nav|menu|foot|header|bottom|breadcrumb|crumb|sidebar|share|toolbar|links|copyright", re.I
)


@dataclass(frozen=True)
class Page:
    """One parsed HTML page: its title, its body text, and its metadata lines (the raw ``<title>``,
    which often names the issuing site, and 发布时间/信息来源 lines)."""

    title: str | None
    text: str
    meta: str


def _landmarks(soup: BeautifulSoup) -> tuple[dict[tuple[str, str], Tag], list[NavigableString]]:
    """The first tag of each known body or title mark, and the first strings that look like
    metadata (发布时间, 来源), found in one pass over the tree (CSS selectors or a second
    ``find_all`` would walk the tree again, costing as much as parsing)."""
    found: dict[tuple[str, str], Tag] = {}
    meta: list[NavigableString] = []
    for node in soup.descendants:
        if type(node) is NavigableString:
            if len(meta) < _META_LIMIT and _META_HINTS.search(node):
                meta.append(node)
            continue
        if not isinstance(node, Tag):
            continue
        # Three set look-ups per tag, no tuples built: this loop is most of what parsing adds.
        if node.name in _WANTED_TAGS:
            found.setdefault(("tag", node.name), node)
        attrs = node.attrs
        if not attrs:
            continue
        tag_id = attrs.get("id")
        if tag_id in _WANTED_IDS:
            found.setdefault(("id", tag_id), node)
        for name in attrs.get("class") or ():
            if name in _WANTED_CLASSES:
                found.setdefault(("class", name), node)
    return found, meta


def _body_container(landmarks: dict[tuple[str, str], Tag]) -> Tag | None:
    """The first known body container (by priority) that holds some text."""
    for mark in _BODY_MARKS:
        tag = landmarks.get(mark)
        if tag is not None and _holds_text(tag, 20):
            return tag
    return None


def _holds_text(tag: Tag, chars: int) -> bool:
    """True when the tag's strings hold at least ``chars`` non-space characters; stops there
    instead of joining a whole container's text only to measure it."""
    for string in tag.strings:
        chars -= len(string.strip())
        if chars <= 0:
            return True
    return False


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
                stack.append((iter(node.contents), CELL_MARK, True))
            elif name in _BLOCK_TAGS:
                mark = BLOCK_IN_CELL if cell_depth else "\n"
                parts.append(mark)
                if name != "br":
                    stack.append((iter(node.contents), mark, False))
            else:
                stack.append((iter(node.contents), "", False))
        elif type(node) is NavigableString or isinstance(node, CData):
            parts.append(node.replace("\n", " ").replace("\r", " "))  # in HTML a newline is only a space
    return clean_lines("".join(parts))


_META_HINTS = re.compile(
    r"信息来源|来源[:：]|发布(?:时间|日期|单位|机构)|信息提供日期|发文(?:机关|日期)|成文日期"
)


_META_LIMIT = 6
# What a notice's heading says and a site's logo (<h1>某某人事考试网</h1>) does not: a notice word, a
# session, or the action it is about (…2022年下半年…准考证打印入口); read on the normalised heading, so a
# traditional-script one (…考生須知) says it too.
_NOTICE_WORDS = re.compile(
    r"通知|公告|通告|简章|须知|公示|办法|提示|说明|安排|关于|的|\d{4}\s*年|上半年|下半年|报名|准考证|证书|成绩"
)


def _page_title(soup: BeautifulSoup, landmarks: dict[tuple[str, str], Tag]) -> str | None:
    """The notice heading: a known title element, else ``<h1>``–``<h3>``, else ``<title>`` minus the site."""
    for mark in _TITLE_MARKS:
        node = landmarks.get(mark)
        if node is not None:
            text = SPACES.sub(" ", node.get_text(" ", strip=True)).strip()[:MAX_TITLE_CHARS]
            if len(text) >= 6 and _NOTICE_WORDS.search(
                normalise(text)
            ):  # not a logo such as <h1>某某人事考试网</h1>
                return text
    if soup.title is not None and soup.title.string:
        text = SPACES.sub(" ", str(soup.title.string)).strip()[:MAX_TITLE_CHARS]
        if not _NOTICE_WORDS.search(normalise(text)):
            return None  # only the site's name (中国计算机技术职业资格网): the body's first line is better
        text = re.split(r"\s*(?:[-_|—]|--)\s*(?=[^-_|—]*(?:网|局|院|中心|厅|政府|门户)\s*$)", text)[0]
        return text or None
    return None


def _soup(html: str) -> BeautifulSoup:
    """The parsed tree of (the start of) a page, without the control characters lxml rejects."""
    return BeautifulSoup(CONTROL.sub("", html[:MAX_HTML_CHARS]), "lxml")


def parse_page(html: str) -> Page:
    """Parse an HTML page once and return its title, body text and metadata lines."""
    soup = _soup(html)
    landmarks, meta_strings = _landmarks(soup)
    title = _page_title(soup, landmarks)
    meta_lines = [SPACES.sub(" ", str(soup.title.string))[:200]] if soup.title and soup.title.string else []
    for string in meta_strings:
        parent = string.parent
        line = (
            parent.get_text(" ", strip=True) if parent is not None and parent.name != "[document]" else string
        )
        meta_lines.append(SPACES.sub(" ", str(line))[:200])
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
    return _page_title(soup, _landmarks(soup)[0])


_HTML_SIGN = re.compile(r"<(?:!doctype|html|head|body|div|p|br|table|span|meta|title|h[1-6])\b", re.I)


def looks_like_html(document: str) -> bool:
    """True when the document starts like markup (a tag in its first 4 KB)."""
    return _HTML_SIGN.search(document[:4096]) is not None
