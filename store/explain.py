"""What each subscriber was told: their alerts with the notice they are about, for the demo's report."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Alert, Notice, Subscriber


def alerts_by_subscriber(session: Session) -> dict[str, list[tuple[str, str]]]:
    """``{email: [(alert kind, notice title or ""), …]}`` for every subscriber, in queueing order."""
    rows = session.execute(
        select(Subscriber.email, Alert.kind, Notice.title)
        .join(Alert, Alert.subscriber_id == Subscriber.id, isouter=True)
        .join(Notice, Notice.id == Alert.notice_id, isouter=True)
        .order_by(Subscriber.id, Alert.id)
    )
    told: dict[str, list[tuple[str, str]]] = {}
    for email, kind, title in rows:
        mine = told.setdefault(email, [])  # a subscriber with no alert is listed too
        if kind is not None:
            mine.append((kind, title or ""))
    return dict(told)
