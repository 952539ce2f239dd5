"""Ways notices are written that the tuned notices showed once, pinned so they hold on others.

Each case is the shortest text of our own that needs the rule; none is copied from a notice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parsers import parse_notice
from tests.parsers.test_pieces import eligible, fees, spans


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


@pytest.mark.parametrize("deadline", ["报名缴费将于8月25日17:00结束。", "报名、缴费将于8月25日17:00结束。"])
def test_a_joint_deadline_that_restates_a_stated_window_is_no_window_of_its_own(deadline: str) -> None:
    text = (
        f"{deadline}\n报名时间:2024年8月16日8:00至8月24日17:00。\n缴费时间:2024年8月16日8:00至8月25日17:00。"
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
        # 报名缴费 written as one word is one period of signing up; joined by 及 it is two.
        ("报名缴费时间为9月11日10:00-25日22:00。", [("报名", "2024-09-11T10:00", "2024-09-25T22:00")]),
        (
            "报名及缴费时间为9月11日至25日。",
            [("报名", "2024-09-11", "2024-09-25"), ("缴费", "2024-09-11", "2024-09-25")],
        ),
        # A system opened after a date is the tool; the heading names the action.
        (
            "5.准考证打印\n2024年11月1日9:00--11月5日9:00开放报名系统,考生须登录系统自行打印准考证。",
            [("准考证打印", "2024-11-01T09:00", "2024-11-05T09:00")],
        ),
        (
            "2024年8月11日9:00网上报名系统开通,9月19日16:00网上报名系统关闭。",
            [("报名", "2024-08-11T09:00", "2024-09-19T16:00")],
        ),
        # A time the copy damaged: 9:0 is 9:00; an unreadable one leaves the start a day.
        ("网上缴费:2026年3月20日9:0至4月1日24:00", [("缴费", "2026-03-20T09:00", "2026-04-01T23:59")]),
        ("报名时间:3月1日9:5至3月10日17:00", [("报名", "2024-03-01", "2024-03-10T17:00")]),
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


@pytest.mark.parametrize(
    "body",
    [
        "考试时间:上半年:5月26日;下半年:11月10日。",
        "一、考试时间\n上半年:5月26日\n下半年:11月10日",
        "(一)上半年\n报名时间:3月1日至3月10日。\n(二)下半年\n报名时间:8月1日至8月10日。",
        "考试日期为5月26日(上半年)和11月10日(下半年)。",
    ],
)
def test_a_years_halves_named_without_it_in_other_shapes(body: str) -> None:
    text = f"关于2012年度计算机软件资格考试考务工作的通知\n{body}\n报名时间:3月1日至3月10日。"
    assert parse_notice(text, published=date(2012, 2, 20)).session == ("2012上半年", "2012下半年")


@pytest.mark.parametrize(
    "title",
    [
        "软考证书领取需要带什么",
        "软考证书领取方式有哪些",
        "软考备考攻略",
        "软考报名流程详解",
    ],
)
def test_questions_and_study_advice_are_explainers(title: str) -> None:
    assert parse_notice(f"{title}\n有关事项如下。", published=date(2024, 2, 20)).kind == "other"


def test_a_round_up_that_states_windows_is_of_their_kind() -> None:
    text = "2024年下半年软考重点时间汇总\n2024年8月21日-8月27日——网上报名"
    assert parse_notice(text, published=date(2024, 8, 1)).kind == "exam_signup"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("报名在3月10日(含)前完成。", [("报名", None, "2024-03-10")]),
        ("自2024年3月1日(含)起办理领取。", [("领取", "2024-03-01", None)]),
    ],
)
def test_a_bound_that_says_its_day_counts(text: str, expected: list) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A copy that dropped 年 and 月 glues the date into one number; read when the digits after the
        # year allow one month and day, with the range's end as the copy left it.
        ("网上报名时间:2011228日至325(节假日正常休息)。", [("报名", "2011-02-28", "2011-03-25")]),
        ("交费时间:2011315日-325日(节假日休息)", [("缴费", "2011-03-15", "2011-03-25")]),
        ("网报时间:201691-9月19。", [("报名", "2016-09-01", "2016-09-19")]),
        # Not dates: an exam day glued into ten digits, a phone number, a reading that is not unique.
        ("考试定于2011521522举行。", []),
        ("报名咨询电话:0531-2011228-1234。", []),
        ("报名时间:2011111日。", []),
    ],
)
def test_dates_glued_by_a_damaged_copy(text: str, expected: list) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A bracket after the words qualifies the bound said before it, like one right after the year.
        ("2022年度及以前取得证书(含2022年下半年)的人员。", [(None, "2022下半年")]),
        ("2018年以后取得证书(不含2018年)的人员。", [("2019", None)]),
        # The cut-off after the words it qualifies.
        ("取得证书时间在2022年12月31日以前的人员。", [(None, "2022")]),
    ],
)
def test_eligible_qualified_later_in_the_sentence(text: str, expected: list) -> None:
    assert eligible(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 报名缴费 as one word is the payment's period where 报名 has a period of its own.
        (
            "报名时间:2024年3月17日至3月27日。\n报名缴费时间:3月17日至3月28日。",
            [("报名", "2024-03-17", "2024-03-27"), ("缴费", "2024-03-17", "2024-03-28")],
        ),
        # What the action achieves (即完成报名) is no action; 最晚于 names a deadline.
        ("通过照片审核后最晚于4月3日17时进行网上交费即完成报名。", [("缴费", None, "2024-04-03T17:00")]),
        # A section heading names the dates below it that nothing nearer labels, over a paragraph
        # between; a label that only describes the persons addressed comes after it.
        (
            "报名须知\n(二)网上缴费\n考试费按每人每科68元的标准收取,请考生按要求完成网上支付,逾期不再受理。\n"
            "通过照片审核的报考上半年考试的人员请于3月24日16:00前",
            [("缴费", None, "2024-03-24T16:00")],
        ),
        (
            "需办理证书登记的人员,请于3月1日至3月10日到市人事考试中心办理。",
            [("登记", "2024-03-01", "2024-03-10")],
        ),
        # When the office pays a refund back asks nothing of a candidate.
        (
            "申请退费时间为2021年11月8日至11月12日,逾期不予受理。退款时间为2021年12月31日前。",
            [("退费申请", "2021-11-08", "2021-11-12")],
        ),
    ],
)
def test_labels_from_afar_and_what_is_no_action(text: str, expected: list) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("first_line", "kind", "session"),
    [
        # A refund notice asks for no sign-up.
        ("2021下半年浙江软考退费通知", "other", ()),
        # A re-poster's first line that quotes a notice is read by what it says it gives.
        (
            "根据辽宁省信息技术教育中心发布的《2022年下半年考试辽宁地区报考简章》,2022下半年辽宁软考报考须知如下:",
            "exam_signup",
            ("2022下半年",),
        ),
        (
            "根据《新疆2025年下半年计算机软件资格考试报名事项通知》的说明,2025下半年新疆软考考点设置如下:",
            "other",
            (),
        ),
    ],
)
def test_refunds_and_quoting_lead_ins(first_line: str, kind: str, session: tuple[str, ...]) -> None:
    parsed = parse_notice(f"{first_line}\n一、考试简介\n考试每年举行两次。", published=date(2022, 8, 1))
    assert (parsed.kind, parsed.session) == (kind, session)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A system test is the office's.
        (
            "系统测试时间:2021年8月30日至8月31日\n报名时间:2021年9月1日至9月6日",
            [("报名", "2021-09-01", "2021-09-06")],
        ),
        # The end day again in brackets, with its time.
        ("网上审核时间:8月20日-9月5日(截止5日18:30)", [("资格审核", "2024-08-20", "2024-09-05T18:30")]),
        # Logging in to the sign-up platform is where; the next clause says what.
        (
            "请于8月16日至8月26日16:00前登录报名服务平台,通过易宝支付平台网上缴纳考试费用。",
            [("缴费", "2024-08-16", "2024-08-26T16:00")],
        ),
        # Parallel asks joined by 、 share the action after the last of them.
        (
            "请报考上半年考试的人员于5月26日16:00后、报考下半年考试的人员于11月3日16:00后登录网站下载打印准考证。",
            [("准考证打印", "2024-05-26T16:00", None), ("准考证打印", "2024-11-03T16:00", None)],
        ),
        # A label used as a noun (缴费信息) names no action; the sign-up fee is paid, not signed up for.
        (
            "缴费成功后如需发票,为方便考生领取发票,考生可于2022年12月20日-12月27日期间发送本人缴费信息至邮箱。",
            [("发票申请", "2022-12-20", "2022-12-27")],
        ),
        (
            "考生在8月29日09:00--9月12日17:00内登录系统直接缴纳报名费用。",
            [("缴费", "2024-08-29T09:00", "2024-09-12T17:00")],
        ),
        ("可于2021年11月30日前申请办理报名费退还手续。", [("退费申请", None, "2021-11-30")]),
        # 了解到 is no deadline; a clause saying the action has begun gives its start.
        ("从通知中了解到9月1日江苏软考报名已开始。", [("报名", "2024-09-01", None)]),
    ],
)
def test_batch_f_shapes(text: str, expected: list) -> None:
    assert spans(text) == expected


def test_a_fee_headed_account_with_windows_is_of_their_kind() -> None:
    text = (
        "2021年上半年山东省软考考试收费标准(每人每科68元)\n报名时间:3月17日9:00—3月29日16:00。\n"
        "信息处理技术员(机考)按每人每科73元收取。"
    )
    parsed = parse_notice(text, published=date(2021, 3, 1))
    assert (parsed.kind, parsed.session) == ("exam_signup", ("2021上半年",))
    assert sorted(fee.amount for fee in parsed.fees) == [Decimal(68), Decimal(73)]
    assert parse_notice("关于调整计算机软件资格考试收费标准的通知\n现将有关事项通知如下。").kind == "other"


def test_both_halves_given_their_dates_under_a_headline_without_a_session() -> None:
    text = (
        "广西软考程序员通过率 2019年11月广西软考考场地址\n2019年上半年考试成绩已公布。\n"
        "上半年报考日期为2019年3月11日至20日,下半年报考日期为2019年8月19日至28日。"
    )
    assert parse_notice(text, published=date(2019, 11, 1)).session == ("2019上半年", "2019下半年")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One amount written for two qualifications or levels is two fees (amounts as stated); said
        # again for none, it is one.
        (
            "收费标准为每人204元。\n其他初级资格130元;\n报考中级资格130元;\n高级资格:204元。",
            [(Decimal(204), "考试费", "人"), (Decimal(130), "考试费", None), (Decimal(130), "考试费", None)],
        ),
        (
            "初级、中级:考务费28元/科;\n高级:考务费28元/科。",
            [(Decimal(28), "考务费", "科目"), (Decimal(28), "考务费", "科目")],
        ),
        # The state's share after 含上缴 is no fee; 每生另加收 is per person.
        ("上述收费标准已包含上缴国家的考务费每人每科9元。", []),
        ("采用计算机考试每生另加收60元。", [(Decimal(60), "考试费", "人")]),
    ],
)
def test_fees_by_qualification_and_shares(text: str, expected: list) -> None:
    assert fees(text, "考试费") == expected


def test_an_amount_under_a_charges_heading_of_a_notice_that_names_no_fee() -> None:
    """A fee-standard document (kind other: no default item) names its charge by its heading."""
    assert fees("(五)收费标准\n根据有关文件规定,每人每科65元。") == [(Decimal(65), "考试费", "科目")]
    assert fees("费用:每科65元。") == [(Decimal(65), "考试费", "科目")]
    assert fees("培训班学员每人1980元。") == []


def test_a_question_title_over_a_report_of_a_notice_is_of_its_windows_kind() -> None:
    """An explainer's title over an account of an office's notice that states its window keeps the
    window's kind; an explainer that states no notice's window stays other with none."""
    account = (
        "广东软考23年截止缴费时间在哪天\n8月15日,广东省人事考试网发布了2023下半年软考报名时间调整通知,"
        "报名缴费时间调整为9月6日9:00-9月15日17:00。"
    )
    parsed = parse_notice(account, published=date(2023, 8, 20))
    assert (parsed.kind, [w.label for w in parsed.windows]) == ("exam_signup", ["报名"])
    explainer = "软考成绩什么时候出?\n往年成绩一般在考后两个月公布,成绩查询时间为12月20日至12月31日。"
    parsed = parse_notice(explainer, published=date(2023, 11, 1))
    assert (parsed.kind, parsed.windows) == ("other", ())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Variants of the tuned notices' wording that read differently before.
        ("准考证打印时间:11月1日—考试开始前。", [("准考证打印", "2024-11-01", None)]),
        ("调整网上缴费截止时间为\n2023年9月29日24:00;", [("缴费", None, "2023-09-29T23:59")]),
        ("报名将于9月5日18:00截至。", [("报名", None, "2024-09-05T18:00")]),
        (
            "邮寄申请时间:2024年1月1日〇时至2024年3月1日〇时。",
            [("邮寄申请", "2024-01-01T00:00", "2024-03-01T00:00")],
        ),
        ("考生须在2月13日至3月13日止,通过银联网上缴纳考试费。", [("缴费", "2024-02-13", "2024-03-13")]),
    ],
)
def test_wording_variants_of_tuned_notices(text: str, expected: list) -> None:
    assert spans(text) == expected


def test_a_signup_year_in_chinese_numerals_and_a_half_after_a_spaced_year() -> None:
    text = "网上缴纳考试费\n上半年考试网上缴费时间:二〇一三年二月八日至三月十日。"
    assert parse_notice(text, published=None).session == ("2013上半年",)
    text = (
        "2017年计算机软件资格考试通知\n2017 年 (下半年)考试于11月11日举行。\n报名时间:2017年8月1日至8月10日。"
    )
    assert parse_notice(text, published=date(2017, 7, 1)).session == ("2017下半年",)


def test_a_signup_year_written_as_an_iso_date() -> None:
    text = "报名须知\n四川省下半年考试的报名时间为2024-08-01至2024-08-30。"
    assert parse_notice(text, published=date(2024, 7, 20)).session == ("2024下半年",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Paragraphs a copy ran together: a remark in brackets before a date names no window, the
        # previous date's label after its dash is not the next date's, a dateline before a report of a
        # publication is no window.
        (
            "网上报名时间 2023年9月15日9:00至21日18:00 二、网上缴费时间(逾期未缴费,视为放弃报考) 2023年9月15日9:00至23日18:00",
            [
                ("报名", "2023-09-15T09:00", "2023-09-21T18:00"),
                ("缴费", "2023-09-15T09:00", "2023-09-23T18:00"),
            ],
        ),
        (
            "2024年8月21日-8月27日——网上报名 2024年8月21日-8月28日——网上缴费",
            [("报名", "2024-08-21", "2024-08-27"), ("缴费", "2024-08-21", "2024-08-28")],
        ),
        ("证书领取时间及通知 2024年12月24日,重庆市软考办正式发布了《证书领取通知》。", []),
    ],
)
def test_paragraphs_run_together(text: str, expected: list) -> None:
    assert spans(text) == expected


def test_label_synonyms_from_a_variant_run() -> None:
    """网报 for 报名 in a title and beside a bare half; 起止时间 names a period, not a deadline."""
    text = "广州市2009年上半年计算机软件资格考试网报时间\n上半年网报时间:2009年2月16日至3月5日。"
    parsed = parse_notice(text, published=date(2009, 2, 1))
    assert (parsed.kind, parsed.session) == ("exam_signup", ("2009上半年",))
    assert spans("准考证打印起止时间:2022年10月31日起。") == [("准考证打印", "2022-10-31", None)]
