"""Hostile and random input: parse_notice never raises, stays fast and keeps its invariants."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from parsers import decode_html, extract_title, html_to_text, parse_notice
from parsers.text import clean_text
from parsers.types import ParsedNotice, WarningCode

# Fragments that steer random text into the date, fee and eligibility paths.
FRAGMENTS = [
    "2024年",
    "二〇二四年",
    "二0一二年",
    "3月",
    "十二月",
    "1日",
    "二十八日",
    "至",
    "-",
    "--",
    "—",
    "~",
    "～",
    "9:00",
    "17：00",
    "24:00",
    "９︰００",
    "上午9时",
    "下午5时30分",
    "（星期一）",
    "报名",
    "缴费",
    "登记",
    "领取",
    "邮寄",
    "考试时间",
    "截止",
    "前",
    "起",
    "即日起",
    "原定",
    "现延长至",
    "及以前",
    "以后取得",
    "满三年",
    "上半年",
    "下半年",
    "年度",
    "每人",
    "每科",
    "元",
    "￥1,200元",
    "30元/件",
    "免费",
    "上缴",
    "，",
    "。",
    "；",
    "\n",
    " | ",
    "取得证书",
    "<p>",
    "</p>",
    "<td>",
    "<tr>",
    '<div id="contentTxt">',
    "天津市",
    "广东省",
    "深圳市",
    "１２",
    "0",
    "9",
]


def check_invariants(parsed: ParsedNotice, text: str) -> None:
    assert not parsed.failed, parsed.warnings  # a reader that raised is a bug, not a warning
    data = parsed.to_dict()
    json.dumps(data, ensure_ascii=False)
    for window in parsed.windows:
        if window.start is not None and window.end is not None:
            assert window.start_date <= window.end_date
        assert window.evidence and window.evidence in text
    for eligible in parsed.eligible:
        lo, hi = eligible.bounds()
        assert lo <= hi
        assert eligible.evidence
    for fee in parsed.fees:
        assert fee.amount >= 0
        assert fee.evidence in text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=60),
    st.dates(date(2000, 1, 1), date(2040, 12, 31)) | st.none(),
)
def test_fragments_never_break_invariants(parts: list[str], published: date | None) -> None:
    document = "".join(parts)
    parsed = parse_notice(document, published=published, is_html=False)
    check_invariants(parsed, clean_text(document))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
@example(".HTM")  # looks like a file name to bs4, which warned (an error under pytest)
def test_random_text_never_raises(document: str) -> None:
    for parsed in (parse_notice(document), parse_notice(document, is_html=True)):
        assert not parsed.failed, parsed.warnings
        parsed.to_dict()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4000), st.sampled_from([None, "utf-8", "gbk", "gb2312", "latin-1", "bogus", ""]))
def test_decode_never_raises(data: bytes, declared: str | None) -> None:
    text = decode_html(data, declared)
    assert isinstance(text, str)
    html_to_text(text)
    extract_title(text)


HOSTILE = {
    "ten_megabytes_text": "报名时间2024年3月1日至3月10日。" * 400_000,
    "year_bait": "2024年" * 50_000,
    "digit_run": "1" * 1_000_000,
    "digits_and_zhi": "12至" * 300_000,
    "date_range_chain": "3月1日至" * 100_000,
    "fee_run": "每人每科28元，" * 100_000,
    "yuan_run": "元" * 500_000 + "1" * 100,
    "dash_run": "3月1日" + "-" * 100_000 + "3月2日",
    "hour_run": "3月1日" + "9" * 100_000,
    "space_run": "2024" + " " * 100_000 + "年",
    "deep_divs": "<div>" * 10_000 + "报名时间2024年3月1日至3月10日" + "</div>" * 10_000,
    "deep_cells": "<table><tr><td>" * 3_000 + "x",
    "binary": os.urandom(1_000_000).decode("latin-1"),
    "controls": "\x00<html>\x08<p>报名时间\x1b3月1日</p>\x00",
    "huge_html": "<p>报名时间2024年3月1日至3月10日。</p>" * 100_000,
    "unclosed": "<html><body><p><table><tr><td><div><p>报名<br><br>" * 2_000,
    "open_brackets": "3月1日(" * 100_000,
    "bracketed_times": "报名时间3月1日(9:00" * 50_000,
    "script_only": "<script>document.write('报名时间2024年3月1日至3月10日')</script>",
}


# Generous: the point is "not minutes" (catastrophic backtracking), not a benchmark.
@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_is_bounded(name: str) -> None:
    parsed = parse_notice(HOSTILE[name])
    assert not parsed.failed, parsed.warnings
    parsed.to_dict()


def test_long_text_is_cut_with_a_warning() -> None:
    parsed = parse_notice(HOSTILE["ten_megabytes_text"], published=date(2024, 2, 1))
    assert [w.code for w in parsed.warnings] == [WarningCode.INPUT_CUT]
    assert [w.label for w in parsed.windows] == ["报名"]
