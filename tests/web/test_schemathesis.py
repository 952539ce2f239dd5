"""Schemathesis against the served OpenAPI schema: every operation, generated requests, no 5xx.

The subscription API and the health check must also keep to what the schema says
(status codes, content types, bodies, ``Allow`` on 405). Skips with the reason when
schemathesis is not installed.
"""

from __future__ import annotations

import pytest

from web.security import SlidingWindowLimiter

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is not installed (pip install schemathesis)"
)
openapi_checks = pytest.importorskip("schemathesis.specs.openapi.checks")


@pytest.fixture
def api_schema(app):
    app.state.ip_limiter = SlidingWindowLimiter(10**9, 60)
    app.state.address_limiter = SlidingWindowLimiter(10**9, 60)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_no_operation_answers_5xx(case):
    case.call_and_validate(checks=[schemathesis.checks.not_a_server_error])


@schema.include(path_regex="^/(api/|healthz)").parametrize()
def test_the_api_keeps_to_its_schema(case):
    # A schema cannot say which regions exist or which sessions were already held, so a
    # schema-valid body may still get 422: that one check does not apply.
    case.call_and_validate(excluded_checks=[openapi_checks.positive_data_acceptance])
