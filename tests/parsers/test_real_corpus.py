"""Every real notice of the ``tuned`` split reads as its golden (``tests/parsers/real/tuned``).

One test per notice, comparing what ``bench/parse_accuracy.py`` scores with the same keys:
kind; windows as (label, start, end); session as a set; eligible as (from, to, condition) on the
kinds that carry it; fees as (amount, per) with per as a unit (``canonical_per``). So all passing here means F1 = 1.000 on ``tuned``.
Notices that cannot pass yet are listed in ``EXPECTED_FAILURES`` with the reason (strict: a
notice that starts passing must leave the list). The ``blind`` split is never read here.
"""

from __future__ import annotations

import pytest

from tests.parsers.real_cases import canonical_per, load_real

ELIGIBLE_KINDS = ("registration", "late_registration", "certificate_collection")
CASES = load_real("tuned")

# notice id → why it cannot read as its golden yet.
EXPECTED_FAILURES: dict[str, str] = {
    "2011-jiamusi-684ef4f2": "not read yet: windows (dates with 年/月 dropped by the copy, 2011228日至325 and "
    "2011315日-325日: 报名 and 现场确认、交费 periods)",
    "2012-guangdong-212286d1": "not read yet: windows, session (a machine-reworded, reshuffled copy: 网名工夫 for "
    "网上报名时间, 网费停止工夫 for the 缴费 deadline; two half-year sessions)",
    "2015-dalian-9345c811": "not read yet: session (a 下半年 re-post whose golden adds 2015上半年 for the "
    "year's first exam the body also lists, 第一次考试报名时间…; the title names only 下半年)",
    "2015-guangdong-6432eb74": "not read yet: kind, windows, eligible (提交报名资料 for certificates read as sign-up)",
    "2016-yongzhou-95198684": "not read yet: windows (damaged dates 201691-9月19, 2016918-9月23)",
    "2018-hubei-4b2d8ecd": "not read yet: windows ('即日起至2018年9月18日17:00' in a copy that gives no date for the "
    "notice; the start is taken from the re-poster's date 2018-07-18)",
    "2021-jiangsu-058c8a39": "not read yet: windows (系统测试时间:2021年8月30日至8月31日, a system-test period, read as 报名; "
    "traditional copy)",
    "2021-jiangsu-b4bc10d3": "not read yet: windows (系统测试时间:2021年8月30日至8月31日, a system-test period, read as 报名)",
    "2021-ningbo-8656e283": "not read yet: kind, windows, session (a refund notice, 申请退费时间为2021年11月8日至11月12日, read "
    "as sign-up; '退款时间为2021年12月31日前', when the office pays, read as a 退费申请 window; damaged traditional copy)",
    "2021-shandong-9a225e46": "not read yet: kind, windows, session (a re-poster's page headed 收费标准(每人每科68元) that "
    "states the 2021上 报名, 缴费 and 准考证打印 periods, read as a fee-standard document)",
    "2021-zhejiang-83695b20": "not read yet: kind, windows, session (a refund notice, 申请退费时间为2021年11月8日至11月12日, read "
    "as sign-up; '退款时间为2021年12月31日前', when the office pays, read as a 退费申请 window)",
    "2022-anhui-a65cd1a6": "not read yet: windows ('…請于8月16日至8月26日16:00前登錄報名服務平臺…網上繳納考試費用', one 缴费 period, also read "
    "as 报名 and its end time dropped; damaged traditional copy)",
    "2022-chongqing-5e6a6d1e": "not read yet: windows (缴费 8月29日09:00--9月12日17:00 also read as 报名; sending payment "
    "details for an invoice 2022年12月20日-12月27日, a 发票申请 window, read as 缴费; damaged traditional copy)",
    "2022-jiangsu-70c9079a": "not read yet: windows, fees ('9月1日江苏2022年下半年软考报名已开始' read as a 报名 deadline; the "
    "上机费30元/人 stated in the lead and again in the quoted notice counted twice)",
    "2022-jiangxi-5fedd432": "not read yet: windows (受理时间 即日起至2022年6月30日 in a damaged copy with no date)",
    "2022-liaoning-176428a7": "not read yet: windows (准考证打印 period written '2022年11月1日9:00--11月5日9:00开放报名系统…"
    "自行打印准考证' under the heading 5.准考证打印, read as 报名)",
    "2022-liaoning-c54b72d2": "not read yet: kind, session (a copy with no headline whose first line is a sentence "
    "naming the 2022下半年 辽宁地区报考简章 it quotes; no period in the excerpt; damaged traditional copy)",
    "2022-xizang-25841660": "not read yet: windows (end times given apart from the dates, '8月20日-9月5日(截止5日18:30)' "
    "and '8月20日-9月6日(截止6日23:59)', dropped for 资格审核 and 缴费)",
    "2023-anhui-c8ff629a": "not read yet: windows (the 缴费 end '…請于3月24日16:00前' under the heading (二)網上繳費 read as 报名; "
    "damaged traditional copy)",
    "2023-guangdong-cd18f019": "not read yet: kind, windows, session (a mirror's account of the moved 2023下 period, "
    "報名繳費時間調整為9月6日9:00-9月15日17:00, in a damaged traditional copy whose title says only '23年')",
    "2023-guizhou-0c0facd1": "not read yet: windows (報名繳費時間為9月11日10:00-25日22:00, one period for filling in and "
    "paying, read as a 报名 and a 缴费 window; damaged traditional copy)",
    "2025-hainan-16d3b0bc": "not read yet: windows ('報名繳費時間3月17日至3月28日' under the heading 報名費用及網上繳費時間, with 报名 given "
    "its own period 3月17日至3月27日, read as a 报名 and a 缴费 window; damaged traditional copy)",
    "2025-hebei-d08f7004": "not read yet: windows ('最晚于4月3日17时进行网上交费即完成报名', a 缴费 end, also read as a one-instant 报名 "
    "window)",
    "2026-qinghai-8448904d": "not read yet: windows (网上缴费:2026年3月20日9:0至4月1日24:00, the copy's '9:0' for 9:00: "
    "the start is lost and a one-day 缴费 window is added)",
}


def comparable(notice: dict, golden_kind: str) -> dict:
    return {
        "kind": notice["kind"],
        "windows": sorted((w["label"], w["start"] or "", w["end"] or "") for w in notice["windows"]),
        "session": sorted(set(notice.get("session", []))),
        "eligible": sorted(
            (e["from"] or "", e["to"] or "", e.get("condition") or "") for e in notice["eligible"]
        )
        if golden_kind in ELIGIBLE_KINDS
        else [],
        "fees": sorted((f["amount"], canonical_per(f["per"]) or "") for f in notice["fees"]),
    }


def test_the_tuned_split_is_there() -> None:
    assert len(CASES) >= 30
    assert set(EXPECTED_FAILURES) <= {case.name for case in CASES}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case.name,
            marks=[pytest.mark.xfail(reason=EXPECTED_FAILURES[case.name], strict=True)]
            if case.name in EXPECTED_FAILURES
            else [],
        )
        for case in CASES
    ],
)
def test_real_notice(case) -> None:
    kind = case.golden["kind"]
    assert comparable(case.parse(), kind) == comparable(case.golden, kind)
