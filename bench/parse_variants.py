"""Robustness of the parser to ways of writing: tuned notices re-parsed with one wording changed throughout.

Run: ``python bench/parse_variants.py`` (every variant), ``python bench/parse_variants.py NAME…`` (some),
``-v`` to list the notices that read differently and how. Each passing ``tuned`` notice (the strict
xfails left out) is parsed as it is and again with one way of writing changed everywhere in its text
(报名时间 → 网报时间, a label moved after its dates, the title line dropped, all paragraphs run into one
line, a range's separator written ～ or －, dates written 2023.3.5, times written 下午5点, traditional
script of Taiwan or Hong Kong, the notice as an HTML page or under a re-poster's dated lead-in, …), and
the two readings are compared with the golden test's keys. A notice that reads
differently is a rule that depends on the wording, not on what the notice says (or a variant that
really changes the meaning, which ``-v`` shows). No golden is used, so this measures robustness
without any blind data.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import opencc

from tests.parsers.real_cases import RealCase, load_real
from tests.parsers.test_real_corpus import EXPECTED_FAILURES, comparable

_DIGITS = "〇一二三四五六七八九"
_TO_TRADITIONAL = opencc.OpenCC("s2t").convert
_TO_TAIWAN = opencc.OpenCC("s2tw").convert
_TO_HONG_KONG = opencc.OpenCC("s2hk").convert
_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}
# A date range as notices write it: 2024年3月1日9:00至3月10日17:00 (years, times optional).
_DAY = r"(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:\s*\d{1,2}[:：]\d{2})?"
_RANGE = (
    rf"{_DAY}\s*(?:至|到|—|-|－)\s*(?:\d{{4}}年)?(?:\d{{1,2}}月)?\d{{1,2}}日(?:\s*\d{{1,2}}[:：]\d{{2}})?"
)
_ACTIONS = "报名|缴费|交费|资格审核|准考证打印|打印准考证|证书领取|成绩复查|成绩复核"
# 网上报名时间：3月1日至3月10日 / 报名时间为3月1日至3月10日 → the label after the range.
_LABEL_FIRST = re.compile(rf"(?<![\u4e00-\u9fff])(网上)?({_ACTIONS})时间\s*(?:[:：]|为)\s*({_RANGE})")
# 一、网上报名时间：3月1日… → the label a heading of its own (a line that starts with it).
_OWN_LINE = re.compile(rf"(?m)^([^\n]{{0,6}}?(?:网上)?(?:{_ACTIONS})时间)[:：为]\s*(?={_DAY})")
# 一、网上报名时间：3月1日… → 一、网上报名 / 时间：3月1日… (the section names the action).
_OWN_LINE_TIME = re.compile(rf"(?m)^([^\n]{{0,6}}?(?:网上)?(?:{_ACTIONS}))时间[:：为]\s*(?={_DAY})")
# A line 网上报名时间：3月1日至3月10日 as a table row (网上报名 | 3月1日至3月10日).
_OWN_LINE_ROW = re.compile(
    rf"(?m)^(?:[^\n]{{0,6}}?[、.)])?((?:网上)?(?:{_ACTIONS}))时间\s*[:：为]\s*({_RANGE})\s*[。；;]?$"
)
# The reverse: a short line with no date above a line that starts with one, joined with a colon.
_HEADING_ABOVE = re.compile(rf"(?m)^([^\n\d|]{{2,20}}?)[:：]?\n(?={_DAY})")
_JOINED = re.compile(r"(报名|缴费|资格审核|准考证打印)([、和及与])(报名|缴费|资格审核|准考证打印)")


# A range's separator between a date (and its time) and the next date: 3月5日9:00至3月10日, 3月5日—10日.
_RANGE_SEP = re.compile(
    r"(日\s*(?:\d{1,2}[:：]\d{2})?\s*)(?:至|到|—|－|-|~|～)(\s*)(?=(?:\d{4}年)?\d{1,2}月|\d{1,2}日)"
)
# A full date (2023年3月5日), and whether a time follows it at once (2023年3月5日9:00).
_FULL_DATE = re.compile(r"(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})日(?=(\d)?)")
_TIME = re.compile(r"(?<![\d:：])(\d{1,2})[:：](\d{2})(?![\d:：])")
# The same with the part of the day a text may already write before it (下午14:30).
_DAY_TIME = re.compile(r"(?:(上午|下午|中午|晚上)\s*)?(?<![\d:：])(\d{1,2})[:：](\d{2})(?![\d:：])")


def _separator(sep: str) -> Callable[[str], str]:
    return lambda t: _RANGE_SEP.sub(lambda m: f"{m.group(1)}{sep}{m.group(2)}", t)


def _web_dates(form: str) -> Callable[[str], str]:
    """Full dates as web pages write them: ``form`` takes year, month, day (2023.3.5, 2023/03/05)."""

    def change(text: str) -> str:
        if "-" in form:  # 2023-3-5-2023-3-10 would be ambiguous: the range says 至, as such pages do
            text = _separator("至")(text)
        return _FULL_DATE.sub(
            lambda m: form.format(int(m[1]), int(m[2]), int(m[3])) + (" " if m[4] else ""), text
        )

    return change


# A range written with its year: 2023年3月1日至3月10日 (the end's year and month written or left out).
_YEAR_RANGE = re.compile(
    r"(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})日(\s*(?:\d{1,2}[:：]\d{2})?\s*(?:至|到|—|－|-|~|～)\s*)(?:(\d{4})年)?(\d{1,2})月(?=\d{1,2}日)"
)
_SECTION_NUMBER = re.compile(r"(?m)^([一二三四五六七八九十]{1,2})、")


def _end_with_year(match: re.Match[str]) -> str:
    return f"{match[1]}年{match[2]}月{match[3]}日{match[4]}{match[5] or match[1]}年{match[6]}月"


def _end_without_month(match: re.Match[str]) -> str:
    """The end's year and month left out when they are the start's (2023年3月1日至10日)."""
    if (match[5] or match[1]) != match[1] or match[6] != match[2]:
        return match[0]
    return f"{match[1]}年{match[2]}月{match[3]}日{match[4]}"


def _spoken_time(match: re.Match[str]) -> str:
    """17:00 → 下午5点, 9:30 → 上午9点30分, 12:00 → 中午12点 (24:00 stays a time: 24时)."""
    written, hour, minute = match[1], int(match[2]), int(match[3])
    if written and hour <= 12:  # 下午5:00 already says which half of the day
        return f"{written}{hour}点" + (f"{minute}分" if minute else "")
    if hour >= 24:
        return f"{hour}时" + (f"{minute}分" if minute else "")
    part = "上午" if hour < 12 else "中午" if hour == 12 else "下午"
    return f"{part}{hour - 12 if hour > 12 else hour}点" + (f"{minute}分" if minute else "")


def _html_page(text: str, cells: bool = False) -> str:
    """The notice as a CMS page: title in <title> and <h1>, each line a paragraph; with ``cells``,
    each line that states a date range sits in a layout table's cell."""
    title, _, body = text.partition("\n")
    # A first line that also states days (a re-poster's headline, a body line a copy put first) is
    # the page's first paragraph as well as its <title>.
    lines = body.split("\n") if _no_title_only(text) != text else text.split("\n")
    paragraphs = []
    for line in lines:
        escaped = html.escape(line)
        if cells and re.search(_RANGE, line):
            paragraphs.append(f"<table><tbody><tr><td>{escaped}</td></tr></tbody></table>")
        else:
            paragraphs.append(f"<p>{escaped}</p>")
    heading = html.escape(title)
    return (
        f"<html><head><title>{heading}</title></head><body><div class='nav'>首页 &gt; 通知公告</div>"
        f"<h1>{heading}</h1><div id='zoom'>{''.join(paragraphs)}</div></body></html>"
    )


def _chinese(number: int) -> str:
    if number < 10:
        return _DIGITS[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _label_after(match: re.Match[str]) -> str:
    return f"{match.group(3)}进行{match.group(1) or ''}{match.group(2)}"


def _in_title(text: str, change: Callable[[str], str]) -> str:
    title, newline, body = text.partition("\n")
    return change(title) + newline + body


def _no_title(text: str) -> str:
    return text.split("\n", 1)[1] if "\n" in text else text


# A first line that is only a title: short, stating no day (the others are body lines a re-post put first).
_TITLE_ONLY = re.compile(r"(?!根据|据|各)[^\n]{0,80}(?<![:：])")
_STATES_A_DAY = re.compile(r"[\d一二三四五六七八九十]\s*[日号]|时间|如下")


def _no_title_only(text: str) -> str:
    title, _, body = text.partition("\n")
    if body and _TITLE_ONLY.fullmatch(title) and not _STATES_A_DAY.search(title):
        return body
    return text


def _wrapped(text: str, width: int = 38) -> str:
    """Body lines broken every ``width`` characters, as a PDF or a fixed-width copy breaks them."""
    title, _, body = text.partition("\n")
    lines = [line[at : at + width] for line in body.split("\n") for at in range(0, max(len(line), 1), width)]
    return "\n".join([title, *lines])


# A title set over two lines: the issuer's name, then 关于… (or the subject, then its last words).
_TITLE_BREAK = re.compile(
    r"^(.{4,40}?)(关于.{6,})$|^(.{10,}?)((?:考试)?(?:报名|考务|证书|成绩)?[^\n]{0,12}(?:通知|公告|简章))$"
)


def _title_over_two_lines(text: str) -> str:
    title, newline, body = text.partition("\n")
    match = _TITLE_BREAK.match(title)
    if not match or not _TITLE_ONLY.fullmatch(title) or _STATES_A_DAY.search(title):
        return text
    first, second = (match[1], match[2]) if match[1] else (match[3], match[4])
    return f"{first}\n{second}{newline}{body}"


def _sentences_reversed(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        sentences = [piece for piece in re.split(r"(?<=。)", line) if piece]
        lines.append("".join(reversed(sentences)))
    return "\n".join(lines)


def _one_line(text: str) -> str:
    title, _, body = text.partition("\n")
    return f"{title}\n{' '.join(body.split(chr(10)))}"


@dataclass(frozen=True)
class Copy:
    """A way of copying a notice that needs the notice itself (its date), or is read as an HTML page."""

    change: Callable[[RealCase, str], str]
    is_html: bool = False


Variant = Callable[[str], str] | Copy


def _reposted(case: RealCase, text: str) -> str:
    """A re-poster's dated lead-in line over the title, dated as the parser reads the notice (its own
    date, else the stored copy's); a notice with no date is left as it is."""
    day = case.parse(text)["published"]
    return f"{day} 10:05:31 来源:某某教育网 作者:编辑部 阅读:1024\n{text}" if day else text


VARIANTS: dict[str, Variant] = {
    # ways of writing a date or time (the fifth round's runs)
    "至→—": lambda t: t.replace("日至", "日—"),
    "至→到": lambda t: t.replace("日至", "日到"),
    "日至→日起至": lambda t: t.replace("日至", "日起至"),
    "17:00→17时": lambda t: re.sub(r"(?<![\d:])(\d{1,2}):00(?!\d)", r"\1时", t),
    "时间:→时间为": lambda t: re.sub(r"时间[:：]", "时间为", t),
    "截止→截至": lambda t: t.replace("截止", "截至"),
    "traditional": _TO_TRADITIONAL,
    "full-width digits": lambda t: t.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}),
    "year in Chinese": lambda t: re.sub(
        r"(20\d\d)年", lambda m: "".join(_DIGITS[int(c)] for c in m.group(1)) + "年", t
    ),
    "month/day in Chinese": lambda t: re.sub(
        r"(?<!\d)(\d{1,2})月(\d{1,2})日", lambda m: f"{_chinese(int(m[1]))}月{_chinese(int(m[2]))}日", t
    ),
    # ways of writing a date, a time or a range that unseen copies use (the seventh round's families)
    "traditional (Taiwan)": _TO_TAIWAN,
    "traditional (Hong Kong)": _TO_HONG_KONG,
    "full-width ASCII": lambda t: t.translate(_FULL_WIDTH),
    "year in Chinese with 零": lambda t: re.sub(
        r"(20\d\d)年", lambda m: "".join("零一二三四五六七八九"[int(c)] for c in m.group(1)) + "年", t
    ),
    "range sep → —": _separator("—"),
    "range sep → ——": _separator("——"),
    "range sep → ～": _separator("～"),
    "range sep → ~": _separator("~"),
    "range sep → －": _separator("－"),
    "range sep → –": _separator("–"),
    "range sep → 至": _separator("至"),
    "range sep → 到": _separator("到"),
    "date 2023.3.5": _web_dates("{}.{}.{}"),
    "date 2023/03/05": _web_dates("{}/{:02d}/{:02d}"),
    "date 2023-3-5": _web_dates("{}-{}-{}"),
    "date 03月05日": lambda t: re.sub(r"(?<!\d)(\d)(?=[月日])", r"0\1", t),
    "date 3月5号": lambda t: re.sub(r"(?<!\d)(\d{1,2})月(\d{1,2})日", r"\1月\2号", t),
    "spaces in dates": lambda t: re.sub(r"(\d)日", r"\1 日", re.sub(r"(\d)([年月])(?=\d)", r"\1 \2 ", t)),
    "range end with its year": lambda t: _YEAR_RANGE.sub(_end_with_year, t),
    "range end without its month": lambda t: _YEAR_RANGE.sub(_end_without_month, t),
    "sections numbered 1.": lambda t: _SECTION_NUMBER.sub(
        lambda m: f"{'一二三四五六七八九十'.index(m[1][-1]) + 1 + (10 if len(m[1]) == 2 else 0)}.", t
    ),
    "17:00→17：00": lambda t: _TIME.sub(r"\1：\2", t),
    "17:00→17点": lambda t: _TIME.sub(
        lambda m: f"{int(m[1])}点" + (f"{int(m[2])}分" if int(m[2]) else ""), t
    ),
    "17:00→下午5点": lambda t: _DAY_TIME.sub(_spoken_time, t),
    # ways of naming an action (labels)
    "报名时间→网报时间": lambda t: t.replace("报名时间", "网报时间"),
    "报名时间→报考时间": lambda t: t.replace("报名时间", "报考时间"),
    "网上报名→报名": lambda t: t.replace("网上报名", "报名"),
    "报名→网上报名": lambda t: re.sub(r"(?<!网上)报名(?=时间)", "网上报名", t),
    "缴费→交费": lambda t: t.replace("缴费", "交费"),
    "缴费时间→网上支付时间": lambda t: t.replace("缴费时间", "网上支付时间"),
    "准考证打印→打印准考证": lambda t: t.replace("准考证打印", "打印准考证"),
    "打印准考证→准考证打印": lambda t: t.replace("打印准考证", "准考证打印"),
    "复查→复核": lambda t: t.replace("复查", "复核"),
    "领取时间→发放时间": lambda t: t.replace("领取时间", "发放时间"),
    "…时间→…日期": lambda t: re.sub(r"(报名|缴费|领取|打印)时间", r"\1日期", t),
    "…时间→…起止时间": lambda t: re.sub(r"(报名|缴费|领取|打印)时间", r"\1起止时间", t),
    "…时间:→…:": lambda t: re.sub(rf"({_ACTIONS})时间(?=[:：])", r"\1", t),
    "…时间→【…时间】": lambda t: re.sub(rf"((?:网上)?(?:{_ACTIONS})时间)[:：]", r"【\1】", t),
    "网上报名→网上填报": lambda t: t.replace("网上报名", "网上填报"),
    "缴费→缴纳考试费": lambda t: re.sub(r"(?<!网上)缴费(?=时间)", "缴纳考试费", t),
    "资格审核→资格审查": lambda t: t.replace("资格审核", "资格审查"),
    "准考证打印→准考证下载": lambda t: t.replace("准考证打印", "准考证下载"),
    "打印准考证→下载准考证": lambda t: t.replace("打印准考证", "下载准考证"),
    "…时间→…期间": lambda t: re.sub(r"(报名|缴费|领取|打印)时间", r"\1期间", t),
    "label and 时间 on two lines": lambda t: _OWN_LINE_TIME.sub(r"\1\n时间：", t),
    "label 于 range 进行": lambda t: _LABEL_FIRST.sub(
        lambda m: f"{m.group(1) or ''}{m.group(2)}于{m.group(3)}进行", t
    ),
    "请于 range 登录…进行 label": lambda t: _LABEL_FIRST.sub(
        lambda m: f"请于{m.group(3)}登录系统进行{m.group(1) or ''}{m.group(2)}", t
    ),
    "须在 range 内完成 label": lambda t: _LABEL_FIRST.sub(
        lambda m: f"考生须在{m.group(3)}内完成{m.group(1) or ''}{m.group(2)}", t
    ),
    "joined labels with 及": lambda t: _JOINED.sub(r"\1及\3", t),
    "joined labels with /": lambda t: _JOINED.sub(r"\1/\3", t),
    "range then (label)": lambda t: _LABEL_FIRST.sub(
        lambda m: f"{m.group(3)}({m.group(1) or ''}{m.group(2)})", t
    ),
    "a remark under each heading": lambda t: _HEADING_ABOVE.sub(r"\1\n(具体安排如下)\n", t),
    "具体安排如下 under each heading": lambda t: _HEADING_ABOVE.sub(r"\1\n具体安排如下:\n", t),
    "table row label | range": lambda t: _OWN_LINE_ROW.sub(lambda m: f"{m.group(1)} | {m.group(2)} |", t),
    "table row range | label": lambda t: _OWN_LINE_ROW.sub(lambda m: f"{m.group(2)} | {m.group(1)} |", t),
    "label —— range": lambda t: re.sub(rf"((?:网上)?(?:{_ACTIONS})时间)[:：为]\s*(?={_DAY})", r"\1——", t),
    "label after the dates": lambda t: _LABEL_FIRST.sub(_label_after, t),
    "dates then 为…时间": lambda t: _LABEL_FIRST.sub(
        lambda m: f"{m.group(3)}为{m.group(1) or ''}{m.group(2)}时间", t
    ),
    "label on its own line": lambda t: _OWN_LINE.sub(r"\1\n", t),
    "heading joined to its dates": lambda t: _HEADING_ABOVE.sub(r"\1：", t),
    "parallel labels swapped": lambda t: _JOINED.sub(r"\3\2\1", t),
    # ways of copying a notice (kind robustness)
    "title: 通知→公告": lambda t: _in_title(t, lambda title: title.replace("通知", "公告")),
    "title: 报名→报考": lambda t: _in_title(t, lambda title: title.replace("报名", "报考")),
    "title: 领取→发放": lambda t: _in_title(t, lambda title: title.replace("领取", "发放")),
    "title: 【转发】 before it": lambda t: _in_title(t, lambda title: f"【转发】{title}"),
    "title: site name after it": lambda t: _in_title(t, lambda title: f"{title}_某省人事考试网"),
    "no title line": _no_title,
    "no title line (a title only)": _no_title_only,
    "paragraphs on one line": _one_line,
    "a re-poster's dated lead-in before the title": Copy(_reposted),
    "a breadcrumb line before the title": lambda t: f"当前位置:首页 > 通知公告 > 考试动态\n{t}",
    "title over two lines": _title_over_two_lines,
    "body lines wrapped at 38 characters": _wrapped,
    "as an HTML page": Copy(lambda case, t: _html_page(t), is_html=True),
    "range lines in HTML table cells": Copy(lambda case, t: _html_page(t, cells=True), is_html=True),
    "sentences of a line reversed": _sentences_reversed,
}


def reading(case: RealCase, text: str, *, is_html: bool = False) -> dict:
    """The notice read as the golden test reads it (the stored copy's date as a hint when the text has none)."""
    return comparable(case.parse(text, is_html=is_html), case.golden["kind"])


def differences(cases: list[RealCase], variant: Variant) -> tuple[int, list[tuple[str, dict]]]:
    """How many notices the variant changes, and (notice id, {key: (own reading, variant's reading)})
    for each it reads differently."""
    touched, found = 0, []
    for case in cases:
        text = case.text.read_text(encoding="utf-8")
        changed = variant.change(case, text) if isinstance(variant, Copy) else variant(text)
        if changed == text:
            continue
        touched += 1
        is_html = isinstance(variant, Copy) and variant.is_html
        own, other = reading(case, text), reading(case, changed, is_html=is_html)
        if own != other:
            found.append((case.name, {key: (own[key], other[key]) for key in own if own[key] != other[key]}))
    return touched, found


def main(args: list[str]) -> None:
    verbose = "-v" in args
    names = [arg for arg in args if arg != "-v"] or list(VARIANTS)
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variant(s) {unknown}; known: {list(VARIANTS)}")
    cases = [case for case in load_real("tuned") if case.name not in EXPECTED_FAILURES]
    print(
        f"{len(cases)} passing notices of 'tuned': how many each variant changes, and how many then read differently"
    )
    print(f"{'variant':<30}{'changed':>8}{'differ':>8}")
    total = 0
    for name in names:
        touched, found = differences(cases, VARIANTS[name])
        total += len(found)
        print(f"{name:<30}{touched:>8}{len(found):>8}")
        for notice, changes in found if verbose else []:
            print(f"    {notice} {changes}")
    print(f"{'total':<38}{total:>8}")


if __name__ == "__main__":
    main(sys.argv[1:])
