"""Ways of naming a period's action that a variant run over the tuned notices showed to be fragile.

``bench/parse_variants.py`` re-reads every tuned notice with one wording changed throughout; each
difference that was a rule depending on the wording became a case here, the shortest text of our own
that needs it (none is copied from a notice).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parsers import parse_notice
from tests.parsers.test_pieces import fees, spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A label after the range, with the end's time repeated in brackets after it.
        (
            "2024年8月20日-9月6日进行缴费(截止6日23:59)。",
            [("缴费", "2024-08-20", "2024-09-06T23:59")],
        ),
        (
            "缴费时间:2024年8月20日-9月6日(截止6日23:59)。",
            [("缴费", "2024-08-20", "2024-09-06T23:59")],
        ),
        (
            "2024年8月20日-9月6日(缴费)(截止6日23:59)。",
            [("缴费", "2024-08-20", "2024-09-06T23:59")],
        ),
        # An admission ticket collected on paper is the ticket's action, not a certificate's collection.
        ("考生于2024年5月15日至5月20日到报名点领取准考证。", [("准考证打印", "2024-05-15", "2024-05-20")]),
        ("准考证领取时间:2024年5月15日至5月20日。", [("准考证打印", "2024-05-15", "2024-05-20")]),
        # A remark between a heading and its dates leaves the heading to the dates.
        ("一、网上报名时间\n(具体安排如下)\n2024年3月1日至3月10日", [("报名", "2024-03-01", "2024-03-10")]),
        ("二、缴费时间\n具体安排如下:\n2024年3月1日至3月12日", [("缴费", "2024-03-01", "2024-03-12")]),
        # A heading on its own line over a range whose bracket names the next date's action.
        (
            "报名时间\n2024年9月1日9点至2024年9月6日17点(缴费截止日期至9月7日17点)。",
            [("报名", "2024-09-01T09:00", "2024-09-06T17:00"), ("缴费", None, "2024-09-07T17:00")],
        ),
        # The date is said to be the label's time: the label stays the date's.
        (
            "2024年9月1日至9月6日为报名时间\n2024年9月1日至9月7日为缴费时间",
            [("报名", "2024-09-01", "2024-09-06"), ("缴费", "2024-09-01", "2024-09-07")],
        ),
    ],
)
def test_label_placement(text: str, expected: list) -> None:
    assert sorted(spans(text), key=str) == sorted(expected, key=str)


@pytest.mark.parametrize(
    ("text", "kind", "session"),
    [
        # A copy that lost its title: a document number on the first line is no title, the body decides.
        (
            "青人社函[2023]1号\n各有关单位:\n2023年上半年计算机软件资格考试合格证书现已开始办理。",
            "certificate_collection",
            ("2023上半年",),
        ),
        # The notice says what it is about itself (现就…通知如下).
        (
            "各有关单位:\n根据有关文件精神,现就做好2023年上半年计算机软件资格考试报考有关事项通知如下:\n一、报考条件",
            "exam_signup",
            ("2023上半年",),
        ),
        (
            "各位考生:\n根据省考试中心要求,现就报考有关事项通知如下:\n2023年上半年计算机软件资格考试报名条件如下。",
            "exam_signup",
            ("2023上半年",),
        ),
        # A damaged copy's mojibake (领?。) or a word in passing (取消考试资格) makes no body an explainer;
        # a guess (预计) does.
        (
            "各位考生:\n2020年计算机软件资格证书现正发放,考生请凭有效身份证原件领?。",
            "certificate_collection",
            ("2020",),
        ),
        ("证书领取时间\n2021年上半年计算机软件资格证书领取时间预计10月开始。", "other", ()),
    ],
)
def test_a_copy_without_its_title(text: str, kind: str, session: tuple) -> None:
    parsed = parse_notice(text, published=date(2023, 6, 1))
    assert (parsed.kind, parsed.session) == (kind, session)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # Other words for paying, a qualification checked again (not a score's 复核), an invoice, a
        # posting, a score look-up and a withdrawal.
        ("考生须于2024年3月1日至3月10日交纳考试费。", "缴费"),
        ("网上付费时间:2024年3月1日至3月10日。", "缴费"),
        ("在线支付时间:2024年3月1日至3月10日。", "缴费"),
        ("缴款时间:2024年3月1日至3月10日。", "缴费"),
        ("资格复核时间:2024年3月1日至3月10日。", "资格审核"),
        ("资格核验时间:2024年3月1日至3月10日。", "资格审核"),
        ("开票时间:2024年3月1日至3月10日。", "发票申请"),
        ("证书寄递申请时间:2024年3月1日至3月10日。", "邮寄申请"),
        ("查分时间:2024年3月1日至3月10日。", "成绩查询"),
        ("申请退考时间:2024年3月1日至3月10日。", "退费申请"),
    ],
)
def test_other_words_for_an_action(text: str, label: str) -> None:
    assert spans(text) == [(label, "2024-03-01", "2024-03-10")]


def test_a_signature_run_into_the_next_paragraph_is_no_window() -> None:
    """A copy that ran its lines together puts the issuer's signature before the next heading."""
    text = "请认真做好报名组织工作。 某市人事考试中心 2024年1月15日 一、报考条件 凡遵守宪法和法律的人员均可报名参加考试。"
    assert spans(text) == []


def test_a_fee_under_a_payment_heading_written_交费() -> None:
    """交费 names the exam fee like 缴费 when the amount's sentence names no item."""
    text = (
        "(四)交费\n统一实行网上交费,交费成功即完成报名。\n按照有关规定,初级、中级、高级均按每人每科73元收取。"
    )
    assert fees(text) == [(Decimal(73), "考试费", "科目")]


def test_a_re_posts_mark_before_the_title_says_nothing() -> None:
    text = (
        "[转发]各有关单位、各位考生:\n"
        "根据有关文件精神,现就做好2023年上半年计算机软件资格考试报考有关事项通知如下:\n一、报考条件"
    )
    parsed = parse_notice(text, published=date(2023, 2, 1))
    assert (parsed.kind, parsed.session) == ("exam_signup", ("2023上半年",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Labels joined before 分别 go to the dates listed after it, in their order.
        (
            "网上报名、缴费时间分别为2024年3月1日至10日、2024年3月2日至12日。",
            [("报名", "2024-03-01", "2024-03-10"), ("缴费", "2024-03-02", "2024-03-12")],
        ),
        (
            "报名、缴费、准考证打印时间分别为2024年3月1日至10日、3月2日至12日和5月20日至24日。",
            [
                ("报名", "2024-03-01", "2024-03-10"),
                ("缴费", "2024-03-02", "2024-03-12"),
                ("准考证打印", "2024-05-20", "2024-05-24"),
            ],
        ),
        # Halves are no labels: both dates are the sign-up's.
        (
            "上半年、下半年报名时间分别为2024年3月1日至10日、8月1日至10日。",
            [("报名", "2024-03-01", "2024-03-10"), ("报名", "2024-08-01", "2024-08-10")],
        ),
    ],
)
def test_labels_listed_respectively(text: str, expected: list) -> None:
    assert spans(text) == expected
