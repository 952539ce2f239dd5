"""Claims on an outbox table (``Mail`` or ``Push``): which rows are due, claiming them, and giving back dead senders' claims.

A row is claimed (``sending``, a lease, the sender's id) and committed before anything is
delivered; ``store.outbox`` records what became of it. On PostgreSQL claims skip rows
another sender holds locked, so several senders share a table without taking a row twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.vocab import MailStatus


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def due(now: datetime, model):
    return or_(
        (model.status == MailStatus.PENDING) & (model.next_attempt_at <= now),
        (model.status == MailStatus.SENDING) & (model.lease_until < now),
    )


def claim_ids(
    session: Session,
    model,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    holder: int,
    row_id: int | None,
    where: tuple = (),
) -> list[int]:
    """Claim up to ``limit`` due rows of an outbox table (``Mail`` or ``Push``) for ``holder``; their ids.

    Due: pending and its next attempt has come, or ``sending`` with an expired lease;
    ``row_id`` names one row instead, if it is neither sent nor failed; ``where`` narrows
    further. Claimed rows are
    ``sending`` until ``now + lease``; rows another sender holds locked are skipped
    (PostgreSQL). The caller commits before it delivers anything.
    """
    if limit <= 0:
        return []
    query = select(model.id).where(*where).order_by(model.next_attempt_at, model.id).limit(limit)
    if row_id is None:
        query = query.where(due(now, model))
    else:
        query = query.where(
            model.id == row_id,
            or_(
                model.status == MailStatus.PENDING,
                (model.status == MailStatus.SENDING) & (model.lease_until < now),
            ),
        )
    if _is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(model)
            .where(model.id.in_(ids))
            .values(status=MailStatus.SENDING, lease_until=now + lease, claimed_by=holder)
        )
    return ids


def claim_holders(session: Session, model) -> list[int]:
    """The senders that hold claims right now (to be checked for life by ``store.locks.dead_holders``)."""
    query = (
        select(model.claimed_by)
        .where(model.status == MailStatus.SENDING, model.claimed_by.is_not(None))
        .distinct()
    )
    return list(session.scalars(query))


def release_claims(session: Session, holders: list[int], *, now: datetime, model) -> int:
    """Put the claims of ``holders`` (dead senders) back in the queue, due now; returns how many."""
    if not holders:
        return 0
    return session.execute(
        update(model)
        .where(model.status == MailStatus.SENDING, model.claimed_by.in_(holders))
        .values(status=MailStatus.PENDING, claimed_by=None, lease_until=None, next_attempt_at=now)
    ).rowcount
