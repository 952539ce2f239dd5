"""The crawl as a process: ``python -m crawler.runner`` crawls, records health, prints one JSON report.

Scrapy's Twisted reactor cannot be restarted inside a process, so the application never
crawls in its own process: it calls ``crawl_in_subprocess``, which runs this module with the
same interpreter and reads back the last line of its stdout. Exit code 0 means every crawled
source is healthy, 1 that some source has a health problem or failed, 2 a usage error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError
from scrapy.crawler import CrawlerProcess

from core.config import CrawlSettings
from crawler.check import check_verdict
from crawler.health import error_count
from crawler.settings import scrapy_settings
from crawler.sources import Source, load_sources

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def crawl_in_subprocess(
    crawl: CrawlSettings,
    *,
    check: bool = False,
    source: str | None = None,
    url: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    log_level: str = "WARNING",
    timeout: float | None = None,
) -> tuple[int, dict]:
    """Run one crawl in a child process; returns its exit code and its JSON report.

    The child receives one JSON document on stdin: the crawl settings and this call's
    choices. ``overrides`` are raw Scrapy settings (tests shorten back-off waits with them).
    The child's log goes to this process's stderr. When the child dies without a report, the
    report says so in ``problems``. With ``check`` it is a smoke check instead (see
    ``crawler.check``): nothing stored, and each source's report is its verdict.
    """
    plan = CrawlPlan(
        crawl=crawl,
        check=check,
        source=source,
        url=url,
        overrides=dict(overrides or {}),
        log_level=log_level,
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "crawler.runner"],
            input=plan.model_dump_json(),
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return 1, _report({}, [f"the crawler process did not finish within {timeout:.0f} s and was stopped"])
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    try:
        return proc.returncode, json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        problem = f"the crawler process exited with {proc.returncode} without a report (see its log)"
        return proc.returncode or 1, _report({}, [problem])


class CrawlPlan(BaseModel):
    """What the parent tells the crawler process: the crawl settings and this run's choices."""

    crawl: CrawlSettings
    check: bool = False
    source: str | None = None
    url: str | None = None
    overrides: dict[str, Any] = {}
    log_level: str = "INFO"


def _report(per_source: dict[str, dict], problems: list[str]) -> dict:
    totals = {key: sum(s[key] for s in per_source.values()) for key in ("new", "changed", "unchanged")}
    all_problems = problems + [f"{sid}: {p}" for sid, s in per_source.items() for p in s["problems"]]
    return {"sources": per_source, **totals, "problems": all_problems}


def source_report(stats: Mapping[str, Any]) -> dict:
    """One source's part of the report, read from its crawl stats."""
    problems = stats.get("notices/health/problems")
    if problems is None:
        problems = ["the crawl failed before its health was recorded (see the log)"]
    return {
        "items": int(stats.get("item_scraped_count", 0)),
        "new": int(stats.get("notices/store/new", 0)),
        "changed": int(stats.get("notices/store/changed", 0)),
        "unchanged": int(stats.get("notices/store/unchanged", 0)),
        "errors": error_count(stats),
        "problems": list(problems),
        "healthy": not problems,
    }


def select_sources(
    overrides: list[dict], source_id: str | None, url: str | None
) -> tuple[list[dict], list[Source]]:
    """The overrides (with ``--url`` applied) and the sources to crawl; ValueError on a bad choice."""
    sources = {s.id: s for s in load_sources(overrides)}
    if source_id is None:
        if url is not None:
            raise ValueError("--url needs --source (which source the mirror stands for)")
        return overrides, [s for s in sources.values() if s.enabled]
    if source_id not in sources:
        raise ValueError(f"unknown source {source_id!r} (known: {', '.join(sorted(sources))})")
    if url is not None:
        host = urlsplit(url).hostname
        if urlsplit(url).scheme not in ("http", "https") or not host:
            raise ValueError(f"--url must be an http(s) URL, got {url!r}")
        overrides = [*overrides, {"id": source_id, "list_urls": [url], "allowed_domains": [host]}]
        sources = {s.id: s for s in load_sources(overrides)}
    if not sources[source_id].enabled:
        raise ValueError(f"source {source_id!r} is disabled (enabled = false)")
    return overrides, [sources[source_id]]


def main(stdin: TextIO = sys.stdin) -> int:
    try:
        plan = CrawlPlan.model_validate_json(stdin.read())
        if plan.crawl.database_url is None and not plan.check:
            raise ValueError("a database URL is required (unless checking)")
        sources, selected = select_sources(list(plan.crawl.sources), plan.source, plan.url)
    except (ValidationError, ValueError) as exc:
        print(json.dumps(_report({}, [str(exc)]), ensure_ascii=False), flush=True)
        return 2
    crawl = plan.crawl.model_copy(update={"sources": tuple(sources)})
    settings = scrapy_settings(crawl, check=plan.check, log_level=plan.log_level, overrides=plan.overrides)
    process = CrawlerProcess(settings)
    crawlers = {}
    for source in selected:
        crawlers[source.id] = crawler = process.create_crawler(source.id)
        process.crawl(crawler)
    process.start()
    if plan.check:
        verdicts = {
            sid: check_verdict(sid, crawler.stats.get_stats() if crawler.stats else {})
            for sid, crawler in crawlers.items()
        }
        print(json.dumps({"sources": verdicts, "problems": []}, ensure_ascii=False), flush=True)
        return 0 if all(v["ok"] for v in verdicts.values()) else 1
    per_source = {
        sid: source_report(crawler.stats.get_stats() if crawler.stats else {})
        for sid, crawler in crawlers.items()
    }
    report = _report(per_source, [])
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0 if all(s["healthy"] for s in per_source.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
