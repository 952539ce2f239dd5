"""Notices and their versions: recording fetches, and the reads the CLI, feeds and web use.

A fetch adds a version only when the cleaned text differs from the current version, so a
re-crawl of an unchanged site adds nothing, an amended notice (window extended, fee
corrected) keeps its history, and a notice that goes back to an earlier text (an amendment
withdrawn) is a change too. Recording is an upsert under a row lock, so two crawls that
overlap on one notice store it once instead of failing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.times import beijing_iso
from parsers.types import ParsedNotice
from store.db import dialect_insert
from store.models import Notice, NoticeEligibility, NoticeVersion, NoticeWindow

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FetchedNotice:
    """One detail page as the crawler saw it, parsed; the input of ``record_fetch``."""

    source_id: str
    url: str
    title: str
    published: date | None
    text: str
    parsed: ParsedNotice
    fetched_at: datetime
    attachments: list[dict] = field(default_factory=list)


def content_hash(title: str, text: str) -> str:
    """Hash of title and text with whitespace folded, so re-flowed markup is no change."""
    folded = _SPACE.sub(" ", f"{title}\n{text}").strip()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def record_fetch(session: Session, fetched: FetchedNotice) -> str:
    """Store a fetched notice; returns ``new``, ``changed`` or ``unchanged``.

    NUL characters are dropped first: PostgreSQL refuses them in text columns, and a
    hostile page must not be able to stop the crawl from storing the rest.
    """
    if "\x00" in fetched.title or "\x00" in fetched.text:
        fetched = replace(
            fetched, title=fetched.title.replace("\x00", ""), text=fetched.text.replace("\x00", "")
        )
    notice, created = _locked_notice(session, fetched)
    digest = content_hash(fetched.title, fetched.text)
    if created:
        outcome = "new"
    else:
        notice.last_seen_at = fetched.fetched_at
        notice.attachments = fetched.attachments
        current = notice.current_version
        if current is not None and current.content_hash == digest:
            return "unchanged"
        notice.title = fetched.title
        notice.published_date = fetched.published or notice.published_date
        outcome = "changed"
    version = _new_version(notice, fetched, digest)
    session.add(version)
    session.flush()
    notice.current_version_id = version.id
    return outcome


def _locked_notice(session: Session, fetched: FetchedNotice) -> tuple[Notice, bool]:
    """The notice row for ``fetched.url``, inserted if missing, locked until the transaction ends.

    INSERT … ON CONFLICT DO NOTHING, then SELECT … FOR UPDATE: a second crawl recording the
    same page waits for the first one's commit and then sees its version (PostgreSQL; SQLite
    serialises writers from BEGIN IMMEDIATE). Returns the notice and whether it was created.
    """
    inserted = session.execute(
        dialect_insert(session, Notice)
        .values(
            source_id=fetched.source_id,
            url=fetched.url,
            title=fetched.title,
            published_date=fetched.published,
            first_seen_at=fetched.fetched_at,
            last_seen_at=fetched.fetched_at,
            attachments=fetched.attachments,
        )
        .on_conflict_do_nothing(index_elements=["url"])
        .returning(Notice.id)
    ).scalar_one_or_none()
    query = select(Notice).where(Notice.url == fetched.url).with_for_update()
    notice = session.scalars(query.execution_options(populate_existing=True)).one()
    return notice, inserted is not None


def _new_version(notice: Notice, fetched: FetchedNotice, digest: str) -> NoticeVersion:
    parsed = fetched.parsed
    version = NoticeVersion(
        notice_id=notice.id,
        content_hash=digest,
        fetched_at=fetched.fetched_at,
        text=fetched.text,
        kind=parsed.kind,
        region=parsed.region,
        parsed=parsed.to_dict(),
    )
    for position, window in enumerate(parsed.windows):
        data = window.to_dict()
        version.windows.append(
            NoticeWindow(
                position=position,
                label=window.label,
                start_text=data["start"],
                end_text=data["end"],
                start_date=window.start_date,
                end_date=window.end_date,
            )
        )
    for position, rng in enumerate(parsed.eligible):
        low, high = rng.bounds()
        version.eligible.append(NoticeEligibility(position=position, low=low, high=high))
    return version


def known_urls(session: Session, urls: list[str]) -> set[str]:
    """Which of ``urls`` are already stored (the crawler stops paginating at a page of known ones)."""
    if not urls:
        return set()
    return set(session.scalars(select(Notice.url).where(Notice.url.in_(urls))))


def list_notices(session: Session, *, limit: int | None = None, source_id: str | None = None) -> list[Notice]:
    """Notices newest first (by published date, then first seen), with their current version loaded."""
    query = (
        select(Notice)
        .options(selectinload(Notice.current_version), selectinload(Notice.versions))
        .order_by(Notice.published_date.desc().nulls_last(), Notice.first_seen_at.desc(), Notice.id.desc())
    )
    if source_id:
        query = query.where(Notice.source_id == source_id)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def get_notice(session: Session, ref: str) -> Notice | None:
    """A notice by numeric id or by URL (an id too long for the column, or written in other
    digits such as ² or full-width ones that ``isdigit`` admits, is no notice of ours)."""
    query = select(Notice).options(selectinload(Notice.versions))
    if ref.isascii() and ref.isdigit():
        return session.scalars(query.where(Notice.id == int(ref))).one_or_none() if len(ref) <= 18 else None
    return session.scalars(query.where(Notice.url == ref)).one_or_none()


def notice_summary(notice: Notice) -> dict:
    """The JSON of ``notices list --json`` for one notice."""
    version = notice.current_version
    parsed = version.parsed if version else {}
    return {
        "id": notice.id,
        "url": notice.url,
        "title": notice.title,
        "published": notice.published_date.isoformat() if notice.published_date else None,
        "source": notice.source_id,
        "kind": version.kind if version else None,
        "region": version.region if version else None,
        "versions": len(notice.versions),
        "windows": parsed.get("windows", []),
        "session": parsed.get("session", []),
        "eligible": parsed.get("eligible", []),
        "fees": parsed.get("fees", []),
        "uncertain": parsed.get("uncertain", []),
        "warnings": parsed.get("warnings", []),
        "warning_codes": parsed.get("warning_codes", []),
        "first_seen": beijing_iso(notice.first_seen_at),
        "last_seen": beijing_iso(notice.last_seen_at),
        "attachments": notice.attachments,
    }
