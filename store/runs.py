"""Run records and the status report: what each cycle did, each source's health, the outbox and subscribers."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Mail, Run, SourceState
from store.push_outbox import push_status
from store.subscribers import count_by_status

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local(moment: datetime | None) -> str | None:
    """Beijing time with its offset: operators compare it with the sites' notice times.

    The store writes UTC; SQLite hands datetimes back without a zone, so UTC is assumed.
    """
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(SHANGHAI).isoformat(timespec="seconds")


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
    push = push_status(session)
    for channel in push["channels"]:
        channel["failing_since"] = _local(channel["failing_since"])
        channel["last_success_at"] = _local(channel["last_success_at"])
    return {
        "runs": [
            {
                "id": r.id,
                "command": r.command,
                "started_at": _local(r.started_at),
                "finished_at": _local(r.finished_at),
                "status": r.status,
                "counts": r.counts,
                "errors": r.errors,
            }
            for r in last_runs
        ],
        "sources": [
            {
                "source": s.source_id,
                "healthy": s.healthy,
                "last_crawl_at": _local(s.last_crawl_at),
                "last_success_at": _local(s.last_success_at),
                "last_item_count": s.last_item_count,
                "problems": s.problems,
                "failing_since": _local(s.failing_since),
            }
            for s in sources
        ],
        "outbox": {k: outbox.get(k, 0) for k in ("pending", "sending", "sent", "failed")},
        "subscribers": {k: subscribers.get(k, 0) for k in ("pending", "active", "unsubscribed", "bouncing")},
        "push": push,
    }


def waiting_for_retry(session: Session) -> tuple[int, str | None]:
    """Mails that failed to go and wait for a retry, and the latest reason, so a run can say the relay is down.

    A run whose send step had nothing due (the retries are backed off) would otherwise end
    well while mail is stuck.
    """
    waiting = select(Mail).where(Mail.status == "pending", Mail.attempts > 0)
    count = session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    latest = session.scalars(waiting.order_by(Mail.id.desc()).limit(1)).first()
    return count, latest.last_error if latest else None
