"""Reading rules real notices use, each pinned by a small case of our own.

Every rule here was found on a real notice (``tests/parsers/real``), but the cases are written
so that the rule holds without that notice: each is the shortest text that needs it.
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
        # A long window in one year is written as it is; only a year the reader adds is doubted.
        ("电子发票打印时间:5月6日至12月31日。", [("电子发票打印", "2024-05-06", "2024-12-31")]),
        # A heading's remark in brackets is no label.
        (
            "二、网上缴费时间(逾期未缴费,视为放弃报考)\n2024年9月15日9:00至23日18:00",
            [("缴费", "2024-09-15T09:00", "2024-09-23T18:00")],
        ),
        # A label before a colon names what follows the colon, not the date before it.
        (
            "2024年8月11日9:00网上报名系统开通,9月19日16:00网上报名系统关闭:报名审核8月11日9:00-9月21日16:00。",
            [
                ("报名", "2024-08-11T09:00", "2024-09-19T16:00"),
                ("资格审核", "2024-08-11T09:00", "2024-09-21T16:00"),
            ],
        ),
        ("相片质量审查时间:2024年8月1日至8月31日。", [("资格审核", "2024-08-01", "2024-08-31")]),
        # 现场确认 joined to another action is how that action is done.
        ("2024年3月9日-4月8日 | 现场确认和缴费", [("缴费", "2024-03-09", "2024-04-08")]),
        ("现场确认:2024年3月20日。", [("现场确认", "2024-03-20", "2024-03-20")]),
        # The offices' own work is no candidate's window; 网上报名 is not 上报.
        ("2024年4月10日前 | 各考区上报报名表", []),
        ("请于2月22日前送人力资源社会保障部专业技术人员管理司备案。", []),
        ("网上报名时间:2024年3月6日-4月8日。", [("报名", "2024-03-06", "2024-04-08")]),
        # A range that ends at the exam has no written end.
        ("准考证打印时间:11月1日至考试开始。", [("准考证打印", "2024-11-01", None)]),
        (
            "快递受理时间\n2024年2月21日上午9:00-3月16日17:00",
            [("邮寄申请", "2024-02-21T09:00", "2024-03-16T17:00")],
        ),
        # An asking clause before the date: the action is the next clause's.
        (
            "经系统自动审核通过后,考生须在2月13日至3月13日期间,通过银联网上缴纳考试费。",
            [("缴费", "2024-02-13", "2024-03-13")],
        ),
        # The office accepting the candidates' action names it; an exam day in between does not end the clause.
        (
            "3月3日至31日,网上受理参加5月24日(上半年)考试的考生报名。",
            [("报名", "2024-03-03", "2024-03-31")],
        ),
        ("截至3月25日,受理报名人数达3万人。", []),
        # A URL's colon is no label colon: the action is still the clause's last word.
        (
            "考生请于2024年5月10日后登录报名网站http://www.example.cn/打印准考证。",
            [("准考证打印", "2024-05-10", None)],
        ),
    ],
)
def test_window_rules(text: str, expected: list) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The same window said twice, once with one bound open, is one window.
        (
            "证书邮寄申请窗口将于2024年2月21日开启。\n一、邮寄申请时间\n2024年2月21日9:00-3月16日17:00",
            [("邮寄申请", "2024-02-21T09:00", "2024-03-16T17:00")],
        ),
        ("报名截止时间为4月12日。报名时间:3月1日至4月12日。", [("报名", "2024-03-01", "2024-04-12")]),
        # A bare deadline sentence is named by the next one when that says what is lost after it.
        (
            "3、受理申请的期限\n自本通告发布之日起至2024年7月25日24:00。逾期不再受理,视同放弃申请成绩复查。",
            [("成绩复查", "2024-03-10", "2024-07-25T23:59")],
        ),
        ("我省自2004年1月1日起,对证书实行定期登记制度,期满前办理。逾期未办理登记的证书不再有效。", []),
        # 即日起 with no date: from the published date, open-ended.
        (
            "考试成绩已公布,即日起可登录中国计算机技术职业资格网查询,如有问题请反馈。",
            [("成绩查询", "2024-03-10", None)],
        ),
        ("自即日起开始办理证书登记。", [("登记", "2024-03-10", None)]),
        ("即日起至3月27日办理登记。", [("登记", "2024-03-10", "2024-03-27")]),
    ],
)
def test_windows_across_sentences(text: str, expected: list) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A re-post that lost 月: a day over 31 read as month and day when only one reading exists.
        (
            "邮寄申报时间:2023年831日至98日16:00。",
            [("邮寄申请", "2023-08-31", "2023-09-08T16:00")],
        ),
        ("现场领取时间:2024年911日至922日。", [("领取", "2024-09-11", "2024-09-22")]),
        ("复查申请截止时间2024年1231日,逾期不再受理。", [("成绩复查", None, "2024-12-31")]),
        # 111 could be 1月11日 or 11月1日: no guess.
        ("报名时间:2024年111日至120日。", []),
        # A day count and a document number are no dates.
        ("领取时间:2024年3月1日起45日内。", [("领取", "2024-03-01", None)]),
        ("依据发改价格〔2015〕1217号文件,报名时间:3月1日至3月10日。", [("报名", "2024-03-01", "2024-03-10")]),
    ],
)
def test_damaged_dates(text: str, expected: list) -> None:
    assert spans(text) == expected


def test_a_year_less_date_with_nothing_else_takes_the_last_year_written_before_it() -> None:
    """No published date and no session: the last full date of the notice gives the year, rolled into
    the next year as a published date would (a December date, then a January one)."""
    text = "报名时间为2013年3月1日~2013年4月5日。确认交费时间为3月1日~4月5日。"
    assert spans(text, published=None) == [
        ("报名", "2013-03-01", "2013-04-05"),
        ("缴费", "2013-03-01", "2013-04-05"),
    ]
    text = "报名时间为2023年12月20日至12月28日。准考证打印时间为1月5日至1月8日。"
    assert spans(text, published=None)[-1] == ("准考证打印", "2024-01-05", "2024-01-08")
    assert spans("确认交费时间为3月1日~4月5日。", published=None) == []


def test_rows_split_into_a_date_line_and_an_action_line() -> None:
    """A table copied cell by cell: each row's action is on the line below its date."""
    text = (
        "2024年上半年考试工作时间安排表\n"
        "2024年3月9日-3月20日\n网上报名\n"
        "2024年3月10日-3月21日\n网上缴费\n"
        "2024年5月8日-5月12日\n领取收据\n"
        "2024年5月15日-5月19日\n网上打印准考证\n"
        "考试"
    )
    assert spans(text) == [
        ("报名", "2024-03-09", "2024-03-20"),
        ("缴费", "2024-03-10", "2024-03-21"),
        ("发票申请", "2024-05-08", "2024-05-12"),
        ("准考证打印", "2024-05-15", "2024-05-19"),
    ]


def test_headings_above_their_dates_still_label_them() -> None:
    text = "一、报名时间\n2024年3月1日至3月10日\n二、缴费时间\n2024年3月1日至3月12日\n三、其他"
    assert spans(text) == [("报名", "2024-03-01", "2024-03-10"), ("缴费", "2024-03-01", "2024-03-12")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("报名工作结束后,省人事考试中心将按每名考生报名费15元下拨给各市。", []),
        ("报名工作结束后,组织考生报名的市(地)留取每人报名费15元。", []),
        # The same fee restated without its unit is one fee.
        (
            "报名费每人15元。报名工作结束后,按考生报名费15元统一结算。",
            [(Decimal(15), "报名费", "人")],
        ),
    ],
)
def test_fee_rules(text: str, expected: list) -> None:
    assert fees(text) == expected


def test_a_bare_year_title_is_narrowed_by_halves_given_with_their_dates() -> None:
    text = "2026年度软考考试报名通知\n一、考试日期\n上半年5月23日至26日,下半年10月24日至27日。\n报名时间:3月16日至4月13日。"
    assert parse_notice(text, published=date(2026, 3, 1)).session == ("2026上半年", "2026下半年")


def test_a_notices_own_abridged_copy_is_the_notice() -> None:
    """…的通知（摘要） is the notice, abridged; a re-poster's 摘要 lead-in is an explainer."""
    body = "\n二、网上报名\n网上填报时间为9月5日9时至9月11日17时。"
    title = "关于2023年下半年计算机软件资格考试有关工作调整的通知（摘要）"
    parsed = parse_notice(title + body, published=date(2023, 8, 16))
    assert (parsed.kind, parsed.session) == ("exam_signup", ("2023下半年",))
    assert parse_notice("摘要：软考证书领取有哪些注意事项\n证书可在每月5日至10日领取。").kind == "other"


@pytest.mark.parametrize(
    "text",
    ["第一次考试报名时间为3月10日至4月15日。", "报名时间:上半年3月10日至4月15日;下半年8月1日至9月15日。"],
)
def test_a_second_half_notice_puts_the_first_exams_dates_in_its_own_year(text: str) -> None:
    """A 下半年 notice's spring dates are next year's, unless the sentence names the first exam."""
    assert spans(text, published=None, session=(2015, "下半年"))[0] == ("报名", "2015-03-10", "2015-04-15")
    assert spans("领取时间:3月10日至4月15日。", published=None, session=(2015, "下半年")) == [
        ("领取", "2016-03-10", "2016-04-15")
    ]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        # Re-posters' prefixes and suffixes, datelines and traditional script leave the title's kind.
        ("【转载】关于领取2023年下半年计算机软件资格证书的通知", "certificate_collection"),
        ("转发：关于领取2023年下半年软考证书的通知", "certificate_collection"),
        ("(2024-03-01)关于领取2023年下半年软考证书的通知", "certificate_collection"),
        ("关于领取2023年下半年软考证书的通知_江苏省人事考试网", "certificate_collection"),
        ("關於2023年下半年計算機軟件資格考試合格證書發放的通知", "certificate_collection"),
        ("關(guān)于2023年下半年計(jì)算機(jī)軟件資格考試報(bào)名的通知", "exam_signup"),
        # Other words for handing certificates out.
        ("关于2023年下半年软考纸质证书申领的通知", "certificate_collection"),
        ("关于补发2023年下半年软考证书的通知", "certificate_collection"),
        ("2023年下半年软考证书快递服务的通知", "certificate_collection"),
    ],
)
def test_kind_of_reposted_and_reworded_titles(title: str, kind: str) -> None:
    assert parse_notice(f"{title}\n有关事项通知如下。", published=date(2024, 3, 1)).kind == kind


def test_a_signup_notice_that_names_no_session_is_about_the_year_of_its_written_signup_dates() -> None:
    text = "报名人员可在网上报名，时间为2013年3月1日~2013年4月5日。"
    assert parse_notice(text, published=None).session == ("2013",)
    # A year the reader added (from the published date) names no session.
    assert parse_notice("网上报名时间为3月1日至4月5日。", published=date(2013, 2, 20)).session == ()


def test_conditions_for_signing_up_are_explained_not_a_signup() -> None:
    text = "2011年山西计算机软考报名条件\n凡遵守国家法律的人员，均可报名参加考试。"
    assert parse_notice(text, published=date(2011, 3, 1)).kind == "other"
