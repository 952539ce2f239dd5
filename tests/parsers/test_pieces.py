"""Table-driven tests of the pieces: numerals, normalisation, windows, eligible ranges, fees, kind, region."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parsers.dates import WindowReader
from parsers.eligible import CERTIFICATE_TOPIC, HOLDER_TOPIC, EligibleReader
from parsers.fees import FeeReader
from parsers.kind import classify
from parsers.numerals import to_int
from parsers.region import find_region
from parsers.text import decode_html, normalise, split_sentences
from parsers.types import WarningCode
from parsers.years import YearContext


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("2024", 2024),
        ("二〇二四", 2024),
        ("二0一二", 2012),
        ("二○一三", 2013),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十八", 28),
        ("三十一", 31),
        ("九", 9),
        ("两", 2),
        ("", None),
        ("百", None),
        ("十十", None),
        ("一百", None),
        ("二十八九", None),
        ("〇十", None),
        ("3a", None),
    ],
)
def test_to_int(token: str, value: int | None) -> None:
    assert to_int(token) == value


def test_normalise_is_one_to_one() -> None:
    raw = "２０２４年３月１日９︰００～１７：００，報名費￥１，２００元——截止"
    norm = normalise(raw)
    assert len(norm) == len(raw)
    assert norm == "2024年3月1日9:00~17:00,报名费¥1,200元--截止"


PUBLISHED = date(2024, 3, 10)


def windows(text: str, published: date | None = PUBLISHED, session: tuple[int, str] | None = None) -> list:
    years = YearContext(published, session[0] if session else None, session[1] if session else None)
    return [w.to_dict() for w in WindowReader(years).read(split_sentences(text))]


def spans(text: str, **kwargs) -> list[tuple[str, str | None, str | None]]:
    return [(w["label"], w["start"], w["end"]) for w in windows(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("报名时间：2024年3月25日9:00-4月2日17:00。", [("报名", "2024-03-25T09:00", "2024-04-02T17:00")]),
        ("报名时间：2025年1月8日9︰00至14日16︰00。", [("报名", "2025-01-08T09:00", "2025-01-14T16:00")]),
        ("缴费时间：3月20日至3月27日。", [("缴费", "2024-03-20", "2024-03-27")]),
        ("缴费时间：3月20日17：00至3月27日24:00。", [("缴费", "2024-03-20T17:00", "2024-03-27T23:59")]),
        (
            "报名时间：3月20日（星期三）上午9时至3月27日（星期三）下午4时30分。",
            [("报名", "2024-03-20T09:00", "2024-03-27T16:30")],
        ),
        ("报名时间：二〇二四年三月二十日至四月五日。", [("报名", "2024-03-20", "2024-04-05")]),
        ("报名：２０２４年３月２０日～３月２７日", [("报名", "2024-03-20", "2024-03-27")]),
        ("报名：2024年3月20日--3月27日", [("报名", "2024-03-20", "2024-03-27")]),
        ("报名：2024年3月20日—3月27日", [("报名", "2024-03-20", "2024-03-27")]),
        ("报名：2024年3月20日~3月27日", [("报名", "2024-03-20", "2024-03-27")]),
        ("报名：2024-03-20 09:00 ~ 2024-03-27 17:00", [("报名", "2024-03-20T09:00", "2024-03-27T17:00")]),
        ("报名时间：3月20日9:00-17:00。", [("报名", "2024-03-20T09:00", "2024-03-20T17:00")]),
        (
            "报名时间：2024年3月25日（9:00）至4月2日（17:00）。",
            [("报名", "2024-03-25T09:00", "2024-04-02T17:00")],
        ),
        ("现场确认：3月20日（9:00-17:00）。", [("现场确认", "2024-03-20", "2024-03-20")]),
        ("资格审核：3月23日—3月24日（9:00-17:00）。", [("资格审核", "2024-03-23", "2024-03-24")]),
        ("领取时间：3月20日至3月27日（工作日9:00-17:00）。", [("领取", "2024-03-20", "2024-03-27")]),
        ("领取时间：2024年3月20日。", [("领取", "2024-03-20", "2024-03-20")]),
        ("即日起至3月27日办理登记。", [("登记", "2024-03-10", "2024-03-27")]),
        ("自本通知发布之日起至3月27日办理登记。", [("登记", "2024-03-10", "2024-03-27")]),
        ("领取时间：3月1日（周五）至3月15日（周五）。", [("领取", "2024-03-01", "2024-03-15")]),
        # Month-only periods run from the first to the last day of their months.
        ("报名时间：上半年为2024年3月。", [("报名", "2024-03-01", "2024-03-31")]),
        ("领取时间为2024年2-3月。", [("领取", "2024-02-01", "2024-03-31")]),
        ("2024年5月内蒙古软考报名时间另行通知。", []),
        ("证书预计将在2024年2-3月进行发放。", []),
        # An opening and a closing around two dates are one range.
        (
            "2024年8月11日9:00网上报名系统开通,9月19日16:00网上报名系统关闭。",
            [("报名", "2024-08-11T09:00", "2024-09-19T16:00")],
        ),
        # A deadline that only gives the end day's time refines the window.
        (
            "报名时间:3月14日-4月3日(报名截止时间为4月3日23:59)。",
            [("报名", "2024-03-14", "2024-04-03T23:59")],
        ),
        ("通知(3月5日更新)。报名时间另行通知。", []),
        ("登记时间：自本通知发布之日起至3月27日。", [("登记", "2024-03-10", "2024-03-27")]),
        ("请于3月27日前完成缴费。", [("缴费", None, "2024-03-27")]),
        ("缴费截止时间为3月27日17:00。", [("缴费", None, "2024-03-27T17:00")]),
        ("自2024年4月1日起办理领取。", [("领取", "2024-04-01", None)]),
        (
            "报名及缴费时间：3月20日至27日。",
            [("报名", "2024-03-20", "2024-03-27"), ("缴费", "2024-03-20", "2024-03-27")],
        ),
        ("报名截止时间原定3月20日，现延长至3月27日。", [("报名", None, "2024-03-27")]),
        ("报名截止时间由原来的3月20日调整为3月27日。", [("报名", None, "2024-03-27")]),
        ("因系统维护，缴费截止时间原为3月20日，现推迟到3月25日。", [("缴费", None, "2024-03-25")]),
        ("原定于3月20日截止的缴费时间，现延长至3月27日17:00。", [("缴费", None, "2024-03-27T17:00")]),
        ("报名时间由原定的3月1日至3月10日调整为3月5日至3月15日。", [("报名", "2024-03-05", "2024-03-15")]),
        (
            "资格审核时间：3月21日至3月28日；准考证打印时间：5月20日至5月24日。",
            [("资格审核", "2024-03-21", "2024-03-28"), ("准考证打印", "2024-05-20", "2024-05-24")],
        ),
        ("考生可于3月21日至3月28日登录系统申请邮寄。", [("邮寄申请", "2024-03-21", "2024-03-28")]),
        (
            "对成绩有异议的，可于3月21日至3月25日向报名所在地考试机构提出成绩复核申请。",
            [("成绩复查", "2024-03-21", "2024-03-25")],
        ),
        # Not windows: exam days, relative periods, signatures, eligibility cut-offs, unlabelled dates.
        ("考试时间：2024年5月25日至28日。", []),
        ("考试定于5月25日举行。", []),
        ("考生可在考试前一周内打印准考证。", []),
        ("2024年3月10日", []),
        ("2004年1月1日以后取得证书的人员须登记。", []),
        ("2019年1月1日至2021年12月31日期间取得证书的人员可申请登记。", []),
        ("本通知自2024年1月1日起施行。", []),
        # Damaged: a range whose end was lost gives nothing, not a one-day window.
        ("报名时间：2024年3月20日至3月日。", []),
        ("报名时间：2024年2月30日至3月5日。", []),
        ("报名时间：2024年3月27日至3月20日。", []),
    ],
)
def test_windows(text: str, expected: list) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "published", "session", "expected"),
    [
        # Across the new year: the end rolls into the next year.
        ("报名时间：12月26日至1月6日。", date(2024, 12, 20), None, [("报名", "2024-12-26", "2025-01-06")]),
        # Published in December, a January date is next year's.
        ("报名时间：1月6日至1月16日。", date(2024, 12, 20), None, [("报名", "2025-01-06", "2025-01-16")]),
        # No published date: the title's session year; a 下半年 session's spring dates are the next year.
        ("领取时间：3月11日至4月30日。", None, (2023, "下半年"), [("领取", "2024-03-11", "2024-04-30")]),
        ("报名时间：8月20日至8月29日。", None, (2023, "下半年"), [("报名", "2023-08-20", "2023-08-29")]),
        ("报名时间：3月11日至3月20日。", None, (2024, "上半年"), [("报名", "2024-03-11", "2024-03-20")]),
        # Nothing to resolve a year from: no window.
        ("报名时间：3月11日至3月20日。", None, None, []),
    ],
)
def test_year_resolution(text: str, published: date | None, session, expected: list) -> None:
    assert spans(text, published=published, session=session) == expected


def test_window_evidence_is_the_sentence_and_heading_labels_count() -> None:
    found = windows("二、报名时间\n　　2024年3月25日9:00至4月2日17:00。逾期不予受理。")
    assert found == [
        {
            "label": "报名",
            "start": "2024-03-25T09:00",
            "end": "2024-04-02T17:00",
            "evidence": "2024年3月25日9:00至4月2日17:00。",
        }
    ]


def test_heading_for_exam_day_blocks_the_window() -> None:
    assert windows("一、考试时间\n2024年5月25日至28日。") == []


def eligible(text: str, published: date | None = date(2024, 3, 1), topic=HOLDER_TOPIC) -> list:
    found = EligibleReader(published, topic).read(split_sentences(text))
    return [(r.start, r.end) for r in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021年取得证书的人员。", [("2021", "2021")]),
        ("2021年度取得证书的人员。", [("2021", "2021")]),
        ("2022年上半年考试合格人员。", [("2022上半年", "2022上半年")]),
        ("2019年至2021年取得证书的人员。", [("2019", "2021")]),
        ("2019年上半年至2021年下半年考试合格人员。", [("2019上半年", "2021下半年")]),
        ("2022年度及以前取得证书的人员。", [(None, "2022")]),
        ("2022年（含）以前取得证书的人员。", [(None, "2022")]),
        ("含2022年下半年及以前考试合格人员。", [(None, "2022下半年")]),
        ("截至2022年下半年（含）考试合格的人员。", [(None, "2022下半年")]),
        ("2004年1月1日以后取得证书的人员。", [("2004", None)]),
        ("2018年12月31日以前取得证书的人员。", [(None, "2018")]),
        ("2020年6月30日以前取得证书的人员。", [(None, "2020上半年")]),
        ("取得证书满三年的人员。", [(None, "2021")]),
        ("2004年1月1日以后取得证书，且取得证书满三年的人员。", [("2004", "2021")]),
        ("二〇〇九年度及以前取得证书的人员。", [(None, "2009")]),
        # The parenthesis says the bound is inclusive and names its last session.
        ("2022年度（含2022年下半年）及以前取得证书的人员。", [(None, "2022下半年")]),
        # 以前 alone excludes the year; 年度, 及 and (含) include it.
        ("2021年以前考试合格人员。", [(None, "2020")]),
        ("2021年下半年以前考试合格人员。", [(None, "2021上半年")]),
        ("2015年度以前取得证书的人员。", [(None, "2015")]),
        ("2019年、2020年取得证书的人员。", [("2019", "2019"), ("2020", "2020")]),
        ("2019、2020年取得证书的人员。", [("2019", "2019"), ("2020", "2020")]),
        # Not eligibility: campaign years, document numbers, dates, sentences about something else.
        ("现就2024年度证书登记工作通知如下。", []),
        ("根据工信厅人〔2019〕50号文件规定取得证书的人员。", []),
        ("登记时间为2024年3月1日至3月20日。", []),
        ("2024年上半年考试定于5月举行。", []),
    ],
)
def test_eligible(text: str, expected: list) -> None:
    assert eligible(text) == expected


def test_eligible_years_ago_needs_a_published_date() -> None:
    reader = EligibleReader(None, HOLDER_TOPIC)
    assert reader.read(split_sentences("取得证书满三年的人员。")) == []
    assert reader.warnings
    assert [(u.field, u.evidence) for u in reader.uncertain] == [("eligible", "取得证书满三年的人员。")]


def test_a_reversed_eligible_range_is_refused_with_a_warning() -> None:
    reader = EligibleReader(None, HOLDER_TOPIC)
    assert reader.read(split_sentences("2021年至2019年取得证书的人员。")) == []
    assert [w.code for w in reader.warnings] == [WarningCode.DROPPED]
    assert [u.field for u in reader.uncertain] == ["eligible"]


def test_a_sentence_about_certificate_years_that_gives_no_range_is_uncertain() -> None:
    reader = EligibleReader(date(2024, 3, 1), HOLDER_TOPIC)
    text = "上一登记周期已满的人员。本年度以前取得证书的人员。"
    assert reader.read(split_sentences(text)) == []
    assert [u.evidence for u in reader.uncertain] == ["本年度以前取得证书的人员。"]


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("2022年度及以前取得证书、且登记有效期已满或从未登记的人员。", "登记有效期已满或从未登记"),
        ("2019年至2020年取得证书，且未按时办理登记的人员。", "未按时办理登记"),
        ("2022年度及以前取得证书的人员。", None),
        # A condition belongs to its own group of holders.
        ("2019年考试合格人员，以及2018年度及以前取得证书但登记已过期的人员。", None),
    ],
)
def test_eligible_condition_is_kept_as_written(text: str, condition: str | None) -> None:
    found = EligibleReader(date(2024, 3, 1), HOLDER_TOPIC).read(split_sentences(text))
    assert found[0].condition == condition


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2023年上半年证书已到，2023年下半年证书尚未到达，领取时间另行通知。",
            [("2023上半年", "2023上半年")],
        ),
        (
            "2023年上半年、2023年下半年证书均已到达。",
            [("2023上半年", "2023上半年"), ("2023下半年", "2023下半年")],
        ),
        ("2024年上半年证书暂未到达，领取时间另行通知。", []),
    ],
)
def test_collection_sessions_not_ready(text: str, expected: list) -> None:
    assert eligible(text, topic=CERTIFICATE_TOPIC) == expected


def test_collection_sessions() -> None:
    text = "2022年下半年、2023年上半年计算机技术与软件专业技术资格证书已到。"
    assert eligible(text, topic=CERTIFICATE_TOPIC) == [
        ("2022下半年", "2022下半年"),
        ("2023上半年", "2023上半年"),
    ]


def fees(text: str, default: str | None = None) -> list[tuple[Decimal, str, str | None]]:
    return [(f.amount, f.item, f.per) for f in FeeReader(default).read(split_sentences(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("登记费每人每次30元。", [(Decimal(30), "登记费", "人")]),
        ("考务费每科68元。", [(Decimal(68), "考务费", "科目")]),
        ("考试费：每科目４５元。", [(Decimal(45), "考试费", "科目")]),
        ("考试费每人每科次60元。", [(Decimal(60), "考试费", "科次")]),
        (
            "考务费28元/人·科，考试费40元/人·科。",
            [(Decimal(28), "考务费", "科目"), (Decimal(40), "考试费", "科目")],
        ),
        ("邮寄费用每件20元。", [(Decimal(20), "邮寄费", "件")]),
        ("证书邮寄到付，15元/件。", [(Decimal(15), "邮寄费", "件")]),
        ("证书工本费每本10元。", [(Decimal(10), "工本费", "证书")]),
        ("报名费￥1,200元。", [(Decimal(1200), "报名费", None)]),
        ("报名费¥ 99.5", [(Decimal("99.5"), "报名费", None)]),
        ("逾期登记另收滞纳金20元。", [(Decimal(20), "滞纳金", None)]),
        # A total stated beside a per-subject price is listed too (amounts as stated).
        (
            "考试费每科68元，报考两个科目共136元。",
            [(Decimal(68), "考试费", "科目"), (Decimal(136), "考试费", "人")],
        ),
        ("考试费每科68元（两科136元）。", [(Decimal(68), "考试费", "科目"), (Decimal(136), "考试费", "人")]),
        ("高级资格三个科目考试费合计150元。", [(Decimal(150), "考试费", "人")]),
        ("证书登记不收取费用。", [(Decimal(0), "登记费", None)]),
        ("免费邮寄证书。", [(Decimal(0), "邮寄费", None)]),
        # Amounts are read whole and in Chinese numerals.
        ("登记费每人三十元。", [(Decimal(30), "登记费", "人")]),
        ("登记费一百二十元/人。", [(Decimal(120), "登记费", "人")]),
        (
            "考务费每科68元，考试费每科30元。",
            [(Decimal(68), "考务费", "科目"), (Decimal(30), "考试费", "科目")],
        ),
        ("中级资格报名费:120元(人·两科);", [(Decimal(120), "报名费", "人")]),
        ("报名费初级资格140元/生。", [(Decimal(140), "报名费", "人")]),
        ("考试费按每科68元的标准收取(含上缴国家部分)。", [(Decimal(68), "考试费", "科目")]),
        (
            "每人收取报名费20元,每人每科次收取考务费68元。",
            [(Decimal(20), "报名费", "人"), (Decimal(68), "考务费", "科次")],
        ),
        ("登记费123456789元。", []),
        ("可使用免费预约短信提醒服务。", []),
        # Not fees: revenue splits, dates, 元旦/元月, amounts without an item.
        ("考试费收入按60%比例上缴省考试院，每科目上缴24元。", []),
        ("2024年元旦放假。", []),
        ("请于2025年元月5日前报名。", []),
        ("共收到捐款100元。", []),
        ("邮寄费15-20元/件，按实际收取。", []),
        ("邮寄费15元至20元/件。", []),
    ],
)
def test_fees(text: str, expected: list) -> None:
    assert fees(text) == expected


# The heading numbered in Chinese or in digits (a section in digits is short and states no amount).
@pytest.mark.parametrize(("heading", "next_heading"), [("六、", "七、"), ("6.", "7.")])
def test_list_items_under_a_fee_heading_take_its_item(heading: str, next_heading: str) -> None:
    text = f"{heading}快递收费标准\n1.山西省内,12元/件;\n2.西藏(十四区),24元/件。\n{next_heading}其他\n考生须知,30元/件。"
    assert fees(text) == [(Decimal(12), "邮寄费", "件"), (Decimal(24), "邮寄费", "件")]


def test_fee_without_item_uses_the_kind_default() -> None:
    assert fees("收费标准：每人每科66元。", default="考试费") == [(Decimal(66), "考试费", "科目")]


def test_fee_table_with_units_in_the_header() -> None:
    table = "级别 | 考务费（元/科） | 考试费（元/科）\n初级 | 28 | 40\n高级 | 28 | 50"
    assert fees(table) == [
        (Decimal(28), "考务费", "科目"),
        (Decimal(40), "考试费", "科目"),
        (Decimal(50), "考试费", "科目"),
    ]


@pytest.mark.parametrize(
    ("title", "body", "kind"),
    [
        ("关于开展2024年度计算机技术与软件专业技术资格证书登记工作的通知", "", "registration"),
        ("关于证书再登记的通知", "", "registration"),
        ("关于开展证书补登记工作的通知", "", "late_registration"),
        ("关于办理证书逾期登记的公告", "", "late_registration"),
        ("2024年上半年软考报名通知", "", "exam_signup"),
        ("关于领取2023年上半年计算机技术与软件专业技术资格（水平）证书的通知", "", "certificate_collection"),
        ("2023年下半年软考证书邮寄通知", "", "certificate_collection"),
        ("关于2023年下半年软考合格标准的通告", "", "results"),
        ("2024年上半年软考合格人员名单公示", "", "results"),
        ("关于公布合格人员名单及证书领取事项的通知", "", "certificate_collection"),
        ("关于软考收费标准的通知", "", "other"),
        ("各地考试机构联系方式", "", "other"),
        ("通知", "2024年上半年考试报名时间为3月1日至3月10日。", "exam_signup"),
        ("", "", "other"),
    ],
)
def test_kind(title: str, body: str, kind: str) -> None:
    assert classify(normalise(title), normalise(body)) == kind


@pytest.mark.parametrize(
    ("title", "meta", "body", "region"),
    [
        ("天津市2024年上半年软考报名通知", "", "", "天津"),
        ("天津市红桥区关于证书登记的通知", "", "", "天津"),
        ("广东省2025年上半年软考报考须知", "", "", "广东"),
        ("广东省人事考试局关于深圳考区考务安排的通知", "", "", "深圳"),
        ("关于证书领取的通知", "信息来源: 深圳市考试院", "", "深圳"),
        ("关于证书领取的通知", "", "正文。\n宁夏人事考试中心\n2024年9月27日", "宁夏"),
        (
            "关于证书领取的通知",
            "",
            "各省、自治区、直辖市：\n正文。\n工业和信息化部教育与考试中心",
            "national",
        ),
        ("关于2025年度软考考试计划的通知", "", "各省、自治区、直辖市考试管理机构：", "national"),
        ("内蒙古自治区2024年软考报名通知", "", "", "内蒙古"),
        ("新疆生产建设兵团2024年软考报名通知", "", "", "兵团"),
    ],
)
def test_region(title: str, meta: str, body: str, region: str) -> None:
    assert find_region(normalise(title), normalise(meta), normalise(body)) == region


@pytest.mark.parametrize(
    ("data", "declared", "text"),
    [
        ("报名".encode("gbk"), None, "报名"),
        ("报名".encode("gbk"), "utf-8", "报名"),
        ("𠀀报名".encode("gb18030"), "gb2312", "𠀀报名"),
        (b"\xef\xbb\xbf" + "报名".encode(), "gbk", "报名"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' + "报名".encode("gbk"),
            None,
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">报名',
        ),
        (
            b'<meta httpequiv="ContentType" content="text/html; charset=gbk">' + "报名".encode("gbk"),
            None,
            '<meta httpequiv="ContentType" content="text/html; charset=gbk">报名',
        ),
        ("报名".encode("gbk")[:-1], None, None),
    ],
)
def test_decode_html(data: bytes, declared: str | None, text: str | None) -> None:
    decoded = decode_html(data, declared)
    if text is not None:
        assert decoded == text
    else:
        assert isinstance(decoded, str) and decoded.startswith("报")


def test_table_header_labels_each_column() -> None:
    table = (
        "考区 | 网上报名时间 | 网上缴费时间\n"
        "太原 | 3月20日9:00-3月28日17:00 | 3月20日9:00-3月30日17:00\n"
        "大同 | 未定 | 3月21日-3月31日\n"
        "注：以上时间如有调整另行通知。\n"
        "考试 | 5月25日至5月28日"
    )
    assert spans(table) == [
        ("报名", "2024-03-20T09:00", "2024-03-28T17:00"),
        ("缴费", "2024-03-20T09:00", "2024-03-30T17:00"),
        ("缴费", "2024-03-21", "2024-03-31"),
    ]


def test_a_table_row_is_not_a_heading() -> None:
    assert spans("工作内容 | 时间安排\n打印准考证 | 5月20日至5月24日\n考试 | 5月25日至5月28日") == [
        ("准考证打印", "2024-05-20", "2024-05-24")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("网上报名于3月18日开始，3月26日结束。", [("报名", "2024-03-18", "2024-03-26")]),
        ("报名于3月26日结束。", [("报名", None, "2024-03-26")]),
        ("缴费时间为报名开始至3月28日17:00。", [("缴费", None, "2024-03-28T17:00")]),
        ("领取证书时间：2024年3月8号起至3月31号止。", [("领取", "2024-03-08", "2024-03-31")]),
    ],
)
def test_start_and_end_words(text: str, expected: list) -> None:
    assert spans(text) == expected


def test_eligible_years_in_a_table_column() -> None:
    table = "批次 | 取得证书年度 | 登记时间\n第一批 | 2019年 | 2022年3月1日至3月31日\n第二批 | 2020年度及以前 | 另行通知"
    assert eligible(table) == [("2019", "2019"), (None, "2020")]
    assert eligible("批次 | 登记时间\n第一批 | 2019年 | 2022年3月1日至3月31日") == []
