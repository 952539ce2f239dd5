"""Robustness of the parser to ways of writing: tuned notices re-parsed with one wording changed throughout.

Run: ``python bench/parse_variants.py`` (every variant), ``python bench/parse_variants.py NAME…`` (some),
``-v`` to list the notices that read differently and how. Each passing ``tuned`` notice (the strict
xfails left out) is parsed as it is and again with one way of writing changed everywhere in its text
(报名时间 → 网报时间, a label moved after its dates, the title line dropped, all paragraphs run into one
line, …), and the two readings are compared with the golden test's keys. A notice that reads
differently is a rule that depends on the wording, not on what the notice says (or a variant that
really changes the meaning, which ``-v`` shows). No golden is used, so this measures robustness
without any blind data.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import opencc

from tests.parsers.real_cases import RealCase, load_real
from tests.parsers.test_real_corpus import EXPECTED_FAILURES, comparable

_DIGITS = "〇一二三四五六七八九"
_TO_TRADITIONAL = opencc.OpenCC("s2t").convert
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


def _sentences_reversed(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        sentences = [piece for piece in re.split(r"(?<=。)", line) if piece]
        lines.append("".join(reversed(sentences)))
    return "\n".join(lines)


def _one_line(text: str) -> str:
    title, _, body = text.partition("\n")
    return f"{title}\n{' '.join(body.split(chr(10)))}"


VARIANTS: dict[str, Callable[[str], str]] = {
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
    "sentences of a line reversed": _sentences_reversed,
}


def reading(case: RealCase, text: str) -> dict:
    """The notice read as the golden test reads it (the stored copy's date as a hint when the text has none)."""
    return comparable(case.parse(text), case.golden["kind"])


def differences(cases: list[RealCase], variant: Callable[[str], str]) -> tuple[int, list[tuple[str, dict]]]:
    """How many notices the variant changes, and (notice id, {key: (own reading, variant's reading)})
    for each it reads differently."""
    touched, found = 0, []
    for case in cases:
        text = case.text.read_text(encoding="utf-8")
        changed = variant(text)
        if changed == text:
            continue
        touched += 1
        own, other = reading(case, text), reading(case, changed)
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
