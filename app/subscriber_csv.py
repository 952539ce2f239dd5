"""The subscribers' CSV format, read and written: what ``subscribers import`` and ``export`` exchange.

Header ``email,name,region,qualification,level,obtained,last_registered,alert_kinds,exam_sessions,
reminder_days,digest,expiry_reminders`` (the last five may be left out, as in files written before
they existed, and then take the defaults), one row per certificate, several rows per address;
``region``, ``alert_kinds`` and ``exam_sessions`` cells list several values separated by 、 (or
; , ，；); ``digest`` and ``expiry_reminders`` are 是 or 否. Export writes every column, so a file that
moves people between two installations (SQLite to PostgreSQL) keeps every choice they made.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by the commands only: ``ruankao-watch parse`` must start fast
    from store.models import Subscriber
    from store.subscribers import SubscriberData

CSV_HEADER = (
    "email", "name", "region", "qualification", "level", "obtained", "last_registered",
    "alert_kinds", "exam_sessions", "reminder_days", "digest", "expiry_reminders",
)  # fmt: skip
# The columns every file has; files written before the preferences were carried lack the rest,
# which then take SubscriberData's defaults (a file moving people between two installations
# must not reset their reminder days or digest choice, so export writes them all).
CSV_REQUIRED = CSV_HEADER[:7]
# How a yes/no preference is written: 是/否 as exported, and what people type in a spreadsheet.
_YES, _NO = {"是", "yes", "true", "1", "y"}, {"否", "no", "false", "0", "n"}
# What separates several values in one cell or one option: 、 as Chinese lists are written,
# and the separators people type in a spreadsheet or a shell.
_LIST_SEPARATORS = re.compile(r"[、,，;；]")


@dataclass
class CsvRead:
    """What a CSV file holds: one SubscriberData per address, and the bad lines with their reasons."""

    people: list[SubscriberData]
    errors: list[str]


def decode_csv(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was in: UTF-8 with or without BOM, else GB18030.

    Excel on Chinese Windows saves "CSV" in GB18030 (GBK); a UTF-8 file that is not valid
    UTF-8 is almost never valid GB18030 by accident, so trying UTF-8 first is safe.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 (with BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "GB18030"


# OWASP "CSV injection": a cell starting with one of these is a formula to a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``: shown as text by Excel and WPS, never run."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _restore_cell(value: str) -> str:
    """The inverse of ``neutralise_cell``, so that an exported file imports back as it was."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def split_list(text: str) -> list[str]:
    """``天津、北京`` (or ``天津,北京``, ``天津；北京``) → ``["天津", "北京"]``; empty items dropped."""
    return [item.strip() for item in _LIST_SEPARATORS.split(text) if item.strip()]


def _topics(cell: str) -> tuple[str, ...]:
    """Topics by label (成绩公布, as exported) or by value (results); an unknown one is left for validation."""
    from core.vocab import Topic

    by_label = {topic.label: topic.value for topic in Topic}
    return tuple(by_label.get(item, item) for item in split_list(cell))


def read_subscriber_csv(text: str, today: date) -> CsvRead:
    """Validate every row; rows of one address are merged, and must agree on all but the certificate."""
    from store.subscribers import CertificateData, InvalidSubscription, SubscriberData

    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in reader.fieldnames or []]
    if len(set(fields)) != len(fields) or not set(CSV_REQUIRED) <= set(fields) <= set(CSV_HEADER):
        return CsvRead(
            [],
            [
                f"line 1: the header must be {','.join(CSV_HEADER)}, the last five optional"
                f" (got {','.join(fields) or 'nothing'})"
            ],
        )
    people: dict[str, SubscriberData] = {}
    errors: list[str] = []
    for row in reader:
        line = reader.line_num
        row = {k.strip(): _restore_cell((v or "").strip()) for k, v in row.items() if k}
        try:
            certificates = ()
            if row["qualification"] or row["level"] or row["obtained"] or row["last_registered"]:
                certificates = (
                    CertificateData(
                        row["qualification"], row["level"], row["obtained"], _date(row["last_registered"])
                    ),
                )
            data = SubscriberData(
                row["email"], tuple(split_list(row["region"])), certificates, row["name"] or None,
                alert_kinds=_topics(row.get("alert_kinds", "")),
                exam_sessions=tuple(split_list(row.get("exam_sessions", ""))),
                **_preferences(row),
            ).validated(today)  # fmt: skip
            known = people.get(data.email)
            if known is not None:
                if _shared(known) != _shared(data) or (data.name and known.name and data.name != known.name):
                    raise InvalidSubscription(
                        f"{data.email} 的姓名、地区、提醒类型、考试或提醒设置与前面的行不一致"
                    )
                data = replace(
                    known, name=known.name or data.name, certificates=known.certificates + certificates
                )
        except InvalidSubscription as exc:
            errors.append(f"line {line}: {exc}")
            continue
        people[data.email] = data
    return CsvRead(list(people.values()), errors)


def _shared(data: SubscriberData) -> SubscriberData:
    """What every row of one address must repeat: all but the name (said once is enough) and the certificate.

    Derived from the whole record, so a preference added to SubscriberData is compared without being listed here.
    """
    return replace(data, name=None, certificates=())


def _preferences(row: dict[str, str]) -> dict[str, int | bool]:
    """The row's reminder days, digest and expiry-reminder choice; an empty or absent cell keeps the default."""
    from core.text import quoted
    from store.subscribers import InvalidSubscription

    chosen: dict[str, int | bool] = {}
    days = row.get("reminder_days", "")
    if days:
        if not days.isascii() or not days.isdigit():
            raise InvalidSubscription(f"reminder_days 应为 0 到 60 的整数：{quoted(days, 20)}")
        chosen["reminder_days"] = int(days)
    for column in ("digest", "expiry_reminders"):
        cell = row.get(column, "").lower()
        if cell in _YES or cell in _NO:
            chosen[column] = cell in _YES
        elif cell:
            raise InvalidSubscription(f"{column} 应为 是 或 否：{quoted(row[column], 20)}")
    return chosen


def _date(text: str) -> date | None:
    from core.text import quoted
    from store.subscribers import InvalidSubscription

    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise InvalidSubscription(f"last_registered 应为 YYYY-MM-DD：{quoted(text, 20)}") from None


def write_subscriber_csv(subscribers: Iterable[Subscriber]) -> str:
    """The file ``read_subscriber_csv`` reads back as it was: one row per certificate, every column."""
    from core.sessions import session_name
    from core.vocab import Topic

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for s in subscribers:
        rows = [
            (c.qualification, c.level, c.obtained, c.last_registered.isoformat() if c.last_registered else "")
            for c in s.certificates
        ] or [("", "", "", "")]
        topics = "、".join(Topic(k).label for k in s.alert_kinds if k in Topic.values())
        exams = "、".join(session_name(o) for o in s.exam_sessions or [])
        person = (s.email, s.name or "", "、".join(s.region_names))
        settings = (str(s.reminder_days), _yes_no(s.digest), _yes_no(s.expiry_reminders))
        for row in rows:
            writer.writerow([neutralise_cell(cell) for cell in (*person, *row, topics, exams, *settings)])
    return out.getvalue()


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"
