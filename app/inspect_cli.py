"""The commands that look at what is stored or configured: parse, notices, status, config check.

None of them changes anything; ``parse`` does not even open the database, so it starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from app.wiring import EXIT_OK, EXIT_PARTIAL, database_error, iso_date, open_store, whole_number

if TYPE_CHECKING:
    from core.config import Settings


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_parse(args, config: Settings) -> int:
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
        problem = "the file is empty" if not text.strip() else None
        if "\x00" in text:  # no notice page or text file holds NUL: an image, a PDF, a .docx
            problem = "not a text or HTML file"
        if problem:
            print(f"parse: {path}: {problem}", file=sys.stderr)
            status = EXIT_PARTIAL
            continue
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


def cmd_notices(args, config: Settings) -> int:
    from store.notices import get_notice, list_notices, notice_summary

    sessions = open_store(config.database_url)
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

            if len(notice.versions) < 2:
                print(f"notice {notice.id}: only one version stored, nothing to compare")
            else:
                print(version_diff(notice))
            return EXIT_OK
        _print_json(notice_summary(notice))
    return EXIT_OK


def cmd_status(args, config: Settings) -> int:
    from store.runs import status_report

    with open_store(config.database_url)() as session:
        report = status_report(session)
    if args.json:
        _print_json(report)
        return EXIT_OK
    from app.status_cli import status_lines

    print("\n".join(status_lines(report)))
    return EXIT_OK


def cmd_config(args, config: Settings) -> int:
    """Print the effective configuration (secrets masked) after checking what loading cannot.

    Loading already validated every key; here the ``[[sources]]`` tables are checked against
    the shipped list, a weak ``secret`` is warned about, and ``--connect`` opens the database
    and greets the relay, so a typo in a password shows before the 3 a.m. run.
    """
    from core.config import ConfigError
    from crawler.sources import load_sources

    try:
        load_sources(list(config.sources))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    for warning in secret_warnings(config.secret) + variable_warnings(os.environ):
        print(f"warning: {warning}", file=sys.stderr)
    _print_json(config.masked())
    if args.connect:
        return _connect(config)
    return EXIT_OK


def secret_warnings(secret: str) -> list[str]:
    """Why ``secret`` would not protect the signed links, if it would not."""
    if not secret:
        return ["secret: not set; send, run and serve refuse to start without it"]
    if len(secret) < 32 or len(set(secret)) < 10:
        return [
            f"secret: weak ({len(secret)} characters, {len(set(secret))} different); anyone who guesses it"
            " can forge manage and unsubscribe links: use `openssl rand -hex 32`"
        ]
    return []


def variable_warnings(environ: Mapping[str, str]) -> list[str]:
    """``RUANKAO_WATCH_*`` variables that name no key: a typo there is silently ignored otherwise.

    A key misspelt in the TOML file is refused; a misspelt variable in ``/etc/ruankao-watch.env``
    (``RUANKAO_WATCH_SMTP=…``) would leave the default in force without a word.
    """
    from core.config import ENV_PREFIX, Settings

    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
    return [
        f"{name}: names no configuration key, so it is ignored (the keys are in `config check`'s output)"
        for name in sorted(environ)
        if name.upper().startswith(ENV_PREFIX) and name.upper() not in known
    ]


def _connect(config: Settings) -> int:
    """Open the database and greet the relay; one line each, exit 1 when either fails."""
    import asyncio

    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from alerts.smtp import Connection, DeliveryError, SmtpSettings
    from store.db import make_engine

    status = EXIT_OK
    try:
        engine = make_engine(config.database_url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        print("database_url: connected", file=sys.stderr)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        print(f"database_url: cannot connect: {database_error(exc)}", file=sys.stderr)
        status = EXIT_PARTIAL

    async def greet() -> bool:
        relay = Connection(SmtpSettings.from_url(config.smtp_url))
        try:
            return await relay.smtputf8()
        finally:
            await relay.close()

    try:
        utf8 = asyncio.run(greet())
        print(f"smtp_url: the relay answered{' (SMTPUTF8 offered)' if utf8 else ''}", file=sys.stderr)
    except DeliveryError as exc:
        print(f"smtp_url: {exc.reason}", file=sys.stderr)
        status = EXIT_PARTIAL
    return status


def register(sub: argparse._SubParsersAction) -> None:
    """Add the read-only commands to the main parser."""
    p = sub.add_parser("parse", help="parse notice files and print what was found")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    p.add_argument("--published", type=iso_date, help="publication date when the file cannot say")
    p.add_argument("--region", help="region when the file cannot say (national, 天津, …)")
    p.set_defaults(func=cmd_parse, needs_config=False)  # reads files only: a fast start

    p = sub.add_parser("notices", help="list or show stored notices")
    nsub = p.add_subparsers(dest="notices_command", required=True)
    q = nsub.add_parser("list")
    q.add_argument("--json", action="store_true")
    q.add_argument("--limit", type=whole_number(1, 1_000_000))
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
    q = csub.add_parser("check", help="validate and print the effective configuration, secrets masked")
    q.add_argument("--connect", action="store_true", help="also open the database and greet the SMTP relay")
    p.set_defaults(func=cmd_config)
