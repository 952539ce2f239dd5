"""A plain-text copy's page chrome and title: what a re-post puts over the notice, and a title set
over two lines.

A plain-text copy (a re-post, a page saved as text) may start with the page's chrome instead of the
notice: a dated lead-in (2024-03-05 10:05 来源:某某网 作者:编辑), a breadcrumb (当前位置:首页 > 通知公告).
Those lines are the page's metadata, not the title. A title the copy sets over two lines (the issuer,
then 关于…的通知; or a title broken mid-word) is read as one.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from parsers.text import CELL_SEPARATOR

# A re-poster's lead-in: a date (and time), then only the page's metadata (2024-03-05 10:05 来源:某某网
# 作者:编辑 阅读:1024; 发布时间:2024年3月5日). Its date is the page's, as an HTML page's 发布时间 line's is.
_LEAD_IN = re.compile(
    r"\s*(?:(?:发布时间|发布日期|时间)\s*[:：]\s*)?(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
    r"(?:\s+(?:来源|作者|编辑|责任编辑|阅读|浏览|点击|发布者|字号|信息来源)[^\n]*)?\s*"
)
# A breadcrumb: 当前位置:首页 > 通知公告 > 考试动态 (also » › /).
_BREADCRUMB = re.compile(
    r"\s*(?:(?:当前位置|您的位置|您现在的位置|所在位置)\s*[:：]?\s*)?(?:网站首页|首页|主页)"
    r"(?:\s*[>»›/]\s*[^\n>»›/]{1,20})+\s*"
)
_CHROME_LINES = 3
# A title's last line names what the notice is (…的通知, …简章); a line that says a sentence does not.
_NOTICE_END = re.compile(r"(?:通知|公告|通告|简章|须知|公示|的函)\s*$")
_SENTENCE_MARK = re.compile(r"[。，,;；!！?？]|[:：]\s*$")
_TITLE_LINE_CHARS = 60


def split_chrome(text: str) -> tuple[str, str]:
    """(the page chrome over a plain-text copy, the rest): lead-in and breadcrumb lines at its top."""
    chrome: list[str] = []
    while len(chrome) < _CHROME_LINES:
        first, _, rest = text.partition("\n")
        if not rest.strip() or not (_LEAD_IN.fullmatch(first) or _BREADCRUMB.fullmatch(first)):
            break
        chrome.append(first)
        text = rest
    return "\n".join(chrome), text


def lead_in_date(meta: str) -> date | None:
    """The date of a re-poster's lead-in among the chrome lines, or None."""
    for line in meta.split("\n"):
        found = _LEAD_IN.fullmatch(line)
        if found:
            try:
                return date(int(found["y"]), int(found["m"]), int(found["d"]))
            except ValueError:
                return None
    return None


def plain_title(text: str) -> str:
    """The first line of a plain-text copy, joined with the second when the title runs on to it: the
    first does not end like a notice's title and the second is a short line that does, with no
    sentence in it (某省人事考试中心 / 关于…的通知; 关于做好2008年上半年全国计算机软件专 / 业技术水平考试报名工作的通知)."""
    lines = [line.strip() for line in text.split("\n", 2)[:2] if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    if len(lines) == 2 and not _NOTICE_END.search(first) and not _SENTENCE_MARK.search(first):
        second = lines[1]
        if (
            len(second) <= _TITLE_LINE_CHARS
            and _NOTICE_END.search(second)
            and not _SENTENCE_MARK.search(second)
        ):
            return first + second
    return first


# A copy broken at a fixed width (a PDF, a fixed-width text) has many lines of one length that end
# mid-sentence; a person reads each with the next.
_WRAP_MIN_CHARS = 24
_WRAP_MIN_LINES = 4
_WRAP_SLACK = 2
_WRAP_LONGER_LINES = 2
_ENDS_SENTENCE = re.compile(r"[。；;!！?？:：]\s*$")
_ITEM_START = re.compile(
    r"\s*(?:[一二三四五六七八九十]+\s*[、.]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[、.．]|[①-⑳])"
)


def _runs_on(line: str, following: str | None) -> bool:
    """A line that may continue on the next: long, no table row, not ending a sentence, and followed
    by a line that starts no list item or section of its own (二、…, (一)…, 1.…, ①…)."""
    return (
        following is not None
        and len(line) >= _WRAP_MIN_CHARS
        and CELL_SEPARATOR not in line
        and not _ENDS_SENTENCE.search(line)
        and not _ITEM_START.match(following)
    )


def unwrapped(text: str) -> str:
    """``text`` with the lines of a fixed-width copy joined back: when at least four lines that run on
    share one length (give or take two characters for wide and narrow characters), are most of the
    long lines and at most two such lines are longer, each line of that length runs on into the next.
    Table rows are left as they are."""
    lines = text.split("\n")
    runs_on = [_runs_on(line, lines[i + 1] if i + 1 < len(lines) else None) for i, line in enumerate(lines)]
    counts = Counter(len(line) for line, runs in zip(lines, runs_on, strict=True) if runs)
    if sum(counts.values()) < _WRAP_MIN_LINES:
        return text

    def reaching(n: int) -> int:
        return sum(counts[m] for m in range(n - _WRAP_SLACK, n + 1))

    # The width: the length the most such lines reach, with at most two (a title, a heading) longer.
    width = max(counts, key=lambda n: (reaching(n), n))
    full = reaching(width)
    longer = sum(count for n, count in counts.items() if n > width)
    # And they are most of the notice's long lines: a few date lines of one length are no wrapping.
    long_lines = sum(len(line) >= _WRAP_MIN_CHARS for line in lines)
    if full < _WRAP_MIN_LINES or full * 2 < long_lines or longer > _WRAP_LONGER_LINES:
        return text
    joined: list[str] = []
    carry = ""
    for line, runs in zip(lines, runs_on, strict=True):
        if runs and width - _WRAP_SLACK <= len(line) <= width:
            carry += line
            continue
        joined.append(carry + line)
        carry = ""
    return "\n".join(joined)
