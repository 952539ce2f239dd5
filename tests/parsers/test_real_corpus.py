"""Every real notice of the ``tuned`` split reads as its golden (``tests/parsers/real/tuned``).

One test per notice, comparing what ``bench/parse_accuracy.py`` scores with the same keys:
kind; windows as (label, start, end); session as a set; eligible as (from, to, condition) on the
kinds that carry it; fees as (amount, per). So all passing here means F1 = 1.000 on ``tuned``.
Notices that cannot pass yet are listed in ``EXPECTED_FAILURES`` with the reason (strict: a
notice that starts passing must leave the list). The ``blind`` split is never read here.
"""

from __future__ import annotations

import pytest

from tests.parsers.real_cases import load_real

ELIGIBLE_KINDS = ("registration", "late_registration", "certificate_collection")
CASES = load_real("tuned")

# notice id → why it cannot read as its golden yet.
EXPECTED_FAILURES: dict[str, str] = {
    "2022-shanxi-f9e8db60": "fees listed under a 快递收费标准 heading name no item; 2021年以前 is exclusive",
    "2023-beijing-b8b5f467": "免费预约短信提醒 (a free reminder service) is read as a free fee",
    "2024-sichuan-8483a6e2": "2024年 title year is not narrowed to the halves; a 发票 window is missed",
    "2024-sichuan-942509df": "2024年 title year is not narrowed to the halves; a 发票 window is missed",
    "2018-chengdu-d55fe9e0": "a 资格审核 window stated with 报名 is not split out",
    "2020-hubei-dfacb733": "the 快递网上预约申领时间 heading is not a 邮寄申请 label; 预约登记 read as 登记",
    "2021-yunnan-6ceb92eb": "month-only periods (报名时间:上半年为2021年3月) are not read",
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
        "fees": sorted((f["amount"], f["per"] or "") for f in notice["fees"]),
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
