"""Every corpus notice parses to its hand-written golden JSON.

Warnings are free text, so a golden warning is matched as the start of the actual
one (and their numbers must agree); every other field must be equal.
"""

from __future__ import annotations

import pytest

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
    assert actual == expected
    assert len(actual_warnings) == len(expected_warnings), actual_warnings
    for got, want in zip(actual_warnings, expected_warnings, strict=True):
        assert got.startswith(want), (got, want)
