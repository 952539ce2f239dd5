"""Which action a date is for: the label keywords and how a clause's words name them.

报名时间: names what follows; 报名和缴费 joins two labels; a table header names its columns.
``None`` labels mark dates that are no candidate's action (the exam day, an issue date).
"""

from __future__ import annotations

import re

from parsers.moments import MOMENT
from parsers.text import CELL_SEPARATOR

# keyword → label; None marks dates that are not a candidate's action (exam day, issue date …).
LABELS: dict[str, str | None] = {
    "登记": "登记", "再登记": "登记", "补登记": "登记", "逾期登记": "登记", "定期登记": "登记",
    "报名": "报名", "报考": "报名",
    "缴费": "缴费", "交费": "缴费", "网上支付": "缴费", "缴纳": "缴费",
    "资格审核": "资格审核", "资格审查": "资格审核", "资格核查": "资格审核", "审核": "资格审核", "核查": "资格审核",
    "现场确认": "现场确认",
    "准考证": "准考证打印", "打印准考证": "准考证打印",
    "发票": "电子发票打印", "领取收据": "发票申请", "收据": "发票申请",
    "领取": "领取", "领证": "领取", "发证": "领取", "发放": "领取",
    "邮寄": "邮寄申请", "邮寄申请": "邮寄申请", "申请邮寄": "邮寄申请",
    "成绩查询": "成绩查询", "查询成绩": "成绩查询",
    "复核": "成绩复查", "复查": "成绩复查",
    "退费": "退费申请", "退还": "退费申请",
    "预约申领": "邮寄申请", "线上申领": "邮寄申请", "网上申领": "邮寄申请", "邮寄发放": "邮寄申请", "现场申领": "领取", "预约登记": "邮寄申请", "申请快递": "邮寄申请",
    "考试时间": None, "考试日期": None, "考试于": None, "考试定于": None, "考试将于": None, "举行": None, "开考": None,
    "笔试": None, "机考": None, "考试安排": None, "发布": None, "印发": None, "公布": None, "施行": None,
    "实施": None, "成立": None, "出版": None,
}  # fmt: skip
LABEL_RE = re.compile("|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)))
JOINER = re.compile(r"[和及与、/或并\s]{0,2}(?:网上|线上|现场)?")
CLAUSE_BREAK = re.compile(r"[，,]")
ADDRESSEE = re.compile(r"\s*(?:请|考生|持证|合格人员|申请人|报考人员|各位|相关)")
BRACKETED = re.compile(r"\([^()]{0,80}\)")
# A label right before these words names the date that follows (报名时间：…), whatever comes after.
STRONG_AFTER_LABEL = re.compile(r"\s*(?:工作|服务|申请|受理)?\s*(?:时间|日期|截止|起止|期间|:)")


def labels_in(text: str, *, last: bool) -> list[str | None]:
    """Labels of the last (or first) keyword in ``text``, together with keywords joined to it
    by 和/及/、 (报名和缴费时间 → 报名, 缴费)."""
    matches = list(LABEL_RE.finditer(text))
    if not matches:
        return []
    return joined_labels(text, matches, len(matches) - 1 if last else 0)


def joined_labels(text: str, matches: list[re.Match[str]], index: int) -> list[str | None]:
    chosen = [matches[index]]
    j = index - 1
    while j >= 0 and JOINER.fullmatch(text, matches[j].end(), chosen[0].start()):
        chosen.insert(0, matches[j])
        j -= 1
    j = index + 1
    while j < len(matches) and JOINER.fullmatch(text, chosen[-1].end(), matches[j].start()):
        chosen.append(matches[j])
        j += 1
    labels: list[str | None] = []
    for match in chosen:
        label = LABELS[match.group()]
        if label not in labels:
            labels.append(label)
    return labels


def is_strong(text: str, match: re.Match[str]) -> bool:
    """True when a label directly names what follows it (报名时间：, 缴费截止), rather than
    being a word in passing (已报名考生, 报名开始至)."""
    rest = text[match.end() :]
    return len(rest.strip()) <= 1 or STRONG_AFTER_LABEL.match(rest) is not None


def labels_before(clause: str) -> tuple[list[str | None], bool]:
    """Labels for a date from the clause before it: the last label that names what follows,
    else simply the last label; and whether the label was of the first, strong sort."""
    matches = list(LABEL_RE.finditer(clause))
    for index in range(len(matches) - 1, -1, -1):
        if is_strong(clause, matches[index]):
            return joined_labels(clause, matches, index), True
    return (joined_labels(clause, matches, len(matches) - 1), False) if matches else ([], False)


def column_labels(norm: str) -> list[list[str | None]] | None:
    """Labels per column of a table header row (考区 | 报名时间 | 缴费时间), or None when the row is
    not one: rows below it take their labels from the column a date sits in."""
    if CELL_SEPARATOR not in norm or MOMENT.search(norm):
        return None
    columns = [labels_in(cell, last=True) for cell in norm.split(CELL_SEPARATOR)]
    return columns if any(columns) else None
