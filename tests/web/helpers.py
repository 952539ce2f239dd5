"""Shared test helpers: what is stored, and a valid request body."""

from __future__ import annotations

from sqlalchemy import func, select

from store.models import Mail, Subscriber
from store.subscribers import find_subscriber


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
