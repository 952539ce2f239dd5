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
    "2006-fujian-3dbabdf0": "not read yet: fees",
    "2008-shaanxi-e27f8637": "not read yet: fees",
    "2009-shanghai-38b29764": "not read yet: windows, session",
    "2013-national-42794011": "not read yet: windows",
    "2015-dalian-9345c811": "not read yet: windows, session",
    "2015-heilongjiang-1e5249a2": "not read yet: kind, windows, session",
    "2015-shandong-a6bbae5a": "not read yet: windows, fees",
    "2017-hainan-a3997dc3": "not read yet: windows, fees",
    "2017-heilongjiang-bf446e51": "not read yet: windows, fees",
    "2018-chengdu-d55fe9e0": "a 资格审核 window stated with 报名 is not split out",
    "2018-shanxi-ceac779f": "not read yet: windows",
    "2019-anhui-5116a4e0": "not read yet: kind, windows, session, fees",
    "2020-hubei-dfacb733": "the 快递网上预约申领时间 heading is not a 邮寄申请 label; 预约登记 read as 登记",
    "2020-ningbo-689c9d6b": "not read yet: fees",
    "2021-hebei-62846a0a": "not read yet: windows",
    "2021-jiangxi-304e8cd4": "not read yet: windows",
    "2021-jiangxi-5fc3b50c": "not read yet: kind, windows, session",
    "2021-jiangxi-a173ef2f": "not read yet: windows",
    "2021-national-eb52eefa": "not read yet: kind, session, fees",
    "2021-yunnan-6ceb92eb": "month-only periods (报名时间:上半年为2021年3月) are not read",
    "2022-fujian-772f32d8": "not read yet: kind, session",
    "2022-shandong-87c4dcd4": "not read yet: kind, windows, session",
    "2022-shanghai-702f9b32": "not read yet: kind, session, fees",
    "2022-shanxi-f9e8db60": "fees listed under a 快递收费标准 heading name no item; 2021年以前 is exclusive",
    "2023-beijing-b8b5f467": "免费预约短信提醒 (a free reminder service) is read as a free fee",
    "2023-bingtuan-b387fb42": "not read yet: windows",
    "2023-fujian-6d404418": "not read yet: windows",
    "2023-fujian-c12fd910": "not read yet: kind, session",
    "2023-national-7510b8c7": "not read yet: kind, session",
    "2023-national-ac3ee9d7": "not read yet: kind, windows, session",
    "2023-national-d824efbf": "not read yet: kind, windows, session",
    "2023-national-e49a8a9e": "not read yet: fees",
    "2023-neimenggu-5cfc6767": "not read yet: session",
    "2023-neimenggu-f14528a0": "not read yet: windows, fees",
    "2023-shanghai-5c51936b": "not read yet: kind, session",
    "2023-shanghai-7a20214e": "not read yet: kind, session",
    "2023-xizang-35616c8e": "not read yet: windows",
    "2023-yunnan-65e69424": "not read yet: fees",
    "2023-zaozhuang-1ab4d162": "not read yet: kind, windows, session, eligible",
    "2024-beijing-9f2598ee": "not read yet: kind, windows",
    "2024-bingtuan-0573a1cf": "not read yet: windows",
    "2024-chongqing-003e7fd5": "not read yet: windows",
    "2024-fujian-56356354": "not read yet: windows",
    "2024-guangdong-bc5f1613": "not read yet: kind, session, fees",
    "2024-jiangxi-e34cd827": "not read yet: kind, session",
    "2024-shanxi-f484dd08": "not read yet: windows",
    "2024-sichuan-8483a6e2": "2024年 title year is not narrowed to the halves; a 发票 window is missed",
    "2024-sichuan-942509df": "2024年 title year is not narrowed to the halves; a 发票 window is missed",
    "2024-zaozhuang-1dfb7a02": "not read yet: kind, eligible",
    "2025-dalian-fb3dec23": "not read yet: windows",
    "2025-fujian-7ff0fecc": "not read yet: windows",
    "2025-heilongjiang-df554d59": "not read yet: session",
    "2025-nanjing-edb57dca": "not read yet: kind, windows, session",
    "2025-national-8bf7e2f0": "not read yet: kind",
    "2025-shanghai-b72f0991": "not read yet: kind, session",
    "2026-shanxi-ee77bc5a": "not read yet: session",
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
