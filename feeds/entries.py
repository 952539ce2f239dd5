"""Feed entries: the plain data every feed and calendar is rendered from, built from stored notices.

A ``FeedEntry`` is made once per notice from its current version (and the one before,
to say what an amendment changed), already cleaned, so that the renderers only format
and never decide. Its id derives from the notice URL alone: a re-crawl, an amendment or
a rebuilt database keep it, and readers do not show the notice twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from core.places import region_label
from core.vocab import NoticeKind
from core.windows import Window
from core.wording import describe_changes, eligible_line, fee_line, window_line
from feeds.text import link_host, official_link, safe_line, safe_text
from store.models import Notice

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The "last updated" of a feed with no entries: fixed, so an empty feed is byte-stable too.
EPOCH = datetime(2000, 1, 1, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class FeedEntry:
    """One notice as every output shows it; all strings are already clean text."""

    id: str
    title: str
    link: str | None
    published: datetime
    updated: datetime
    kind: str
    region: str
    summary: str
    windows: tuple[Window, ...]
    revision: int  # 0 for the first version; the calendar's SEQUENCE

    @property
    def kind_label(self) -> str:
        return NoticeKind(self.kind).label

    @property
    def region_label(self) -> str:
        return region_label(self.region)


@dataclass(frozen=True)
class FeedMeta:
    """What a whole feed says about itself; ``updated`` comes from the data, never the clock."""

    title: str
    description: str
    self_url: str
    home_url: str
    updated: datetime


def latest_update(entries: list[FeedEntry]) -> datetime:
    return max((e.updated for e in entries), default=EPOCH)


def change_lines(previous: dict, current: dict) -> list[str]:
    """What an amendment changed, for readers who keep the entry under its id; never empty."""
    lines = [safe_line(line) for line in describe_changes(previous, current)]
    return lines or ["通知正文有修改，办理时间、费用和适用证书未变"]


def compose_summary(parsed: dict, *, changes: list[str], attachments: list[str]) -> str:
    """The Chinese plain-text summary: changes, windows, eligible certificates, fees, evidence."""
    lines = []
    if changes:
        lines.append("【通知已更新】")
        lines += [f"· {c}" for c in changes]
    windows = parsed.get("windows", [])
    lines += [safe_line(window_line(w)) for w in windows]
    eligible = [safe_line(eligible_line(r)) for r in parsed.get("eligible", [])]
    if eligible:
        lines.append(f"适用：{'、'.join(eligible)}")
    fees = [safe_line(fee_line(f)) for f in parsed.get("fees", [])]
    if fees:
        lines.append(f"费用：{'；'.join(fees)}")
    evidence = []
    for item in (*windows, *parsed.get("eligible", []), *parsed.get("fees", [])):
        sentence = safe_line(item.get("evidence"))
        if sentence and sentence not in evidence:
            evidence.append(sentence)
    if evidence:
        lines.append("原文依据：")
        lines += [f"「{s}」" for s in evidence]
    lines += [f"附件：{a}" for a in attachments]
    if not (windows or eligible or fees):
        lines.append("未能从通知中读出办理时间或费用，请以官方原文为准。")
    return safe_text("\n".join(lines))


def _local(moment: datetime) -> datetime:
    """Aware Asia/Shanghai time; a naive stored time is UTC (SQLite keeps no offset)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(SHANGHAI)


def _attachments(notice: Notice, host: str | None) -> list[str]:
    out = []
    for item in notice.attachments or []:
        url = official_link(item.get("url"), host=host) if isinstance(item, dict) and host else None
        if url:
            name = safe_line(item.get("name") or item.get("title") or "", limit=80)
            out.append(f"{name} {url}" if name else url)
    return out


def entry_from_notice(notice: Notice) -> FeedEntry | None:
    """The entry of a notice with a current version (None without one); needs ``versions`` loaded."""
    version = notice.current_version
    if version is None:
        return None
    earlier = [v for v in notice.versions if v.id < version.id]
    previous = max(earlier, key=lambda v: v.id) if earlier else None
    parsed = version.parsed or {}
    link = official_link(notice.url)
    entry_id = uuid.uuid5(uuid.NAMESPACE_URL, notice.url)
    seen_at = _local(notice.first_seen_at)
    published = (
        datetime.combine(notice.published_date, time(), SHANGHAI) if notice.published_date else seen_at
    )
    updated = max(published, _local(version.fetched_at) if previous else seen_at)
    windows = [
        Window(safe_line(w.label, limit=40), w.start, w.end, safe_line(w.evidence))
        for w in map(Window.from_dict, parsed.get("windows", []))
    ]
    return FeedEntry(
        id=f"urn:uuid:{entry_id}",
        title=safe_line(notice.title) or "（无标题通知）",
        link=link,
        published=published,
        updated=updated,
        kind=version.kind if version.kind in NoticeKind.values() else NoticeKind.OTHER,
        region=safe_line(version.region, limit=32),
        summary=compose_summary(
            parsed,
            changes=change_lines(previous.parsed or {}, parsed) if previous else [],
            attachments=_attachments(notice, link_host(link)),
        ),
        windows=tuple(windows),
        revision=len(earlier),
    )


def entries_from_notices(notices: list[Notice]) -> list[FeedEntry]:
    """Entries in the notices' order (the store gives newest first), skipping notices never parsed."""
    return [e for e in map(entry_from_notice, notices) if e is not None]
