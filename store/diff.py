"""What changed between the last two versions of a notice: the fields people act on, then the text."""

from __future__ import annotations

import difflib

from core.times import in_beijing
from core.wording import describe_changes
from store.models import Notice


def version_diff(notice: Notice) -> str:
    """A readable diff of the last two versions; empty when there is only one."""
    if len(notice.versions) < 2:
        return ""
    old, new = notice.versions[-2], notice.versions[-1]
    # Fetch times are stored in UTC; an operator reads them in Beijing time, marked as such.
    lines = [
        f"notice {notice.id}: version {old.id} ({_shown(old.fetched_at)}) → {new.id} ({_shown(new.fetched_at)})"
    ]
    lines += describe_changes(old.parsed, new.parsed)
    lines += difflib.unified_diff(
        old.text.splitlines(), new.text.splitlines(), "before", "after", lineterm=""
    )
    return "\n".join(lines)


def _shown(moment) -> str:
    return f"{in_beijing(moment):%Y-%m-%d %H:%M} 北京时间"
