"""What changed between the last two versions of a notice: the fields people act on, then the text."""

from __future__ import annotations

import difflib

from core.wording import describe_changes
from store.models import Notice


def version_diff(notice: Notice) -> str:
    """A readable diff of the last two versions; empty when there is only one."""
    if len(notice.versions) < 2:
        return ""
    old, new = notice.versions[-2], notice.versions[-1]
    lines = [
        f"notice {notice.id}: version {old.id} ({old.fetched_at:%Y-%m-%d %H:%M}) → {new.id} ({new.fetched_at:%Y-%m-%d %H:%M})"
    ]
    lines += describe_changes(old.parsed, new.parsed)
    lines += difflib.unified_diff(
        old.text.splitlines(), new.text.splitlines(), "before", "after", lineterm=""
    )
    return "\n".join(lines)
