"""What changed between two versions of a notice: the fields people act on, then the text."""

from __future__ import annotations

import difflib

from store.models import Notice, NoticeVersion

FIELDS = ("kind", "region", "windows", "eligible", "fees")


def _describe(field: str, value: object) -> str:
    if field == "windows":
        return "; ".join(f"{w['label']} {w['start'] or '…'} 至 {w['end'] or '…'}" for w in value) or "无"  # type: ignore[union-attr]
    if field == "eligible":
        return "; ".join(f"{e['from'] or '…'} — {e['to'] or '…'}" for e in value) or "无"  # type: ignore[union-attr]
    if field == "fees":
        return "; ".join(f"{f['item']} {f['amount']}元/{f['per'] or '次'}" for f in value) or "无"  # type: ignore[union-attr]
    return str(value)


def field_changes(old: NoticeVersion, new: NoticeVersion) -> list[tuple[str, str, str]]:
    """(field, before, after) for each parsed field that differs."""
    changes = []
    for field in FIELDS:
        before, after = old.parsed.get(field), new.parsed.get(field)
        if field in ("windows", "eligible", "fees"):
            # Evidence sentences may be re-worded without the facts changing.
            strip = [{k: v for k, v in item.items() if k != "evidence"} for item in before or []]
            strip_after = [{k: v for k, v in item.items() if k != "evidence"} for item in after or []]
            if strip == strip_after:
                continue
        elif before == after:
            continue
        changes.append((field, _describe(field, before or []), _describe(field, after or [])))
    return changes


def version_diff(notice: Notice) -> str:
    """A readable diff of the last two versions; empty when there is only one."""
    if len(notice.versions) < 2:
        return ""
    old, new = notice.versions[-2], notice.versions[-1]
    lines = [
        f"notice {notice.id}: version {old.id} ({old.fetched_at:%Y-%m-%d %H:%M}) → {new.id} ({new.fetched_at:%Y-%m-%d %H:%M})"
    ]
    lines += [f"{field}: {before} → {after}" for field, before, after in field_changes(old, new)]
    lines += difflib.unified_diff(
        old.text.splitlines(), new.text.splitlines(), "before", "after", lineterm=""
    )
    return "\n".join(lines)
