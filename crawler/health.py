"""Per-source health checks after a crawl: crawl stats + the previous state → problems for the operator.

Pure functions over a stats dict, so each check is tested with synthetic stats
(spidermon-style) and no crawl. A problem goes to the operator only (SourceState, then
one admin mail); it never reaches subscribers, and an empty or failed crawl is never read
as "the notices were deleted".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

# A first list page with fewer than this share of its previous notices is a sharp drop,
# once the baseline is big enough for a share to mean something.
DROP_RATIO = 0.5
DROP_MIN_BASELINE = 4

# More undated list entries than this share means the date selector stopped matching.
MAX_UNDATED_SHARE = 0.5

_ERROR_KEY = re.compile(r"^notices/(list|detail)/(http_error/\d+|failed|too_large)$")


class PreviousState(Protocol):
    """What the last crawl left (``store.models.SourceState`` fits)."""

    last_item_count: int | None


def check_crawl(
    stats: Mapping[str, Any], previous: PreviousState | None = None, reason: str = "finished"
) -> list[str]:
    """The problems one source's crawl shows; empty when healthy."""
    problems: list[str] = []
    if reason != "finished":
        problems.append(f"the crawl ended early ({reason})")
    problems += _list_problems(stats, previous)
    problems += _blocking_problems(stats)
    problems += _detail_problems(stats)
    return problems


def trusted_item_count(stats: Mapping[str, Any], previous: PreviousState | None = None) -> int | None:
    """The first-page notice count to remember as the next baseline, or None when it is suspect.

    An empty list or a sharp drop is not remembered, so that the next crawl still compares
    with the last good count instead of accepting the breakage as normal.
    """
    count = _first_page_entries(stats)
    if count == 0 or _sharp_drop(count, previous):
        return None
    return count


def error_count(stats: Mapping[str, Any]) -> int:
    """Pages not read (HTTP errors, failures, oversize) plus items that failed to parse or store."""
    pages = sum(int(v) for k, v in stats.items() if _ERROR_KEY.match(k))
    return pages + int(stats.get("notices/parse/failed", 0)) + int(stats.get("notices/store/failed", 0))


def _first_page_entries(stats: Mapping[str, Any]) -> int:
    return int(stats.get("notices/list/first_page_entries", 0))


def _sharp_drop(count: int, previous: PreviousState | None) -> bool:
    baseline = previous.last_item_count if previous is not None else None
    return bool(baseline and baseline >= DROP_MIN_BASELINE and count < baseline * DROP_RATIO)


def _list_problems(stats: Mapping[str, Any], previous: PreviousState | None) -> list[str]:
    read = int(stats.get("notices/list/downloaded", 0)) + int(stats.get("notices/list/not_modified", 0))
    baseline = previous.last_item_count if previous is not None else None
    if read == 0:
        return ["no list page could be read (see the HTTP errors and the log)"]
    count = _first_page_entries(stats)
    if count == 0:
        since = f" (it had {baseline} last time)" if baseline else ""
        return [
            f"the list page had no notices{since}: the layout may have changed, or the site "
            "answered with a block or captcha page"
        ]
    if _sharp_drop(count, previous):
        return [f"the first list page had {count} notices, down from {baseline} last time"]
    entries = int(stats.get("notices/list/entries", 0))
    undated = int(stats.get("notices/list/date_missing", 0))
    if entries and undated / entries > MAX_UNDATED_SHARE:
        # Coverage drops before the count does when a layout changes (spidermon's field coverage).
        return [f"{undated} of {entries} list entries had no date: selectors.date may no longer match"]
    return []


def _blocking_problems(stats: Mapping[str, Any]) -> list[str]:
    problems = []
    for status, meaning in ((403, "Forbidden: blocked?"), (429, "Too Many Requests: slow down")):
        count = int(stats.get(f"downloader/response_status_count/{status}", 0))
        if count:
            problems.append(f"the site answered {status} ({meaning}) {count} time(s)")
    gave_up = int(stats.get("notices/retry_after/gave_up", 0))
    if gave_up:
        problems.append(
            f"the site asked us to come back later than this run allows; {gave_up} request(s) dropped"
        )
    forbidden = int(stats.get("robotstxt/forbidden", 0))
    if forbidden:
        problems.append(f"robots.txt disallows {forbidden} page(s) we meant to read")
    return problems


def _detail_problems(stats: Mapping[str, Any]) -> list[str]:
    problems = []
    for kind in ("list", "detail"):
        errors = sorted(
            (int(k.rsplit("/", 1)[1]), int(v))
            for k, v in stats.items()
            if k.startswith(f"notices/{kind}/http_error/") and k.rsplit("/", 1)[1] not in ("403", "429")
        )
        if errors:
            detail = ", ".join(f"{status} ×{count}" for status, count in errors)
            problems.append(f"{sum(c for _, c in errors)} {kind} page(s) answered an HTTP error ({detail})")
        failed = int(stats.get(f"notices/{kind}/failed", 0))
        if failed:
            problems.append(f"{failed} {kind} page(s) could not be downloaded (time-out or connection error)")
        too_large = int(stats.get(f"notices/{kind}/too_large", 0))
        if too_large:
            problems.append(f"{too_large} {kind} page(s) were larger than DOWNLOAD_MAXSIZE and were not read")
    checks = (
        ("notices/detail/empty_body", "detail page(s) had an empty body"),
        ("notices/detail/content_missing", "detail page(s) lacked the content selector (layout change?)"),
        ("notices/parse/failed", "notice(s) failed to parse"),
        (
            "notices/parse/signup_row_refused",
            "sign-up table row(s) could not be read without guessing (see the log)",
        ),
        ("notices/list/session_missing", "sign-up table page(s) had no selected session (option[selected])"),
        ("notices/store/failed", "notice(s) could not be stored"),
        ("notices/offsite/response", "page(s) ended on another host and were ignored"),
    )
    for key, text in checks:
        count = int(stats.get(key, 0))
        if count:
            problems.append(f"{count} {text}")
    return problems
