"""Ways of naming a period's action that a variant run over the tuned notices showed to be fragile.

``bench/parse_variants.py`` re-reads every tuned notice with one wording changed throughout; each
difference that was a rule depending on the wording became a case here, the shortest text of our own
that needs it (none is copied from a notice).
"""

from __future__ import annotations

import pytest

from tests.parsers.test_pieces import spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A label after the range, with the end's time repeated in brackets after it.
        (
            "2024年8月20日-9月6日进行缴费(截止6日23:59)。",
            [("缴费", "2024-08-20", "2024-09-06T23:59")],
        ),
        (
            "缴费时间:2024年8月20日-9月6日(截止6日23:59)。",
            [("缴费", "2024-08-20", "2024-09-06T23:59")],
        ),
        # A heading on its own line over a range whose bracket names the next date's action.
        (
            "报名时间\n2024年9月1日9点至2024年9月6日17点(缴费截止日期至9月7日17点)。",
            [("报名", "2024-09-01T09:00", "2024-09-06T17:00"), ("缴费", None, "2024-09-07T17:00")],
        ),
        # The date is said to be the label's time: the label stays the date's.
        (
            "2024年9月1日至9月6日为报名时间\n2024年9月1日至9月7日为缴费时间",
            [("报名", "2024-09-01", "2024-09-06"), ("缴费", "2024-09-01", "2024-09-07")],
        ),
    ],
)
def test_label_placement(text: str, expected: list) -> None:
    assert sorted(spans(text), key=str) == sorted(expected, key=str)
