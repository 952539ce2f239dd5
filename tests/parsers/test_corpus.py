"""Every corpus notice parses to its hand-written golden JSON.

Warnings are free text, so a golden warning is matched as the start of the actual
one (and their numbers must agree); every other field must be equal.
"""

from __future__ import annotations

from html import escape

import pytest

from parsers import parse_notice
from parsers.types import WarningCode
from tests.parsers.corpus_cases import load_cases

CASES = load_cases()


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40
    kinds = {case.golden["kind"] for case in CASES}
    assert kinds == {
        "registration",
        "late_registration",
        "exam_signup",
        "certificate_collection",
        "results",
        "other",
    }


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_case(case) -> None:
    actual = case.parse()
    expected = dict(case.golden)
    expected_warnings = expected.pop("warnings")
    actual_warnings = actual.pop("warnings")
    codes = actual.pop("warning_codes")
    assert actual == expected
    assert len(codes) == len(actual_warnings) and set(codes) <= {code.value for code in WarningCode}
    assert len(actual_warnings) == len(expected_warnings), actual_warnings
    for got, want in zip(actual_warnings, expected_warnings, strict=True):
        assert got.startswith(want), (got, want)


TEXT_CASES = [case for case in CASES if case.path.suffix == ".txt"]


@pytest.mark.parametrize("case", TEXT_CASES, ids=[case.name for case in TEXT_CASES])
def test_text_notice_reads_the_same_as_a_page(case) -> None:
    """The HTML path (a page with the notice's lines as paragraphs) agrees with the text path."""
    lines = case.path.read_text(encoding="utf-8").splitlines()
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    page = (
        '<html><head><meta charset="utf-8"></head><body><div class="nav"><a href="/">首页</a></div>'
        f'<h1>{escape(lines[0])}</h1><div id="contentTxt">{body}</div><div class="footer">版权所有</div></body></html>'
    )
    as_page = parse_notice(page, published=case.published, region=case.region).to_dict()
    assert as_page == case.parse()
