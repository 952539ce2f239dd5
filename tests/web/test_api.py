"""The JSON API: 202 and one confirmation mail, the same answer for known addresses, clear 4xx, no 5xx."""

from __future__ import annotations

import asyncio
import socket
import threading
from datetime import date
from urllib.parse import urlsplit

import pytest

from store.subscribers import CertificateData, SubscriberData, upsert_subscriber
from testkit.asgi import serve_app
from tests.web.helpers import START, body, confirm_mails, subscriber, subscriber_count
from web.app import MAX_BODY_BYTES

API = "/api/subscriptions"


def test_subscribing_stores_a_pending_subscriber_and_queues_one_confirmation(client, sessions):
    r = client.post(API, json=body())
    assert r.status_code == 202
    assert r.json()["status"] == "accepted"
    s = subscriber(sessions, "li.lei@example.com")
    assert s.status == "pending" and s.confirmed_at is None
    assert [(r.province, r.city, r.region) for r in s.regions] == [("天津", "天津", "天津市红桥区")]
    assert [(c.qualification, c.level, c.obtained) for c in s.certificates] == [
        ("信息系统项目管理师", "高级", "2021下半年")
    ]
    assert confirm_mails(sessions) == 1


def test_an_exam_candidate_without_certificates_and_dates_as_json_strings_are_accepted(client, sessions):
    assert client.post(API, json=body(certificates=[])).status_code == 202
    assert subscriber(sessions, "li.lei@example.com").certificates == []
    dated = [
        {"qualification": "程序员", "level": "初级", "obtained": "2019", "last_registered": "2024-03-05"}
    ]
    assert client.post(API, json=body("han@example.com", certificates=dated)).status_code == 202
    [cert] = subscriber(sessions, "han@example.com").certificates
    assert cert.last_registered == date(2024, 3, 5)


def test_a_known_address_gets_the_same_answer_and_no_second_mail_within_the_cool_down(
    client, sessions, clock
):
    first = client.post(API, json=body())
    again = client.post(
        API,
        json=body(
            region="广东省深圳市",
            certificates=[{"qualification": "程序员", "level": "初级", "obtained": "2019"}],
        ),
    )
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    s = subscriber(sessions, "li.lei@example.com")
    assert s.region_names == ["天津市红桥区"] and len(s.certificates) == 1  # a stranger cannot change it
    assert confirm_mails(sessions) == 1
    clock.advance(hours=1, minutes=1)
    assert client.post(API, json=body()).status_code == 202
    assert confirm_mails(sessions) == 2


def test_addresses_are_one_subscriber_whatever_their_case_and_spaces(client, sessions):
    client.post(API, json=body("Li.Lei@Example.COM"))
    client.post(API, json=body(" li.lei@example.com "))
    assert subscriber_count(sessions) == 1


def test_the_caller_cannot_set_the_status(client, sessions):
    r = client.post(API, json=body(status="active", confirmed=True))
    assert r.status_code == 202
    assert subscriber(sessions, "li.lei@example.com").status == "pending"


def test_alert_kinds_and_delivery_are_taken(client, sessions):
    client.post(API, json=body(alerts=["registration", "reminders"], digest=False, reminder_days=7))
    s = subscriber(sessions, "li.lei@example.com")
    assert (s.alert_kinds, s.digest, s.reminder_days) == (["registration", "reminders"], False, 7)


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        (body("not-an-address"), 422, "邮箱地址无效"),
        (body("li@example.com\r\nBcc: victim@example.org"), 422, "邮箱地址无效"),
        (body("li@example.com\nBcc:x@evil.example"), 422, "邮箱地址无效"),
        (
            body(certificates=[{"qualification": "宇宙架构师", "level": "高级", "obtained": "2021"}]),
            422,
            "未知的资格名称",
        ),
        (body(certificates=[{"qualification": "程序员", "level": "高级", "obtained": "2021"}]), 422, "初级"),
        (
            body(certificates=[{"qualification": "程序员", "level": "初级", "obtained": "2026上半年"}]),
            422,
            "取得时间",
        ),
        (
            body(certificates=[{"qualification": "程序员", "level": "初级", "obtained": "2031"}]),
            422,
            "取得时间",
        ),
        (
            body(certificates=[{"qualification": "程序员", "level": "初级", "obtained": "去年"}]),
            422,
            "取得时间应为",
        ),
        (
            body(certificates=[{"qualification": "程序员", "obtained": "2019", "last_registered": 0}]),
            422,
            "last_registered",
        ),
        (
            body(certificates=[{"qualification": "程序员", "obtained": "2019", "last_registered": "昨天"}]),
            422,
            "last_registered",
        ),
        (body(region="火星市"), 422, "无法识别的地区"),
        (body(alerts=["everything"]), 422, "alerts"),
        (body(alerts=[]), 422, "alerts"),
        ({"region": "天津市红桥区"}, 422, "缺少该字段"),
        ([1, 2, 3], 422, "请求字段有误"),
    ],
)
def test_bad_requests_get_a_clear_4xx_and_store_nothing(client, sessions, payload, status, words):
    r = client.post(API, json=payload)
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]
    assert subscriber_count(sessions) == 0


CHUNK = 8192


def test_a_streamed_body_stops_being_read_at_the_cap(app, sessions):
    """No Content-Length: the app reads at most the cap (plus the chunk that crossed it), then answers 413."""
    pulled = []
    sent: list[dict] = []

    async def receive() -> dict:
        pulled.append(CHUNK)
        return {"type": "http.request", "body": b" " * CHUNK, "more_body": sum(pulled) < 10 * 1024 * 1024}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": API,
        "raw_path": API.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"transfer-encoding", b"chunked"),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert sum(pulled) <= MAX_BODY_BYTES + CHUNK
    assert subscriber_count(sessions) == 0


@pytest.mark.parametrize(
    ("path", "content_type"), [(API, "application/json"), ("/subscribe", "application/x-www-form-urlencoded")]
)
def test_a_chunked_request_to_the_served_app_is_refused_with_413(app, sessions, path, content_type):
    """A real chunked request over loopback to uvicorn, 80 KiB against the 64 KiB cap."""
    with serve_app(app) as base, socket.create_connection(urlsplit(base).netloc.split(":")) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        for _ in range(10):
            conn.sendall(f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n")
        conn.sendall(b"0\r\n\r\n")
        status = conn.makefile("rb").readline()
    assert status.split()[1] == b"413", status
    assert subscriber_count(sessions) == 0
    assert confirm_mails(sessions) == 0


def test_malformed_json_and_other_media_types_are_refused(client, sessions):
    r = client.post(API, content=b'{"email": "li@example.com",', headers={"content-type": "application/json"})
    assert (r.status_code, r.json()["detail"]) == (400, "请求体不是有效的 JSON")
    r = client.post(
        API, content=b"email=li@example.com", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 415 and "application/json" in r.json()["detail"]
    assert subscriber_count(sessions) == 0


def test_the_eleventh_request_from_one_ip_in_a_minute_gets_429(client, clock):
    for n in range(10):
        assert client.post(API, json=body(f"user{n}@example.com")).status_code == 202
    r = client.post(API, json=body("user10@example.com"))
    assert r.status_code == 429
    assert "请求过于频繁" in r.json()["detail"] and int(r.headers["retry-after"]) > 0
    clock.advance(seconds=61)
    assert client.post(API, json=body("user10@example.com")).status_code == 202


def test_one_address_is_limited_whatever_the_ip(client, app):
    for _ in range(3):
        assert client.post(API, json=body()).status_code == 202
    assert client.post(API, json=body()).status_code == 429
    assert client.post(API, json=body("other@example.com")).status_code == 202


def test_openapi_schema_describes_the_api(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/subscriptions"]["post"]
    assert set(operation["responses"]) >= {"202", "400", "413", "415", "422", "429"}
    assert "/subscribe" not in schema["paths"]  # pages are not API


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_two_requests_racing_for_one_new_address_store_it_once(sessions, database_url):
    """The second insert waits for the first (PostgreSQL), fails on the unique email, and carries on."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers from BEGIN IMMEDIATE: no race to lose")
    data = SubscriberData("race@example.com", (), (CertificateData("程序员", "初级", "2019"),)).validated(
        date(2026, 3, 2)
    )
    first = sessions()
    first.begin()
    assert upsert_subscriber(first, data, status="pending", now=START).created
    result: dict = {}

    def second() -> None:
        with sessions.begin() as s:
            result["created"] = upsert_subscriber(s, data, status="pending", now=START).created

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(1)  # blocked on the first transaction's row
    first.commit()
    first.close()
    thread.join(10)
    assert result == {"created": False}
    assert subscriber_count(sessions) == 1


def test_an_oversized_body_is_refused_before_it_is_read(client, sessions):
    huge = body(region="天" * 40_000)
    r = client.post(API, json=huge)
    assert r.status_code == 413 and r.json()["detail"] == "请求内容过大"
    r = client.post("/subscribe", data={"email": "x" * 70_000})
    assert r.status_code == 413 and "请求内容过大" in r.text
    assert subscriber_count(sessions) == 0
