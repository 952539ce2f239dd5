"""Exam candidates at every door: no certificate, the exams they follow, sign-up and results notices.

The form and the manage page offer the last exam held (for its results) and the next three;
the API takes ``exam_sessions``; ``subscribers add`` needs no ``--cert``. SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
import subprocess

from tests.conftest import PYTHON
from tests.web.helpers import body, subscriber
from tests.web.test_pages import EMAIL, form, url

API = "/api/subscriptions"
NO_CERTIFICATE = {"cert-0-qualification": "", "cert-0-year": "", "cert-0-half": ""}


def test_the_form_offers_recent_exams_and_results_notices(client):
    page = client.get("/subscribe").text  # the test clock's today is 2026-03-02
    offered = re.findall(r'name="exam_sessions" value="([^"]+)"', page)
    assert offered == ["2025下半年", "2026上半年", "2026下半年", "2027上半年"]
    assert '<label for="exam-session-3">2026年下半年</label>' in page
    assert 'value="results"' in page and "成绩公布" in page


def test_a_candidate_subscribes_to_signup_and_results_of_the_exam_they_sit(client, sessions):
    fields = {**NO_CERTIFICATE, "alerts": ["exam_signup", "results"], "exam_sessions": ["2026下半年"]}
    r = client.post("/subscribe", data=form(client, **fields))
    assert r.status_code == 200 and "请查收确认邮件" in r.text
    stored = subscriber(sessions, EMAIL)
    assert stored.certificates == [] and stored.region_names == ["天津市红桥区"]
    assert (stored.alert_kinds, stored.exam_sessions) == (["exam_signup", "results"], [20262])


def test_an_exam_not_on_offer_is_an_error_beside_its_field(client, sessions):
    r = client.post("/subscribe", data=form(client, **NO_CERTIFICATE, exam_sessions=["2031上半年"]))
    assert r.status_code == 422
    message = re.search(r'<p class="field-error" id="exam_sessions-error">([^<]*)</p>', r.text)
    assert message and "考试场次" in message.group(1) and "2031上半年" in message.group(1)
    assert 'id="exam_sessions" aria-describedby="exam_sessions-error"' in r.text
    assert 'href="#exam_sessions"' in r.text
    assert subscriber(sessions, EMAIL) is None


def test_the_manage_page_shows_and_edits_the_exams(client, sessions, config):
    fields = {**NO_CERTIFICATE, "alerts": ["exam_signup"], "exam_sessions": ["2026上半年"]}
    assert client.post("/subscribe", data=form(client, **fields)).status_code == 200
    manage = url(sessions, config, "manage")
    page = client.get(manage).text
    assert 'name="exam_sessions" value="2026上半年" checked' in page
    assert 'name="exam_sessions" value="2026下半年">' in page
    edited = {
        **NO_CERTIFICATE,
        "alerts": ["exam_signup", "results"],
        "exam_sessions": ["2026上半年", "2026下半年"],
    }
    r = client.post(manage, data=form(client, manage, **edited))
    assert r.status_code == 200 and "已保存" in r.text
    assert subscriber(sessions, EMAIL).exam_sessions == [20261, 20262]
    exported = json.loads(client.get(manage + "/export").content)
    assert exported["exam_sessions"] == ["2026上半年", "2026下半年"] and exported["certificates"] == []


def test_the_api_takes_exam_sessions_without_certificates(client, sessions):
    candidate = body(certificates=[], alerts=["exam_signup", "results"], exam_sessions=["2026下半年"])
    assert client.post(API, json=candidate).status_code == 202
    stored = subscriber(sessions, "li.lei@example.com")
    assert (stored.certificates, stored.exam_sessions) == ([], [20262])
    for bad in (["2026"], ["下半年"], ["2031上半年"]):
        r = client.post(API, json=body("han@example.com", certificates=[], exam_sessions=bad))
        assert r.status_code == 422 and "考试场次" in r.json()["detail"], r.text
    assert subscriber(sessions, "han@example.com") is None
    schema = client.get("/openapi.json").json()["components"]["schemas"]["SubscriptionIn"]
    assert schema["properties"]["exam_sessions"]["items"]["pattern"] == "^[0-9]{4}(上半年|下半年)$"


def test_subscribers_add_takes_a_candidate_without_a_certificate(cli_env, database_url):
    env = {**cli_env, "RUANKAO_WATCH_DATABASE_URL": database_url, "RUANKAO_WATCH_SECRET": "s" * 32}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "-m", "app", *args], env=env, capture_output=True, text=True, timeout=300
        )

    added = cli(
        "subscribers", "add", "candidate@example.com", "--region", "天津", "--confirmed",
        "--alerts", "exam_signup", "results", "--sessions", "2026下半年",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    [row] = json.loads(cli("subscribers", "list", "--json").stdout)
    assert (row["certificates"], row["alert_kinds"], row["exam_sessions"]) == (
        [], ["exam_signup", "results"], ["2026下半年"],
    )  # fmt: skip
    bad = cli("subscribers", "add", "other@example.com", "--sessions", "明年")
    assert bad.returncode == 2 and "--sessions: 考试场次" in bad.stderr
