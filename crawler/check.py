"""``sources check``: one source's smoke-check verdict from the stats of a check crawl, nothing stored.

A check crawl (``python -m crawler.runner --check``) reads each source's first list page
live (no HTTP cache), follows one notice from it and parses it, with the store pipeline and
the health record switched off, so the database is never touched. This module turns that
crawl's stats into the three things an operator wants to know — is the list reachable, does
it hold items, is a notice found and parsed — and one line saying so. Pure: stats in, verdict out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.health import check_crawl


def check_verdict(source_id: str, stats: Mapping[str, Any]) -> dict:
    """``{"ok", "list", "items", "parsed", "problems", "line"}`` for one source's check crawl."""
    list_read = int(stats.get("notices/list/downloaded", 0)) + int(stats.get("notices/list/not_modified", 0))
    items = int(stats.get("notices/list/first_page_entries", 0))
    parsed = int(stats.get("item_scraped_count", 0))
    problems = check_crawl(stats, None, stats.get("finish_reason", "finished"))
    if list_read and items and not parsed:
        problems.append("no notice linked from the list could be read and parsed")
    ok = bool(list_read and items and parsed) and not problems
    if ok:
        summary = f"list reachable, {items} items, {parsed} parsed"
    elif not list_read:
        summary = "list NOT reachable"
    else:
        summary = f"list reachable, {items} items, {parsed} parsed"
    line = f"{'ok  ' if ok else 'FAIL'}  {source_id}: {summary}"
    if problems:
        line += " — " + "; ".join(problems)
    return {
        "ok": ok,
        "list": bool(list_read),
        "items": items,
        "parsed": parsed,
        "problems": problems,
        "line": line,
    }
