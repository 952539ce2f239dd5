"""Run records and the status report: what each cycle did, each source's health, the outbox and subscribers."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.text import mask_addresses
from core.times import beijing_iso
from core.vocab import MailStatus, SubscriberStatus
from store.models import Mail, Run, SourceState
from store.push_outbox import push_status
from store.subscribers import count_by_status


def start_run(session: Session, command: str, now: datetime) -> Run:
    run = Run(command=command, started_at=now, status="running", counts={}, errors=[])
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session, run_id: int, *, status: str, counts: dict, errors: list[str], now: datetime
) -> None:
    run = session.get(Run, run_id)
    if run is None:
        raise LookupError(f"run {run_id} vanished")
    run.status = status
    run.counts = counts
    run.errors = errors
    run.finished_at = now


def status_report(session: Session, *, runs: int = 5) -> dict:
    """Everything ``ruankao-watch status`` shows, as plain data."""
    last_runs = session.scalars(select(Run).order_by(Run.id.desc()).limit(runs)).all()
    sources = session.scalars(select(SourceState).order_by(SourceState.source_id)).all()
    outbox = dict(session.execute(select(Mail.status, func.count()).group_by(Mail.status)).all())
    subscribers = count_by_status(session)
    waiting, _ = waiting_for_retry(session)
    push = push_status(session)
    for channel in push["channels"]:
        channel["failing_since"] = beijing_iso(channel["failing_since"])
        channel["last_success_at"] = beijing_iso(channel["last_success_at"])
    return {
        "runs": [
            {
                "id": r.id,
                "command": r.command,
                "started_at": beijing_iso(r.started_at),
                "finished_at": beijing_iso(r.finished_at),
                "status": r.status,
                "counts": r.counts,
                "errors": [mask_addresses(str(e)) for e in r.errors or []],
            }
            for r in last_runs
        ],
        "sources": [
            {
                "source": s.source_id,
                "healthy": s.healthy,
                "last_crawl_at": beijing_iso(s.last_crawl_at),
                "last_success_at": beijing_iso(s.last_success_at),
                "last_item_count": s.last_item_count,
                "problems": s.problems,
                "failing_since": beijing_iso(s.failing_since),
            }
            for s in sources
        ],
        "outbox": {k: outbox.get(k, 0) for k in MailStatus},
        "outbox_waiting_for_retry": waiting,
        "outbox_reasons": outbox_reasons(session),
        "subscribers": {k: subscribers.get(k, 0) for k in SubscriberStatus},
        "push": push,
    }


def outbox_reasons(session: Session, *, limit: int = 50) -> list[dict]:
    """Why mail waits for a retry or failed: ``{"status", "reason", "count"}``, the commonest first.

    Addresses in the servers' answers are masked (``***@example.com``), which also makes
    one refusal given to many people one reason. Mail that went, or was never tried, has none.
    """
    rows = session.execute(
        select(Mail.status, Mail.last_error, func.count())
        .where(
            Mail.status.in_((MailStatus.PENDING, MailStatus.FAILED)),
            Mail.last_error.is_not(None),
            Mail.last_error != "",
        )
        .group_by(Mail.status, Mail.last_error)
    )
    counts: Counter[tuple[str, str]] = Counter()
    for status, error, count in rows:
        counts[status, mask_addresses(error)] += count
    return [
        {"status": status, "reason": reason, "count": count}
        for (status, reason), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    ]


def waiting_for_retry(session: Session) -> tuple[int, str | None]:
    """Mails that failed to go and wait for a retry, and the latest reason, so a run can say the relay is down.

    A run whose send step had nothing due (the retries are backed off) would otherwise end
    well while mail is stuck.
    """
    waiting = select(Mail).where(Mail.status == MailStatus.PENDING, Mail.attempts > 0)
    count = session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    latest = session.scalars(waiting.order_by(Mail.id.desc()).limit(1)).first()
    return count, mask_addresses(latest.last_error or "") if latest else None
