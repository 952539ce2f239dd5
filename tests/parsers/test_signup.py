"""parsers.signup: the sign-up table's cells → windows, strictly."""

from __future__ import annotations

from datetime import datetime

import pytest

from parsers.signup import (
    SignupRow,
    SignupRowError,
    parse_session,
    parse_signup_row,
    parse_window,
    row_key,
)


@pytest.mark.parametrize(
    ("text", "session"),
    [
        ("2026年上半年软考", "2026上半年"),
        ("2026年下半年软考", "2026下半年"),
        ("２０２６年 上半年 软考", "2026上半年"),
        ("2026年软考", "2026"),
        ("软考", None),
        (None, None),
    ],
)
def test_session_from_the_selected_option(text, session):
    assert parse_session(text) == session


def test_a_window_with_times():
    window = parse_window("报名", "2026-03-10 09:00 ~ 2026-03-20 17:00")
    assert (window.start, window.end) == (datetime(2026, 3, 10, 9, 0), datetime(2026, 3, 20, 17, 0))


def test_a_full_width_tilde_separates_too():
    window = parse_window("报名", "2026-03-10 09:00 ～ 2026-03-20 17:00")
    assert window.end == datetime(2026, 3, 20, 17, 0)


def test_an_open_end_is_kept_open():
    window = parse_window("缴费", "2026-03-10 09:00 ~")
    assert (window.start, window.end) == (datetime(2026, 3, 10, 9, 0), None)


@pytest.mark.parametrize("cell", ["~", "未定", "待定", "", " ~ ", "～"])
def test_placeholders_are_no_window(cell):
    assert parse_window("报名", cell) is None


@pytest.mark.parametrize(
    "cell", ["请关注当地通知", "2026-13-40 09:00 ~ 2026-03-20 17:00", "2026-03-20 ~ 2026-03-10"]
)
def test_other_text_is_refused_not_guessed(cell):
    with pytest.raises(SignupRowError):
        parse_window("报名", cell)


def test_a_row_without_two_cells_is_refused():
    with pytest.raises(SignupRowError, match="1 window cell"):
        parse_signup_row(SignupRow("天津", ("2026-03-10 09:00 ~ 2026-03-20 17:00",)), "2026上半年")


def test_a_row_of_an_unknown_institution_is_refused():
    with pytest.raises(SignupRowError, match="unknown institution"):
        parse_signup_row(SignupRow("火星", ("~", "~")), "2026上半年")


def test_a_row_without_a_session_warns():
    parsed = parse_signup_row(SignupRow("天津", ("~", "~")), None)
    assert [str(w) for w in parsed.warnings] == ["the sign-up table named no selected session"]


def test_a_row_without_a_session_is_uncertain_about_it():
    parsed = parse_signup_row(SignupRow("天津", ("~", "~")), None)
    assert [u.field for u in parsed.uncertain] == ["session"]


def test_the_row_key_ignores_the_page_fragment_and_names_session_and_institution():
    assert row_key("http://x/sign/welcome#top", "2026上半年", "大连") == row_key(
        "http://x/sign/welcome", "2026上半年", "大连"
    )
    assert row_key("http://x/sign/welcome", "2026上半年", "大连") != row_key(
        "http://x/sign/welcome", "2026下半年", "大连"
    )
