"""Feed entries: the plain data every feed and calendar is rendered from, built from stored notices.

A ``FeedEntry`` is made once per notice from its current version (and the one before,
to say what an amendment changed), already cleaned, so that the renderers only format
and never decide. Its id derives from the notice URL alone: a re-crawl, an amendment or
a rebuilt database keep it, and readers do not show the notice twice (RELIABILITY G4).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from feeds.text import link_host, official_link, safe_line, safe_text
from store.models import Notice

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The "last updated" of a feed with no entries: fixed, so an empty feed is byte-stable too.
EPOCH = datetime(2000, 1, 1, tzinfo=SHANGHAI)

KIND_LABELS = {
    "registration": "登记",
    "late_registration": "补登记",
    "exam_signup": "考试报名",
    "certificate_collection": "证书领取",
    "results": "成绩公布",
    "other": "其他",
}


def region_label(region: str) -> str:
    return "全国" if region == "national" else region


@dataclass(frozen=True)
class EntryWindow:
    """One action window; ``start``/``end`` are naive Asia/Shanghai times, or dates when no time was given."""

    uid: str
    label: str
    start: date | datetime | None
    end: date | datetime | None


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
    windows: tuple[EntryWindow, ...]
    revision: int  # 0 for the first version; the calendar's SEQUENCE

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

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


def _moment(text: str | None) -> date | datetime | None:
    """A stored window bound (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``); None when absent or unreadable."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return None


def _show_moment(value: date | datetime | None) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if value else ""


def _show_span(window: dict) -> str:
    start, end = _show_moment(_moment(window.get("start"))), _show_moment(_moment(window.get("end")))
    if start and end:
        return f"{start} 至 {end}"
    if end:
        return f"截至 {end}"
    return f"{start} 起" if start else "时间待定"


def _show_bound(value: str | None) -> str:
    value = safe_line(value, limit=16)
    return f"{value}年" if value.isdigit() else value


def _show_eligible(rng: dict) -> str:
    low, high = _show_bound(rng.get("from")), _show_bound(rng.get("to"))
    if low and high:
        return f"{low}取得的证书" if low == high else f"{low}至{high}取得的证书"
    if high:
        return f"{high}及以前取得的证书"
    return f"{low}及以后取得的证书" if low else "不限取得时间"


def _show_fee(fee: dict) -> str:
    currency = "元" if fee.get("currency", "CNY") == "CNY" else f" {safe_line(fee.get('currency'), limit=8)}"
    per = safe_line(fee.get("per"), limit=16)
    amount = safe_line(str(fee.get("amount", "")), limit=16)
    return f"{safe_line(fee.get('item'), limit=40)} {amount}{currency}{'/' + per if per else ''}"


def _keyed(items: list[dict], key) -> dict[tuple, dict]:
    """Items by a key plus its occurrence number, so two 登记 windows stay apart."""
    seen: Counter = Counter()
    out = {}
    for item in items:
        k = key(item)
        out[(*k, seen[k])] = item
        seen[k] += 1
    return out


def describe_changes(previous: dict, current: dict) -> list[str]:
    """What an amendment changed in windows, fees and eligible certificates, in Chinese.

    Readers keep an entry they have seen under its id; these lines are how they learn
    that its deadline moved or its fee changed.
    """
    lines: list[str] = []
    old_w = _keyed(previous.get("windows", []), lambda w: (w.get("label"),))
    new_w = _keyed(current.get("windows", []), lambda w: (w.get("label"),))
    for key, window in new_w.items():
        label = safe_line(window.get("label"), limit=40)
        if key not in old_w:
            lines.append(f"新增 {label}：{_show_span(window)}")
        elif _show_span(old_w[key]) != _show_span(window):
            lines.append(f"{label}时间由 {_show_span(old_w[key])} 改为 {_show_span(window)}")
    lines += [
        f"取消 {safe_line(w.get('label'), limit=40)}：{_show_span(w)}"
        for k, w in old_w.items()
        if k not in new_w
    ]
    old_f = _keyed(previous.get("fees", []), lambda f: (f.get("item"), f.get("per")))
    new_f = _keyed(current.get("fees", []), lambda f: (f.get("item"), f.get("per")))
    for key, fee in new_f.items():
        if key not in old_f:
            lines.append(f"新增费用：{_show_fee(fee)}")
        elif _show_fee(old_f[key]) != _show_fee(fee):
            lines.append(f"费用由 {_show_fee(old_f[key])} 改为 {_show_fee(fee)}")
    lines += [f"取消费用：{_show_fee(f)}" for k, f in old_f.items() if k not in new_f]
    old_e = [_show_eligible(r) for r in previous.get("eligible", [])]
    new_e = [_show_eligible(r) for r in current.get("eligible", [])]
    if old_e != new_e:
        lines.append(f"适用证书由 {'、'.join(old_e) or '未注明'} 改为 {'、'.join(new_e) or '未注明'}")
    return lines or ["通知正文有修改，办理时间、费用和适用证书未变"]


def compose_summary(parsed: dict, *, changes: list[str], attachments: list[str]) -> str:
    """The Chinese plain-text summary: changes, windows, eligible certificates, fees, evidence."""
    lines = []
    if changes:
        lines.append("【通知已更新】")
        lines += [f"· {c}" for c in changes]
    windows = parsed.get("windows", [])
    lines += [f"{safe_line(w.get('label'), limit=40)}：{_show_span(w)}" for w in windows]
    eligible = [_show_eligible(r) for r in parsed.get("eligible", [])]
    if eligible:
        lines.append(f"适用：{'、'.join(eligible)}")
    fees = [_show_fee(f) for f in parsed.get("fees", [])]
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
    labels: Counter = Counter()
    windows = []
    for window in parsed.get("windows", []):
        label = safe_line(window.get("label"), limit=40)
        windows.append(
            EntryWindow(
                uid=f"{uuid.uuid5(entry_id, f'{label}#{labels[label]}')}@ruankao-watch",
                label=label,
                start=_moment(window.get("start")),
                end=_moment(window.get("end")),
            )
        )
        labels[label] += 1
    return FeedEntry(
        id=f"urn:uuid:{entry_id}",
        title=safe_line(notice.title) or "（无标题通知）",
        link=link,
        published=published,
        updated=updated,
        kind=version.kind if version.kind in KIND_LABELS else "other",
        region=safe_line(version.region, limit=32),
        summary=compose_summary(
            parsed,
            changes=describe_changes(previous.parsed or {}, parsed) if previous else [],
            attachments=_attachments(notice, link_host(link)),
        ),
        windows=tuple(windows),
        revision=len(earlier),
    )


def entries_from_notices(notices: list[Notice]) -> list[FeedEntry]:
    """Entries in the notices' order (the store gives newest first), skipping notices never parsed."""
    return [e for e in map(entry_from_notice, notices) if e is not None]
