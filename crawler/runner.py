"""The crawl as a process: ``python -m crawler.runner`` crawls, records health, prints one JSON report.

Scrapy's Twisted reactor cannot be restarted inside a process, so the application never
crawls in its own process: it calls ``crawl_in_subprocess``, which runs this module with the
same interpreter and reads back the last line of its stdout. Exit code 0 means every crawled
source is healthy, 1 that some source has a health problem or failed, 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.check import check_verdict
from crawler.health import error_count
from crawler.settings import DEFAULT_CONTACT_URL, user_agent
from crawler.sources import Source, load_sources

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def crawl_in_subprocess(
    database_url: str | None,
    *,
    check: bool = False,
    source: str | None = None,
    url: str | None = None,
    sources: list[dict] | None = None,
    contact_url: str | None = None,
    download_delay: float | None = None,
    cache_dir: str | None = None,
    settings: Mapping[str, Any] | None = None,
    log_level: str = "WARNING",
    timeout: float | None = None,
) -> tuple[int, dict]:
    """Run one crawl in a child process; returns its exit code and its JSON report.

    ``settings`` are extra Scrapy settings (tests use them to shorten back-off waits). The
    child's log goes to this process's stderr. When the child dies without a report, the
    report says so in ``problems``. With ``check`` it is a smoke check instead (see
    ``crawler.check``): no database, and each source's report is its verdict.
    """
    argv = [sys.executable, "-m", "crawler.runner", "--log-level", log_level]
    if database_url is not None:
        argv += ["--database-url", database_url]
    if check:
        argv.append("--check")
    for flag, value in (
        ("--source", source),
        ("--url", url),
        ("--contact-url", contact_url),
        ("--download-delay", download_delay),
        ("--cache-dir", cache_dir),
    ):
        if value is not None:
            argv += [flag, str(value)]
    for name, value in (settings or {}).items():
        argv += ["--set", f"{name}={json.dumps(value)}"]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    with tempfile.TemporaryDirectory(prefix="ruankao-watch-crawl-") as tmp:
        if sources is not None:
            sources_file = Path(tmp, "sources.json")
            sources_file.write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")
            argv += ["--sources-json", str(sources_file)]
        try:
            proc = subprocess.run(
                argv, stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return 1, _report(
                {}, [f"the crawler process did not finish within {timeout:.0f} s and was stopped"]
            )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    try:
        return proc.returncode, json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        problem = f"the crawler process exited with {proc.returncode} without a report (see its log)"
        return proc.returncode or 1, _report({}, [problem])


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m crawler.runner", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="where notices are stored (required unless --check)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="smoke check: each source's first list page and one notice, live, stored nowhere",
    )
    parser.add_argument("--source", help="crawl only this source id (default: every enabled source)")
    parser.add_argument(
        "--url", help="use this list URL for --source (a mirror); its host becomes the allowed domain"
    )
    parser.add_argument("--sources-json", help="a JSON file with a list of [[sources]] overrides")
    parser.add_argument("--contact-url", default=DEFAULT_CONTACT_URL, help="put in the User-Agent")
    parser.add_argument(
        "--download-delay",
        type=float,
        help="seconds between requests to a host; 0 also turns off AutoThrottle",
    )
    parser.add_argument("--cache-dir", help="where the HTTP cache (ETags, Last-Modified, bodies) lives")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=JSON", help="an extra Scrapy setting"
    )
    return parser


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


def crawl_settings(args: argparse.Namespace, overrides: list[dict]) -> Settings:
    """Scrapy settings: ``crawler.settings`` plus what the operator's config says."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    values: dict[str, Any] = {
        "NOTICES_DATABASE_URL": args.database_url,
        "NOTICES_SOURCES": overrides,
        "USER_AGENT": user_agent(args.contact_url),
        "LOG_LEVEL": args.log_level,
    }
    if args.check:  # parse but never store, record no health, ask the site itself (no cache)
        values.update(
            NOTICES_CHECK=True,
            ITEM_PIPELINES={
                "crawler.pipelines.ParseNoticePipeline": 300,
                "crawler.pipelines.StoreNoticePipeline": None,
            },
            EXTENSIONS={
                "scrapy.extensions.telnet.TelnetConsole": None,
                "crawler.extensions.SourceHealthExtension": None,
            },
            HTTPCACHE_ENABLED=False,
        )
    if args.download_delay is not None:
        values["DOWNLOAD_DELAY"] = args.download_delay
        values["AUTOTHROTTLE_START_DELAY"] = max(args.download_delay, 1.0)
        values["AUTOTHROTTLE_ENABLED"] = args.download_delay > 0
    if args.cache_dir:
        values["HTTPCACHE_DIR"] = str(Path(args.cache_dir, "httpcache").resolve())
    for item in args.set:
        name, _, raw = item.partition("=")
        values[name] = json.loads(raw)
    settings.setdict(values, priority="cmdline")
    return settings


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.database_url is None and not args.check:
        print(json.dumps(_report({}, ["--database-url is required (unless --check)"])), flush=True)
        return 2
    try:
        overrides = (
            json.loads(Path(args.sources_json).read_text(encoding="utf-8")) if args.sources_json else []
        )
        overrides, selected = select_sources(overrides, args.source, args.url)
    except (OSError, ValueError) as exc:
        print(json.dumps(_report({}, [str(exc)]), ensure_ascii=False), flush=True)
        return 2
    process = CrawlerProcess(crawl_settings(args, overrides))
    crawlers = {}
    for source in selected:
        crawlers[source.id] = crawler = process.create_crawler(source.id)
        process.crawl(crawler)
    process.start()
    if args.check:
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
