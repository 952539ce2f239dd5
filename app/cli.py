"""The ``ruankao-watch`` command line: parses arguments and hands each command to its step.

Heavy imports (Scrapy, aiosmtplib, feedgen, FastAPI) happen inside the commands, so
``ruankao-watch parse`` or ``status`` start fast and a broken optional part cannot stop
the others.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from app.config import Config, ConfigError, load_config
from app.cycle import EXIT_CONFIG, EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL, CycleOptions, CycleResult
from app.logs import setup_logging
from core.text import strip_unsafe

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_today() -> date:
    """Windows are announced in Beijing time, so "today" is the date in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def positive_int(value: str) -> int:
    """A whole number of at least 1 (``--older-than 0`` would delete everything just stored)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {value!r}")
    return number


class SafeStream:
    """A text stream that drops what ``core.text`` calls unsafe before it reaches a terminal.

    Scraped titles and subscriber fields are printed by many commands; an ESC or CSI
    sequence, or a bidi override, in them must not act on the operator's terminal.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(strip_unsafe(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def _sessions(config: Config):
    from store.db import make_engine, make_sessionmaker, upgrade

    upgrade(config.database_url)
    return make_sessionmaker(make_engine(config.database_url))


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# --- commands -------------------------------------------------------------------------


def cmd_init(args, config: Config) -> int:
    from store.db import upgrade

    upgrade(config.database_url)
    print("database is at the newest schema")
    return EXIT_OK


def _cycle_options(args) -> CycleOptions:
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


def _one_step(step_name: str, args, config: Config) -> CycleResult:
    """Run one step of the cycle on its own, exactly as ``run`` would."""
    from app import cycle
    from store.db import upgrade

    result = CycleResult()
    step = getattr(cycle, f"{step_name}_step")
    if step_name == "crawl":
        upgrade(config.database_url)
        step(config, _cycle_options(args), result)
    else:
        step(config, _sessions(config), _cycle_options(args), result)
    return result


def cmd_crawl(args, config: Config) -> int:
    result = _one_step("crawl", args, config)
    crawl = result.counts["crawl"]
    print(f"crawl: {crawl['new']} new, {crawl['changed']} changed, {crawl['unchanged']} unchanged notices")
    return _report(result)


def cmd_alert(args, config: Config) -> int:
    result = _one_step("alert", args, config)
    print(f"alert: {json.dumps(result.counts, ensure_ascii=False)}")
    return _report(result)


def cmd_send(args, config: Config) -> int:
    result = _one_step("send", args, config)
    print(f"send: {json.dumps(result.counts['send'], ensure_ascii=False)}")
    pushed = _one_step("push", args, config)
    print(f"push: {json.dumps(pushed.counts.get('push', {}), ensure_ascii=False)}")
    return _report(CycleResult(problems=result.problems + pushed.problems))


def cmd_feeds(args, config: Config) -> int:
    result = _one_step("feeds", args, config)
    print(f"feeds: wrote {len(result.feeds)} files to {args.feeds_out}")
    return _report(result)


def cmd_run(args, config: Config) -> int:
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


def cmd_serve(args, config: Config) -> int:
    from web import CannotListen, serve

    try:
        serve(config, args.host, args.port)
    except CannotListen as exc:  # a taken port is a bad argument (2), not "lock held" (3)
        print(f"ruankao-watch serve: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return EXIT_OK


def cmd_sources(args, config: Config) -> int:
    """``sources check``: each source's list, items and one parsed notice, live; the database is untouched."""
    from crawler.runner import crawl_in_subprocess

    code, report = crawl_in_subprocess(
        None,
        check=True,
        source=args.source,
        url=args.url,
        sources=config.sources or None,
        contact_url=config.contact_url,
        download_delay=config.download_delay,
    )
    for verdict in report.get("sources", {}).values():
        print(verdict["line"])
    for problem in report.get("problems", []):
        print(f"problem: {problem}", file=sys.stderr)
    if code == EXIT_OK:
        return EXIT_OK
    return EXIT_CONFIG if code == EXIT_CONFIG else EXIT_PARTIAL


def cmd_parse(args, config: Config) -> int:
    from parsers import decode_html, parse_notice

    status = EXIT_OK
    for path in args.paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            print(f"parse: cannot read {path}: {exc.strerror}", file=sys.stderr)
            status = EXIT_PARTIAL
            continue
        text = decode_html(data)
        is_html = Path(path).suffix.lower() in (".html", ".htm") or None
        parsed = parse_notice(text, published=args.published, region=args.region, is_html=is_html)
        if args.json:
            print(json.dumps(parsed.to_dict(), ensure_ascii=False))
        else:
            _print_parsed(path, parsed.to_dict())
    return status


def _print_parsed(path: str, data: dict) -> None:
    from core.wording import eligible_line, fee_line, window_line

    print(f"{path}: {data['title']} [{data['kind']}, {data['region']}, {data['published']}]")
    lines = [f"考试：{'、'.join(data['session'])}"] if data["session"] else []
    lines += [window_line(w) for w in data["windows"]]
    lines += [
        f"适用：{eligible_line(e)}" + (f"（{e['condition']}）" if e["condition"] else "")
        for e in data["eligible"]
    ]
    lines += [f"费用：{fee_line(f)}" for f in data["fees"]]
    lines += [f"未能完全读出（{u['field']}）：{u['evidence']}" for u in data["uncertain"]]
    lines += [f"warning: {w}" for w in data["warnings"]]
    for line in lines:
        print(f"  {line}")


def cmd_notices(args, config: Config) -> int:
    from store.notices import get_notice, list_notices, notice_summary

    sessions = _sessions(config)
    with sessions() as session:
        if args.notices_command == "list":
            rows = [notice_summary(n) for n in list_notices(session, limit=args.limit, source_id=args.source)]
            if args.json:
                _print_json(rows)
            else:
                for row in rows:
                    print(
                        f"{row['id']:>5} {row['published'] or '          '} {row['kind'] or '-':<22} {row['title']}"
                    )
            return EXIT_OK
        notice = get_notice(session, args.ref)
        if notice is None:
            print(f"notices show: no notice {args.ref!r}", file=sys.stderr)
            return EXIT_PARTIAL
        if args.diff:
            from store.diff import version_diff

            print(version_diff(notice) or "no change between the last two versions")
            return EXIT_OK
        _print_json(notice_summary(notice))
    return EXIT_OK


def cmd_status(args, config: Config) -> int:
    from store.runs import status_report

    with _sessions(config)() as session:
        report = status_report(session)
    if args.json:
        _print_json(report)
        return EXIT_OK
    from app.status_cli import status_lines

    print("\n".join(status_lines(report)))
    return EXIT_OK


def cmd_config(args, config: Config) -> int:
    _print_json(config.masked())
    return EXIT_OK


def cmd_prune(args, config: Config) -> int:
    from app.cycle import utcnow
    from store.prune import prune

    with _sessions(config).begin() as session:
        counts = prune(session, older_than_days=args.older_than, now=utcnow())
    print(f"prune: {json.dumps(counts)}")
    return EXIT_OK


def cmd_demo(args, config: Config) -> int:
    from app.demo import run_demo

    return run_demo(out=args.out, today=args.today, serve=args.serve)


# --- argument parsing ------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ruankao-watch", description="Watch 软考 notices and alert subscribers by email and feeds."
    )
    parser.add_argument("--config", help="TOML file (default: ./ruankao-watch.toml if present)")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument("--log-format", default="text", choices=["text", "json"])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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

    sub.add_parser("send", help="deliver the outbox over SMTP").set_defaults(func=cmd_send)

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
    p.add_argument("--port", type=int, default=8000)
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

    p = sub.add_parser("parse", help="parse notice files and print what was found")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    p.add_argument("--published", type=iso_date, help="publication date when the file cannot say")
    p.add_argument("--region", help="region when the file cannot say (national, 天津, …)")
    p.set_defaults(func=cmd_parse)

    from app.subscribers_cli import register

    register(sub)

    p = sub.add_parser("notices", help="list or show stored notices")
    nsub = p.add_subparsers(dest="notices_command", required=True)
    q = nsub.add_parser("list")
    q.add_argument("--json", action="store_true")
    q.add_argument("--limit", type=int)
    q.add_argument("--source")
    q = nsub.add_parser("show")
    q.add_argument("ref", metavar="ID", help="notice id or URL")
    q.add_argument("--diff", action="store_true", help="what changed between the last two versions")
    p.set_defaults(func=cmd_notices)

    p = sub.add_parser("status", help="last runs, each source's health, outbox, subscribers")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("config", help="configuration")
    csub = p.add_subparsers(dest="config_command", required=True)
    csub.add_parser("check", help="print the effective configuration, secrets masked")
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("prune", help="delete old notice versions and sent mail")
    p.add_argument("--older-than", type=positive_int, required=True, metavar="DAYS")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (``| head``): end quietly, as other Unix tools do, and keep
        # the interpreter's final flush from raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), streams[0].fileno())
        return EXIT_OK
    finally:
        sys.stdout, sys.stderr = streams


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.log_level, args.log_format)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"ruankao-watch: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return args.func(args, config)
    except ConfigError as exc:
        print(f"ruankao-watch: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    logging.captureWarnings(True)
    sys.exit(main())
