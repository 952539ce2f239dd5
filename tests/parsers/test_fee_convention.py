"""Fees are read as stated (docs/architecture.md, "How a notice is read"): one item per amount as the text writes it.

An amount written once for several groups is one item, the same amount written again for another
group is a second, and a total stated beside per-subject prices is listed too. Each case is a text
of our own.
"""

from __future__ import annotations

from datetime import date

import pytest

from parsers import parse_notice


def _fees(text: str) -> list[tuple[int, str | None]]:
    notice = parse_notice(f"2024年上半年计算机软件资格考试报名的通知\n{text}", published=date(2024, 2, 1))
    return [(int(fee.amount), fee.per) for fee in notice.fees]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One amount for two levels, written once: one item.
        ("考试费:初级、中级资格每科50元,高级资格每科60元。", [(50, "科目"), (60, "科目")]),
        ("报考初级、中级资格170元;报考高级资格255元。", [(170, None), (255, None)]),
        # The same amount written again for another group, in one sentence or two: two items.
        ("其他初级资格130元;报考中级资格130元;报考高级资格195元。", [(130, None), (130, None), (195, None)]),
        (
            "高级资格每人每科60元,合计180元,其他级别每人每科60元,合计120元。",
            [(60, "科目"), (60, "科目"), (180, "人"), (120, "人")],
        ),
        # A flattened table: a row that starts with a level names the group of the amounts below it.
        (
            "考试费:\n高级系统分析师综合知识150元/人\n中级软件设计师、网络工程师\n基础知识100元/人\n"
            "初级程序员、网络管理员基础知识100元/人",
            [(150, "人"), (100, "人"), (100, "人")],
        ),
        # A total beside the per-subject price is listed too.
        ("考试费为每人每科70元,高级三科合计210元。", [(70, "科目"), (210, "人")]),
        # A bracketed remark that the price is the same is no second item.
        ("考务费按每科50元收取(上机考试暂按每科50元收取)。", [(50, "科目")]),
        # The same fee said again in another sentence is one.
        ("考试费每科50元。\n请按每科50元的标准按时缴费。", [(50, "科目")]),
    ],
)
def test_amounts_as_stated(text: str, expected: list[tuple[int, str | None]]) -> None:
    assert _fees(text) == expected
