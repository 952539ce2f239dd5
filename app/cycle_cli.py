"""The commands that run the cycle's steps: init, crawl, alert, send, feeds, run, serve, sources, prune, demo.

Each hands its work to ``app.cycle`` (the same step functions ``run`` uses), so running a
step on its own behaves exactly as it does inside a full cycle.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.wiring import (
    EXIT_CONFIG,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    iso_date,
    open_store,
    shanghai_today,
    upgrade_store,
    utcnow,
    whole_number,
)

if TYPE_CHECKING:
    from app.cycle import CycleOptions, CycleResult
    from core.config import Settings


def cmd_init(args, config: Settings) -> int:
    upgrade_store(config.database_url)
    print("database is at the newest schema")
    return EXIT_OK


def _cycle_options(args) -> CycleOptions:
    from app.cycle import CycleOptions

    return CycleOptions(
        today=getattr(args, "today", None) or shanghai_today(),
        dry_run=getattr(args, "dry_run", False),
        source=getattr(args, "source", None),
        url=getattr(args, "url", None),
        feeds_out=getattr(args, "feeds_out", None),
        eml_out=getattr(args, "eml_out", None),
        progress=sys.stderr.isatty(),
    )


def _report(result: CycleResult) -> int:
    for problem in result.problems:
        print(f"problem: {problem}", file=sys.stderr)
    return result.exit_code


def _one_step(step_name: str, args, config: Settings) -> CycleResult:
    """Run one step of the cycle on its own, exactly as ``run`` would."""
    from app import cycle
    from app.cycle import CycleResult

    result = CycleResult()
    step = getattr(cycle, f"{step_name}_step")
    if step_name == "crawl":
        upgrade_store(config.database_url)
        step(config, _cycle_options(args), result)
    else:
        step(config, open_store(config.database_url), _cycle_options(args), result)
    return result


def cmd_crawl(args, config: Settings) -> int:
    result = _one_step("crawl", args, config)
    crawl = result.counts["crawl"]
    print(f"crawl: {crawl['new']} new, {crawl['changed']} changed, {crawl['unchanged']} unchanged notices")
    return _report(result)


def cmd_alert(args, config: Settings) -> int:
    result = _one_step("alert", args, config)
    print(f"alert: {json.dumps(result.counts, ensure_ascii=False)}")
    return _report(result)


def cmd_send(args, config: Settings) -> int:
    result = _one_step("send", args, config)
    print(f"send: {json.dumps(result.counts['send'], ensure_ascii=False)}")
    pushed = _one_step("push", args, config)  # after the mail, apart from it (docs/push.md)
    print(f"push: {json.dumps(pushed.counts.get('push', {}), ensure_ascii=False)}")
    result.problems += pushed.problems
    return _report(result)


def cmd_feeds(args, config: Settings) -> int:
    result = _one_step("feeds", args, config)
    print(f"feeds: wrote {len(result.feeds)} files to {args.feeds_out}")
    return _report(result)


def cmd_run(args, config: Settings) -> int:
    from app.cycle import run_cycle
    from store.locks import AlreadyRunning

    options = _cycle_options(args)
    if options.dry_run and options.eml_out is None:
        options.eml_out = Path("dry-run-mail")
    try:
        result = run_cycle(config, options)
    except AlreadyRunning as exc:
        print(f"ruankao-watch run: {exc}; not starting a second run", file=sys.stderr)
        return EXIT_LOCKED
    _print_summary(result, options)
    return _report(result)


def _print_summary(result: CycleResult, options: CycleOptions) -> None:
    crawl = result.counts.get("crawl", {})
    send = result.counts.get("send", {})
    alerts = result.counts.get("alerts", {})
    print(f"today (Asia/Shanghai): {options.today.isoformat()}")
    print(
        f"notices: {crawl.get('new', 0)} new, {crawl.get('changed', 0)} changed, {crawl.get('unchanged', 0)} unchanged"
    )
    print(f"alerts queued: {json.dumps(alerts, ensure_ascii=False)}")
    if options.dry_run:
        print(f"dry run: {len(result.emls)} mail(s) written to {options.eml_out}, nothing sent")
    else:
        print(
            f"mail: {send.get('sent', 0)} sent, {send.get('failed', 0)} failed, {send.get('retried', 0)} to retry"
        )
    if result.feeds:
        print(f"feeds: {len(result.feeds)} files in {options.feeds_out}")
    print(f"problems: {len(result.problems)}")


def cmd_serve(args, config: Settings) -> int:
    from web import CannotListen, serve

    try:
        serve(config.web, open_store(config.database_url), args.host, args.port)
    except CannotListen as exc:  # a taken port is a bad argument (2), not "lock held" (3)
        print(f"ruankao-watch serve: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return EXIT_OK


def cmd_sources(args, config: Settings) -> int:
    """``sources check``: each source's list, items and one parsed notice, live; the database is untouched."""
    from crawler.runner import crawl_in_subprocess

    crawl = config.crawl().model_copy(update={"database_url": None})
    code, report = crawl_in_subprocess(crawl, check=True, source=args.source, url=args.url)
    for verdict in report.get("sources", {}).values():
        print(verdict["line"])
    for problem in report.get("problems", []):
        print(f"problem: {problem}", file=sys.stderr)
    if code == EXIT_OK:
        return EXIT_OK
    return EXIT_CONFIG if code == EXIT_CONFIG else EXIT_PARTIAL


def cmd_prune(args, config: Settings) -> int:
    from store.prune import prune

    with open_store(config.database_url).begin() as session:
        counts = prune(session, older_than_days=args.older_than, now=utcnow())
    print(f"prune: {json.dumps(counts)}")
    return EXIT_OK


def cmd_demo(args, config: Settings) -> int:
    from app.demo import run_demo

    return run_demo(out=args.out, today=args.today, serve=args.serve)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the cycle's commands to the main parser."""
    sub.add_parser("init", help="create or upgrade the database").set_defaults(func=cmd_init)

    p = sub.add_parser("crawl", help="fetch the sources; store new and changed notices")
    p.add_argument("--source", help="only this source id")
    p.add_argument("--url", help="override the source's list URL (mirrors, tests)")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("alert", help="match notices and reminders to subscribers; fill the outbox")
    p.add_argument(
        "--today", type=iso_date, help="the day to judge windows by (default: today in Asia/Shanghai)"
    )
    p.set_defaults(func=cmd_alert)

    sub.add_parser("send", help="deliver the outbox over SMTP, then the push outbox").set_defaults(
        func=cmd_send
    )

    p = sub.add_parser("feeds", help="write RSS/Atom/JSON Feed/iCalendar files")
    p.add_argument("--out", dest="feeds_out", type=Path, required=True)
    p.set_defaults(func=cmd_feeds)

    p = sub.add_parser("run", help="one full cycle: crawl, alert, send, feeds")
    p.add_argument("--today", type=iso_date)
    p.add_argument("--dry-run", action="store_true", help="send nothing; write the mails as .eml files")
    p.add_argument("--source")
    p.add_argument("--url")
    p.add_argument("--feeds-out", type=Path, help="write the feeds here too")
    p.add_argument(
        "--eml-out", type=Path, help="with --dry-run: where the .eml files go (default ./dry-run-mail)"
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("serve", help="the web app (subscriptions, feeds)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=whole_number(1, 65535), default=8000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("sources", help="the notice sources")
    ssub = p.add_subparsers(dest="sources_command", required=True)
    q = ssub.add_parser(
        "check",
        help="live smoke check (run from a mainland network): list reachable, items found, "
        "a notice found and parsed; one line per source; stores nothing",
    )
    q.add_argument("--source", help="only this source id (default: every enabled source)")
    q.add_argument("--url", help="check this list URL for --source instead (a mirror)")
    q.set_defaults(func=cmd_sources)

    p = sub.add_parser(
        "prune", help="delete old notice versions, finished confirmation and operator mail, old runs"
    )
    p.add_argument("--older-than", type=whole_number(1, 36500), required=True, metavar="DAYS")
    p.set_defaults(func=cmd_prune)

    p = sub.add_parser("demo", help="offline demo: sample site, SMTP sink, temporary database, one cycle")
    p.add_argument("--out", type=Path, help="keep the demo's files here (default: a new temporary folder)")
    p.add_argument(
        "--today", type=iso_date, help="the demo's today (default: a day inside the sample windows)"
    )
    p.add_argument(
        "--serve",
        action="store_true",
        help="then keep the web app up (its URL is printed) so mail links work",
    )
    p.set_defaults(func=cmd_demo)
