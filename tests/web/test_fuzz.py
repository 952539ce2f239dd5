"""Hypothesis against the API and the subscribe form: whatever arrives, the answer is never a 5xx.

Bodies range from arbitrary JSON through near-valid subscriptions with hostile strings
(control characters, CRLF, huge or empty values, unknown fields) to raw bytes; a 202 must
always leave a *pending* subscriber behind, and a 4xx must say why in a ``detail``.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.qualifications import QUALIFICATIONS
from core.vocab import Topic
from tests.web.helpers import form_token, subscriber
from web.security import CSRF_FIELD, SlidingWindowLimiter

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

nasty_text = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        ["", " ", "\r\n", "\x00", "a@b.c\r\nBcc: x@evil.example", "=?UTF-8?Q?=0A?=Bcc:", "🙂" * 50]
    ),
)
emails = st.one_of(
    st.emails().map(str),
    st.builds(lambda a, b: f"{a}@{b}", st.text(max_size=20), st.text(max_size=20)),
    nasty_text,
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
certificates = st.fixed_dictionaries(
    {
        "qualification": st.one_of(st.sampled_from(sorted(QUALIFICATIONS)), nasty_text),
        "level": st.one_of(st.sampled_from(["初级", "中级", "高级", ""]), nasty_text),
        "obtained": st.one_of(
            st.builds(
                lambda y, h: f"{y}{h}", st.integers(1900, 2100), st.sampled_from(["", "上半年", "下半年"])
            ),
            nasty_text,
        ),
    },
    optional={"last_registered": st.one_of(st.dates().map(str), nasty_text, st.none()), "extra": json_values},
)
subscriptions = st.fixed_dictionaries(
    {"email": emails, "certificates": st.lists(certificates, max_size=12)},
    optional={
        "region": st.one_of(st.sampled_from(["天津市红桥区", "广东省深圳市", "national", ""]), nasty_text),
        "regions": st.one_of(
            st.lists(
                st.one_of(st.sampled_from(["天津市红桥区", "北京市", "national", ""]), nasty_text), max_size=7
            ),
            json_values,
        ),
        "alerts": st.one_of(st.lists(st.sampled_from(Topic.values()), max_size=6), json_values),
        "digest": json_values,
        "reminder_days": st.one_of(st.integers(-1000, 1000), json_values),
        "status": st.sampled_from(["active", "unsubscribed"]),
    },
)


@pytest.fixture
def fuzz_client(app, client):
    app.state.ip_limiter = SlidingWindowLimiter(10**9, 60)
    app.state.address_limiter = SlidingWindowLimiter(10**9, 60)
    return client


@FUZZ
@given(payload=st.one_of(subscriptions, json_values))
def test_the_api_never_answers_5xx(fuzz_client, sessions, payload):
    r = fuzz_client.post("/api/subscriptions", json=payload)
    assert r.status_code < 500, r.text
    if r.status_code == 202:
        assert subscriber(sessions, payload["email"].strip()).status in ("pending", "active")
        assert (
            subscriber(sessions, payload["email"].strip()).status != "active" or payload.get("status") is None
        )
    else:
        assert isinstance(r.json()["detail"], str) and r.json()["detail"]


@FUZZ
@given(raw=st.binary(max_size=200), media_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_raw_bodies_never_get_5xx(fuzz_client, raw, media_type):
    r = fuzz_client.post("/api/subscriptions", content=raw, headers={"content-type": media_type})
    assert 400 <= r.status_code < 500


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(
            ["email", "region-0-province", "region-0-city", "region-0-district", "cert-0-qualification", "cert-0-level", "cert-0-year",
             "cert-0-half", "cert-0-last_registered", "cert-3-year", "alerts", "reminder_days", "delivery",
             "add_certificate", "website", "region-1-province", "region-1-district", "region-4-city",
             "region-0-remove", "add_region"]
        ),
        nasty_text,
    )
)  # fmt: skip
def test_the_subscribe_form_never_answers_5xx(fuzz_client, fields):
    r = fuzz_client.post("/subscribe", data={**fields, CSRF_FIELD: form_token(fuzz_client, "/subscribe")})
    assert r.status_code in (200, 422), r.text
    json.dumps(r.text)  # a page came back
