"""The operators' ``subscribers`` commands: import from CSV and list as JSON.

CSV header: ``email,name,region,qualification,level,obtained,last_registered``, one row
per certificate. Every row is validated before anything is written, so a bad file
imports nothing.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

CSV_HEADER = ("email", "name", "region", "qualification", "level", "obtained", "last_registered")


def read_subscriber_csv(text: str, today: date) -> tuple[list, list[str]]:
    """Rows → validated SubscriberData (one per address, certificates merged) and error lines."""
    from store.subscribers import CertificateData, InvalidSubscription, SubscriberData

    reader = csv.DictReader(io.StringIO(text))
    missing = [h for h in CSV_HEADER if h not in (reader.fieldnames or [])]
    if missing:
        return [], [f"header: missing column(s) {', '.join(missing)}; expected {','.join(CSV_HEADER)}"]
    people: dict[str, SubscriberData] = {}
    errors: list[str] = []
    for row in reader:
        line = reader.line_num
        try:
            last = (row.get("last_registered") or "").strip()
            try:
                last_registered = date.fromisoformat(last) if last else None
            except ValueError:
                raise InvalidSubscription(f"last_registered 应为 YYYY-MM-DD：{last!r}") from None
            cert = CertificateData(
                row["qualification"] or "", row["level"] or "", row["obtained"] or "", last_registered
            )
            data = SubscriberData(row["email"] or "", row["region"] or "", (cert,), row.get("name") or None)
            data = data.validated(today)
        except InvalidSubscription as exc:
            errors.append(f"line {line}: {exc}")
            continue
        known = people.get(data.email)
        people[data.email] = (
            data
            if known is None
            else SubscriberData(known.email, known.region, known.certificates + data.certificates, known.name)
        )
    return list(people.values()), errors


def cmd_import(args, config) -> int:
    from app.cli import _sessions, shanghai_today
    from app.cycle import utcnow
    from store.subscribers import upsert_subscriber

    text = Path(args.file).read_text(encoding="utf-8-sig")
    people, errors = read_subscriber_csv(text, shanghai_today())
    for error in errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    if errors:
        print("nothing imported", file=sys.stderr)
        return 1
    created = 0
    with _sessions(config).begin() as session:
        for person in people:
            created += upsert_subscriber(
                session, person, status="active" if args.confirmed else "pending", now=utcnow()
            ).created
    print(f"imported {len(people)} subscriber(s), {created} new")
    return 0


def cmd_list(args, config) -> int:
    from app.cli import _sessions
    from store.subscribers import list_subscribers, subscriber_summary

    with _sessions(config)() as session:
        rows = [subscriber_summary(s) for s in list_subscribers(session)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            certs = ", ".join(f"{c['qualification']}({c['obtained']})" for c in row["certificates"])
            print(f"{row['email']:<32} {row['status']:<12} {row['region']:<10} {certs}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("subscribers", help="import, list subscribers")
    sub = p.add_subparsers(dest="subscribers_command", required=True)
    q = sub.add_parser("import", help="import subscribers from CSV (" + ",".join(CSV_HEADER) + ")")
    q.add_argument("file", metavar="FILE.csv")
    q.add_argument("--confirmed", action="store_true", help="the people already consented: make them active")
    q.set_defaults(func=cmd_import)
    q = sub.add_parser("list")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_list)
