"""Ways notices are written that the tuned notices showed once, pinned so they hold on others.

Each case is the shortest text of our own that needs the rule; none is copied from a notice.
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
        # Receipts and invoices: collecting a paper receipt is applied for, printing one is 电子发票打印
        # (打印发票 is no 印发, an issue date).
        ("票据领取时间:2024年3月8日-3月14日。", [("发票申请", "2024-03-08", "2024-03-14")]),
        ("领取票据时间为2024年3月8日至14日。", [("发票申请", "2024-03-08", "2024-03-14")]),
        ("现场打印发票时间定于2024年4月10日至5月10日。", [("电子发票打印", "2024-04-10", "2024-05-10")]),
        ("打印发票时间:4月10日至5月10日。", [("电子发票打印", "2024-04-10", "2024-05-10")]),
        # A second period listed after the first belongs to the label that names them, not to a word
        # about what came before (网上缴费后于…).
        (
            "票据领取时间:网上缴费后于2024年2月8日-3月14日,2024年8月20日-9月25日每周一办理。",
            [("发票申请", "2024-02-08", "2024-03-14"), ("发票申请", "2024-08-20", "2024-09-25")],
        ),
        # Parallel asks share the action named after the last of them.
        (
            "参加上半年考试的须于2024年2月27日至3月27日,参加下半年考试的须于2024年8月3日至9月1日登录网站进行网上缴费。",
            [("缴费", "2024-02-27", "2024-03-27"), ("缴费", "2024-08-03", "2024-09-01")],
        ),
        # 缴费成功的考生 says who is addressed; the copy is cut before the action.
        ("网上缴费成功的考生,可分别于2024年2月28日至3月31日、2024年8月1日至9月2日到", []),
        ("审查合格的考生,可于2024年3月1日至3月5日", []),
    ],
)
def test_labels(text: str, expected: list) -> None:
    assert spans(text) == expected


def test_a_joint_deadline_that_restates_a_stated_window_is_no_window_of_its_own() -> None:
    text = (
        "报名缴费将于8月25日17:00结束。\n报名时间:2024年8月16日8:00至8月24日17:00。\n"
        "缴费时间:2024年8月16日8:00至8月25日17:00。"
    )
    assert spans(text) == [
        ("报名", "2024-08-16T08:00", "2024-08-24T17:00"),
        ("缴费", "2024-08-16T08:00", "2024-08-25T17:00"),
    ]


@pytest.mark.parametrize(
    ("text", "session"),
    [
        # Halves named without their year (a place may stand before them) narrow the body's year.
        (
            "北京上半年软考报名时间:2024年2月27日至3月12日;\n北京下半年软考报名时间:2024年8月13日至8月27日。",
            ("2024上半年", "2024下半年"),
        ),
        ("报名须知\n四川省下半年考试的报名时间为2024年8月1日至8月30日。", ("2024下半年",)),
        # A sign-up notice's payment dates give its year as well as its 报名 dates.
        (
            "网上缴纳考试费\n上半年考试网上缴费时间:2024年2月8日至2024年3月10日。",
            ("2024上半年",),
        ),
        # 上、下半年 names both halves; merged, they are one exam of the year.
        ("2024年软考工作通知\n上、下半年考试报名时间为2024年3月1日至3月10日。", ("2024上半年", "2024下半年")),
        (
            "2024年软考工作通知\n上、下半年考试合并于11月7日举行。\n报名时间:2024年8月1日至9月9日。",
            ("2024",),
        ),
    ],
)
def test_sessions_named_by_halves(text: str, session: tuple[str, ...]) -> None:
    assert parse_notice(text, published=date(2024, 1, 20)).session == session


@pytest.mark.parametrize(
    ("title", "kind", "session"),
    [
        # A 考试简章 is the sign-up brochure, also when the copy is cut before its dates.
        (
            "2024年下半年计算机技术与软件专业技术资格(水平)考试辽宁地区考试简章",
            "exam_signup",
            ("2024下半年",),
        ),
        # A re-poster's 摘要 that reports an office's notice names that notice.
        (
            "摘要:湖南省计算机软件考试办公室发布了2024年上半年计算机软件资格考试湖南省报考工作实施细则,",
            "exam_signup",
            ("2024上半年",),
        ),
        ("摘要:2024年软考报名什么时候开始?", "other", ()),
    ],
)
def test_kinds_of_titles_without_windows(title: str, kind: str, session: tuple[str, ...]) -> None:
    parsed = parse_notice(f"{title}\n一、考试简介\n考试每年举行两次。", published=date(2024, 1, 20))
    assert (parsed.kind, parsed.session) == (kind, session)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A clause after a bare bound that asks the reader (可办理…, 可登录…) names the action.
        ("自本通知发布之日起至3月27日,可办理证书登记。", [("登记", "2024-03-10", "2024-03-27")]),
        ("即日起至3月27日,可登录网站打印准考证。", [("准考证打印", "2024-03-10", "2024-03-27")]),
        ("截至3月25日,可报名人数达3万人。", []),
        # The days in brackets after 考试 are the exam's, not a window of the word after them.
        (
            "关于2024年上半年软考(5月25日—26日)报名的通知。报名时间:3月1日至10日。",
            [("报名", "2024-03-01", "2024-03-10")],
        ),
        ("报名时间(3月1日至10日)。", [("报名", "2024-03-01", "2024-03-10")]),
    ],
)
def test_asking_clauses_and_exam_days(text: str, expected: list) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A revenue split is one clause or bracket: the fee beside it still stands.
        ("考试费每科60元(其中上缴国家30元)。", [(Decimal(60), "考试费", "科目")]),
        ("报名工作结束后,组织考生报名的市(地)留取每人报名费15元。", []),
        # A fee table by level whose row names only the charge and its unit.
        (
            "收费标准 | 初级 | 中级 | 高级\n每科(元) | 55 | 65 | 75",
            [
                (Decimal(55), "考试费", "科目"),
                (Decimal(65), "考试费", "科目"),
                (Decimal(75), "考试费", "科目"),
            ],
        ),
        ("收费标准(元/科) | 55 | 65", [(Decimal(55), "考试费", "科目"), (Decimal(65), "考试费", "科目")]),
        # 每本证书…, 每证…: per certificate.
        ("每本证书工本费10元。", [(Decimal(10), "工本费", "证书")]),
        ("收取证书登记费每证30元。", [(Decimal(30), "登记费", "证书")]),
    ],
)
def test_fee_shapes(text: str, expected: list) -> None:
    assert fees(text, "考试费") == expected
