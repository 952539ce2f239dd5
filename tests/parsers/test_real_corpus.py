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
    "2004-beijing-2c7faa6a": "not read yet: windows, session (a news report's '报名从2月9日开始,截止到27日结束' "
    "with no year in the text; the year is 2004, the exam's first sitting, which the text does not write)",
    "2004-beijing-5535ebb3": "not read yet: kind, windows, session (the same 2004 news report's second copy, without its "
    "headline and lead: read as other; its 报名 period has no year)",
    "2012-guangdong-212286d1": "not read yet: windows, session (a machine-reworded, reshuffled copy: 网名工夫 for "
    "网上报名时间, 网费停止工夫 for the 缴费 deadline; two half-year sessions)",
    "2015-dalian-9345c811": "not read yet: session (a 下半年 re-post whose golden adds 2015上半年 for the "
    "year's first exam the body also lists, 第一次考试报名时间…; the title names only 下半年)",
    "2015-guangdong-6432eb74": "not read yet: kind, windows, eligible (提交报名资料 for certificates read as sign-up)",
    "2018-hubei-4b2d8ecd": "not read yet: windows ('即日起至2018年9月18日17:00' in a copy that gives no date for the "
    "notice; the start is taken from the re-poster's date 2018-07-18)",
    "2022-jiangxi-5fedd432": "not read yet: windows (受理时间 即日起至2022年6月30日 in a damaged copy with no date)",
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
