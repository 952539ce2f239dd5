"""The operators' ``subscribers`` commands: add, import, export, list and remove.

``import`` reads the CSV format of ``app.subscriber_csv`` and ``export`` writes it. Every row is
validated before anything is written, so a bad file imports nothing unless ``--skip-invalid`` says
otherwise. The valid people are then written ``IMPORT_BATCH`` to a transaction, so a 100,000-row
import never holds SQLite's write lock (or PostgreSQL's row locks) for long and the web app keeps
answering; a failure mid-way (the database gone) leaves the earlier batches in, and re-running the
import adds only what is missing. Without ``--confirmed`` people are ``pending`` and get the same confirmation mail as the web form
sends: importing a list must not bypass double opt-in.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.subscriber_csv import CSV_HEADER, decode_csv, read_subscriber_csv, split_list, write_subscriber_csv

if TYPE_CHECKING:  # imported by the commands only: ``ruankao-watch parse`` must start fast
    from core.config import Settings

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# Which option of ``subscribers add`` gave each field ``SubscriberData`` checks.
_ADD_ARGUMENTS = {
    "email": "EMAIL", "regions": "--region", "certificates": "--cert", "name": "--name",
    "alert_kinds": "--alerts", "exam_sessions": "--sessions",
}  # fmt: skip
IMPORT_BATCH = 500  # people per transaction: a fraction of a second of write lock each


def cmd_import(args: argparse.Namespace, config: Settings) -> int:
    from app.wiring import open_store, shanghai_today, utcnow
    from web.subscriptions import add_subscriber

    try:
        text, encoding = decode_csv(Path(args.file).read_bytes())
    except OSError as exc:
        print(f"subscribers import: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_INVALID
    except UnicodeDecodeError:
        print(f"subscribers import: {args.file} is neither UTF-8 nor GB18030 text", file=sys.stderr)
        return EXIT_INVALID
    read = read_subscriber_csv(text, shanghai_today())
    for error in read.errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    if read.errors and not args.skip_invalid:
        print(
            f"{len(read.errors)} bad line(s): nothing imported (fix them, or use --skip-invalid)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    created = queued = 0
    now = utcnow()
    sessions = open_store(config.database_url)
    for start in range(0, len(read.people), IMPORT_BATCH):
        with sessions.begin() as session:
            for person in read.people[start : start + IMPORT_BATCH]:
                new, mailed = add_subscriber(
                    session, person, confirmed=args.confirmed, config=config.web, now=now
                )
                created += new
                queued += mailed
    skipped = f", {len(read.errors)} bad line(s) skipped" if read.errors else ""
    print(
        f"imported {len(read.people)} subscriber(s) from {encoding}, {created} new,"
        f" {queued} confirmation mail(s) queued{skipped}"
    )
    return EXIT_OK


def cmd_add(args: argparse.Namespace, config: Settings) -> int:
    from app.wiring import open_store, shanghai_today, utcnow
    from store.subscribers import CertificateData, InvalidSubscription, SubscriberData
    from web.subscriptions import add_subscriber

    try:
        certificates = []
        for spec in args.cert:
            parts = spec.split(":")
            if len(parts) != 3:
                raise InvalidSubscription(
                    f"应为 资格:级别:取得时间（级别可留空）：「{spec}」", field="certificates"
                )
            certificates.append(CertificateData(*parts))
        data = SubscriberData(
            args.email, tuple(r for given in args.region for r in split_list(given)), tuple(certificates),
            args.name, alert_kinds=tuple(args.alerts or ()), exam_sessions=tuple(args.sessions or ()),
        ).validated(shanghai_today())  # fmt: skip
    except InvalidSubscription as exc:
        print(f"subscribers add: {_by_argument(exc.problems)}", file=sys.stderr)
        return EXIT_USAGE
    with open_store(config.database_url).begin() as session:
        created, queued = add_subscriber(
            session, data, confirmed=args.confirmed, config=config.web, now=utcnow()
        )
    print(
        f"{'added' if created else 'updated'} {data.email}" + (", confirmation mail queued" if queued else "")
    )
    return EXIT_OK


def _by_argument(problems: dict[str, str]) -> str:
    """``--region: 无法识别的地区：「火星」；EMAIL: 邮箱地址无效…``: each problem named by the argument that gave it."""
    return "；".join(
        f"{_ADD_ARGUMENTS.get(key.split('.')[0], key)}: {message}" for key, message in problems.items()
    )


def cmd_export(args: argparse.Namespace, config: Settings) -> int:
    from app.wiring import open_store
    from core.text import strip_unsafe
    from store.subscribers import list_subscribers

    with open_store(config.database_url)() as session:
        text = write_subscriber_csv(list_subscribers(session, status=args.status))
    if args.out:
        Path(args.out).write_text(text, encoding=args.encoding)
    elif args.encoding == "utf-8":
        sys.stdout.write(text)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(strip_unsafe(text).encode(args.encoding))
    return EXIT_OK


def cmd_list(args: argparse.Namespace, config: Settings) -> int:
    from app.wiring import open_store
    from store.subscribers import list_subscribers, subscriber_summary

    with open_store(config.database_url)() as session:
        rows = [subscriber_summary(s) for s in list_subscribers(session, status=args.status)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            certs = ", ".join(f"{c['qualification']}({c['obtained']})" for c in row["certificates"])
            if row["exam_sessions"]:
                certs = f"{certs} exams: {','.join(row['exam_sessions'])}".strip()
            print(f"{row['email']:<32} {row['status']:<12} {row['region'] or '全国':<10} {certs}")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace, config: Settings) -> int:
    from app.wiring import open_store
    from store.subscribers import remove_subscriber

    with open_store(config.database_url).begin() as session:
        removed = remove_subscriber(session, args.email.strip())
    if not removed:
        print(f"subscribers remove: no subscriber {args.email}", file=sys.stderr)
        return EXIT_INVALID
    print(f"removed {args.email} and everything stored about them")
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``subscribers add|import|export|list|remove`` to the main parser."""
    from core.places import MAX_REGIONS
    from core.vocab import SubscriberStatus, Topic

    p = subparsers.add_parser("subscribers", help="add, import, export, list or remove subscribers")
    sub = p.add_subparsers(dest="subscribers_command", required=True, metavar="COMMAND")

    q = sub.add_parser("add", help="add one subscriber (or certificates to a known one)")
    q.add_argument("email")
    q.add_argument(
        "--region", action="append", default=[], metavar="REGION",
        help="e.g. 天津市红桥区; repeat it or list several (天津市,北京市) for several regions,"
        f" at most {MAX_REGIONS} (default: national notices only)",
    )  # fmt: skip
    q.add_argument("--name")
    q.add_argument(
        "--cert", nargs="+", action="extend", default=[], metavar="QUAL:LEVEL:OBTAINED",
        help="e.g. 信息系统项目管理师:高级:2021下半年 (LEVEL may be empty; none for an exam candidate)",
    )  # fmt: skip
    q.add_argument(
        "--alerts", nargs="+", choices=Topic.values(), metavar="KIND",
        help=f"what to hear about (default: all): {', '.join(Topic.values())}",
    )  # fmt: skip
    q.add_argument(
        "--sessions", nargs="+", metavar="SESSION",
        help="exams a candidate follows, e.g. 2026下半年: only their sign-up and results notices (default: every exam)",
    )  # fmt: skip
    q.add_argument(
        "--confirmed", action="store_true", help="they already consented: active, no confirmation mail"
    )
    q.set_defaults(func=cmd_add)

    q = sub.add_parser("import", help="import subscribers from CSV (" + ",".join(CSV_HEADER) + ")")
    q.add_argument("file", metavar="FILE.csv")
    q.add_argument(
        "--confirmed", action="store_true", help="they already consented: active, no confirmation mail"
    )
    q.add_argument("--skip-invalid", action="store_true", help="import the good rows and report the bad ones")
    q.set_defaults(func=cmd_import)

    q = sub.add_parser("export", help="write subscribers as CSV (the import format)")
    q.add_argument("--out", metavar="FILE", help="default: standard output")
    q.add_argument(
        "--encoding",
        choices=("utf-8", "gb18030"),
        default="utf-8",
        help="gb18030: what Excel on Chinese Windows opens without garbling",
    )
    q.add_argument(
        "--status",
        choices=SubscriberStatus.values(),
        help="only pending, active, unsubscribed or bouncing ones",
    )
    q.set_defaults(func=cmd_export)

    q = sub.add_parser("list", help="list subscribers")
    q.add_argument("--json", action="store_true")
    q.add_argument(
        "--status",
        choices=SubscriberStatus.values(),
        help="only pending, active, unsubscribed or bouncing ones",
    )
    q.set_defaults(func=cmd_list)

    q = sub.add_parser("remove", help="delete a subscriber and everything stored about them")
    q.add_argument("email")
    q.set_defaults(func=cmd_remove)
