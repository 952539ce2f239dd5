"""The one Chinese wording of windows, fees, eligible ranges and changes (mails, feeds, diffs)."""

from __future__ import annotations

import pytest

from core.wording import describe_changes, eligible_line, fee_line, moment_label, span_label

BEFORE = {
    "windows": [{"label": "登记", "start": "2026-03-02T09:00", "end": "2026-03-20T17:00"}],
    "fees": [{"amount": 30, "currency": "CNY", "item": "登记费", "per": "人"}],
    "eligible": [{"from": None, "to": "2021"}],
}


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (
            {"start": "2026-03-02T09:00", "end": "2026-03-20T17:00"},
            "2026年3月2日 09:00 至 2026年3月20日 17:00",
        ),
        ({"start": None, "end": "2026-03-20"}, "截至 2026年3月20日"),
        ({"start": "2026-03-02", "end": None}, "2026年3月2日 起"),
        ({"start": None, "end": None}, "时间待定"),
    ],
)
def test_spans(window, expected):
    assert span_label(window) == expected


@pytest.mark.parametrize(
    ("rng", "expected"),
    [
        ({"from": None, "to": "2022"}, "2022年及以前取得的证书"),
        ({"from": "2019", "to": "2021"}, "2019年至2021年取得的证书"),
        ({"from": "2023上半年", "to": "2023上半年"}, "2023年上半年取得的证书"),
        ({"from": "2004", "to": None}, "2004年及以后取得的证书"),
        ({"from": None, "to": None}, "不限取得时间"),
    ],
)
def test_eligible_lines(rng, expected):
    assert eligible_line(rng) == expected


def test_fee_and_moment_labels():
    assert fee_line({"amount": 30, "currency": "CNY", "item": "登记费", "per": "人"}) == "登记费 30元/人"
    assert fee_line({"amount": 0, "item": None, "per": None}) == "费用 0元"
    assert moment_label("not-a-date") == "未注明"


def test_an_amendment_is_described_field_by_field():
    after = {
        "windows": [
            {"label": "登记", "start": "2026-03-02T09:00", "end": "2026-03-27T17:00"},
            {"label": "补登记", "start": "2026-04-01", "end": "2026-04-03"},
        ],
        "fees": [],
        "eligible": [{"from": None, "to": "2022上半年"}],
    }
    assert describe_changes(BEFORE, after) == [
        "登记截止：2026年3月20日 17:00 → 2026年3月27日 17:00",
        "新增补登记：2026年4月1日 至 2026年4月3日",
        "取消费用：登记费 30元/人",
        "适用范围：2021年及以前取得的证书 → 2022年上半年及以前取得的证书",
    ]


def test_reworded_evidence_is_no_change():
    reworded = {k: [{**item, "evidence": "另一种说法"} for item in v] for k, v in BEFORE.items()}
    assert describe_changes(BEFORE, reworded) == []


def test_two_windows_with_one_label_are_compared_in_order():
    two = {
        "windows": [
            {"label": "登记", "start": "2026-03-02", "end": "2026-03-10"},
            {"label": "登记", "start": "2026-04-01", "end": "2026-04-10"},
        ]
    }
    moved = {"windows": [two["windows"][0], {"label": "登记", "start": "2026-04-01", "end": "2026-04-17"}]}
    assert describe_changes(two, moved) == ["登记截止：2026年4月10日 → 2026年4月17日"]
