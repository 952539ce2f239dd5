"""The defences on their own: token redaction in access logs, the sliding window, CSRF values."""

from __future__ import annotations

import logging

from web.security import RedactTokensFilter, SlidingWindowLimiter, csrf_ok, csrf_token, redact_path


def test_every_kind_of_link_token_is_redacted():
    assert redact_path("/confirm/Y29uZmlybS4xLjEuMjA.q3Jk-_x") == "/confirm/***"
    assert redact_path("/manage/bWFu.YWdl/export") == "/manage/***/export"
    assert redact_path("/unsubscribe/dW5z.dWI?x=1") == "/unsubscribe/***?x=1"
    assert redact_path("/feeds/private/12.1.abcDEF_-.xml") == "/feeds/private/***.xml"
    assert redact_path("/calendar/private/12.1.abcDEF_-.ics") == "/calendar/private/***.ics"
    assert redact_path("/feeds/rss.xml") == "/feeds/rss.xml"


def test_the_filter_rewrites_uvicorn_access_records():
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", "/unsubscribe/c2VjcmV0.bWFj", "1.1", 200), None,
    )  # fmt: skip
    assert RedactTokensFilter().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "POST /unsubscribe/*** HTTP/1.1" 200'


def test_the_sliding_window_allows_the_limit_then_says_how_long_to_wait():
    limiter = SlidingWindowLimiter(limit=2, window=60)
    assert limiter.hit("k", 0) is None and limiter.hit("k", 10) is None
    assert limiter.hit("k", 20) == 40
    assert limiter.hit("k", 61) is None  # the first hit left the window
    assert limiter.hit("other", 20) is None


def test_the_limiter_forgets_keys_rather_than_grow_without_bound():
    limiter = SlidingWindowLimiter(limit=1, window=60, max_keys=10)
    for n in range(100):
        limiter.hit(f"ip{n}", float(n))
    assert len(limiter._hits) <= 10


def test_a_csrf_value_is_bound_to_the_cookie_and_the_form():
    value = csrf_token("s", "cookie", "/subscribe")
    assert csrf_ok("s", "cookie", "/subscribe", value)
    assert not csrf_ok("s", "other cookie", "/subscribe", value)
    assert not csrf_ok("s", "cookie", "/manage/x/delete", value)
    assert not csrf_ok("s", None, "/subscribe", value)
