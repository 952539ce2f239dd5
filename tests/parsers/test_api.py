"""The public parsers API on the plain cases the end-to-end flow relies on."""

from __future__ import annotations

from datetime import date

from parsers import decode_html, extract_title, html_to_text, parse_notice
from parsers.types import WarningCode

PLAIN = """关于开展2026年度计算机技术与软件专业技术资格证书登记工作的通知
各有关单位：
一、登记对象
2022年度及以前取得计算机技术与软件专业技术资格（水平）证书的人员。
二、登记时间
2026年3月2日9:00至3月20日17:00。
三、登记费用
登记费每人每次30元。
天津市人力资源和社会保障局
2026年2月20日"""


def test_plain_registration_notice() -> None:
    parsed = parse_notice(PLAIN).to_dict()
    assert parsed == {
        "title": "关于开展2026年度计算机技术与软件专业技术资格证书登记工作的通知",
        "kind": "registration",
        "region": "天津",
        "published": "2026-02-20",
        "windows": [
            {
                "label": "登记",
                "start": "2026-03-02T09:00",
                "end": "2026-03-20T17:00",
                "evidence": "2026年3月2日9:00至3月20日17:00。",
            }
        ],
        "session": ["2026"],
        "eligible": [
            {
                "from": None,
                "to": "2022",
                "condition": None,
                "evidence": "2022年度及以前取得计算机技术与软件专业技术资格（水平）证书的人员。",
            }
        ],
        "fees": [
            {
                "amount": 30,
                "currency": "CNY",
                "item": "登记费",
                "per": "人",
                "evidence": "登记费每人每次30元。",
            }
        ],
        "uncertain": [],
        "warnings": [],
        "warning_codes": [],
    }


def test_given_parameters_win() -> None:
    parsed = parse_notice(PLAIN, title="T", published=date(2026, 2, 1), region="national", is_html=False)
    assert (parsed.title, parsed.published, parsed.region) == ("T", date(2026, 2, 1), "national")


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于领取证书的通知 - 深圳市考试院</title>
<script>var nav = "报名时间2020年1月1日至1月2日";</script></head><body>
<nav><a href="/">首页</a> | <a href="/tz">通知公告</a></nav>
<div class="property"><span>发布时间：2024-02-20</span></div>
<div class="conTxt"><div id="fontzoom">
<p>一、领取时间</p><p>2024年3月1日至3月15日（工作日9:00-17:00）。</p>
<table><tr><th>项目</th><th>标准</th></tr><tr><td>邮寄费</td><td><p>20</p><p>元/件</p></td></tr></table>
</div></div><footer>版权所有</footer></body></html>"""


def test_html_to_text_keeps_paragraphs_and_rows_and_drops_chrome() -> None:
    assert (
        html_to_text(PAGE)
        == "一、领取时间\n2024年3月1日至3月15日（工作日9:00-17:00）。\n项目 | 标准\n邮寄费 | 20 元/件"
    )


def test_extract_title_prefers_heading_then_title_without_site_name() -> None:
    assert extract_title(PAGE) == "关于领取证书的通知"
    assert (
        extract_title("<html><body><h1>关于2024年上半年报名的通知</h1></body></html>")
        == "关于2024年上半年报名的通知"
    )
    assert extract_title("<p>no title</p>") is None


def test_parse_html_page() -> None:
    parsed = parse_notice(PAGE)
    assert parsed.kind == "certificate_collection"
    assert parsed.region == "深圳"
    assert parsed.published == date(2024, 2, 20)
    assert [(w.label, w.to_dict()["start"], w.to_dict()["end"]) for w in parsed.windows] == [
        ("领取", "2024-03-01", "2024-03-15")
    ]


def test_decode_html_order() -> None:
    text = "关于报名的通知"
    assert decode_html(text.encode("gbk"), "utf-8") == text  # declared utf-8, served GBK
    assert decode_html(text.encode("gb18030"), "gb2312") == text
    assert decode_html(b'<meta charset="gbk">' + text.encode("gbk")).endswith(text)
    assert decode_html(b"\xef\xbb\xbf" + text.encode("utf-8"), "gbk") == text  # BOM wins
    assert decode_html(text.encode("utf-8")) == text
    assert isinstance(decode_html(b"\xff\xfe\x00\x81\x30"), str)


def test_an_unexpected_error_becomes_a_warning(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("parsers.notice.split_sentences", broken)
    parsed = parse_notice(PLAIN, title="T", region="天津")
    assert (parsed.title, parsed.kind, parsed.region, parsed.windows) == ("T", "other", "天津", ())
    assert [(w.code, w.message) for w in parsed.warnings] == [
        (WarningCode.READER_FAILED, "parser error, nothing extracted: RuntimeError: boom")
    ]
    assert parsed.failed


def test_a_failing_reader_costs_only_its_field_and_is_reported(monkeypatch) -> None:
    def broken(self, sentences):
        raise KeyError("boom")

    monkeypatch.setattr("parsers.fees.FeeReader.read", broken)
    parsed = parse_notice(PLAIN)
    assert parsed.fees == ()
    assert [w.label for w in parsed.windows] == ["登记"] and parsed.eligible
    assert parsed.failed
    assert [(w.code, w.message) for w in parsed.warnings] == [
        (WarningCode.READER_FAILED, "fees reader failed: KeyError: 'boom'")
    ]
    assert parsed.to_dict()["warnings"] == ["fees reader failed: KeyError: 'boom'"]
    assert parsed.to_dict()["warning_codes"] == ["ReaderFailed"]


def test_warning_codes_run_beside_the_messages_and_tell_a_bug_from_a_cut_input(monkeypatch) -> None:
    """``warnings`` stays a list of messages (the JSON contract); ``warning_codes`` gives each one's
    code in the same order, so a program needs no message text to tell the cases apart."""
    long_text = PLAIN + "。" * 200_001
    cut = parse_notice(long_text).to_dict()
    assert len(cut["warning_codes"]) == len(cut["warnings"])
    assert "InputCut" in cut["warning_codes"] and "ReaderFailed" not in cut["warning_codes"]

    def broken(self, sentences):
        raise KeyError("boom")

    monkeypatch.setattr("parsers.fees.FeeReader.read", broken)
    failed = parse_notice(long_text).to_dict()
    pairs = list(zip(failed["warning_codes"], failed["warnings"], strict=True))
    assert ("ReaderFailed", "fees reader failed: KeyError: 'boom'") in pairs
    assert "InputCut" in failed["warning_codes"]
