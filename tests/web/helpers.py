"""Web test helpers: a movable clock, CSRF values, what is stored, and a valid request body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from store.models import Mail, Subscriber
from store.subscribers import find_subscriber
from web.security import CSRF_COOKIE, csrf_token

SECRET = "test-secret-not-for-production"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


class Clock:
    """A clock the test moves by hand (cool-downs, rate-limit windows, token expiry)."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def form_token(client: TestClient, action: str) -> str:
    """The CSRF field value a page rendered for ``client`` would carry for ``action``."""
    if CSRF_COOKIE not in client.cookies:
        client.get("/subscribe")
    return csrf_token(SECRET, client.cookies[CSRF_COOKIE], action)


def body(email: str = "li.lei@example.com", **changes) -> dict:
    data = {
        "email": email,
        "region": "天津市红桥区",
        "certificates": [{"qualification": "信息系统项目管理师", "level": "高级", "obtained": "2021下半年"}],
    }
    data.update(changes)
    return data


def subscriber(sessions, email: str) -> Subscriber | None:
    with sessions() as s:
        return find_subscriber(s, email)


def confirm_mails(sessions, email: str | None = None) -> int:
    query = select(func.count(Mail.id)).where(Mail.purpose == "confirm")
    if email:
        query = query.where(Mail.recipient == email)
    with sessions() as s:
        return s.scalar(query)


def subscriber_count(sessions) -> int:
    with sessions() as s:
        return s.scalar(select(func.count(Subscriber.id)))
