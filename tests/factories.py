"""Test data built once for every test package: stored notices, subscribers, configs, SMTP servers, ports.

Notices and subscribers go through the store's own entry points (``record_fetch``,
``upsert_subscriber``), so a test stores exactly what the crawler and the sign-up would.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy.orm import Session, sessionmaker

from core.config import Settings
from core.windows import Window
from parsers.types import EligibleRange, Fee, ParsedNotice
from store.notices import FetchedNotice, record_fetch
from store.subscribers import CertificateData, SubscriberData, upsert_subscriber
from testkit.ports import free_port
from testkit.smtp import MailSink, Received, ScriptedHandler, SmtpServer

__all__ = [
    "NOW",
    "TODAY",
    "MailSink",
    "Received",
    "ScriptedHandler",
    "SmtpServer",
    "add_notice",
    "add_subscriber",
    "config",
    "free_port",
    "notice",
    "self_signed_certificate",
]

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
URL = "https://www.ruankao.org.cn/article/content/{}.html"


def notice(
    number: int = 1,
    *,
    kind: str = "registration",
    region: str = "national",
    start: date | datetime = date(2026, 3, 2),
    end: date | datetime = date(2026, 3, 20),
    collect: tuple[date, date] | None = None,
    eligible: tuple[tuple[str | None, str | None], ...] = ((None, "2022"),),
    fee: int | str | None = 30,
    title: str = "关于2026年计算机技术与软件专业技术资格证书登记的通知",
    url: str | None = None,
    text: str = "正文",
    published: date | None = date(2026, 2, 20),
    source: str = "ruankao",
    at: datetime = NOW,
    attachments: list[dict] | None = None,
) -> FetchedNotice:
    """A notice as the crawler hands it to the store: one 登记 window (plus a 领取 one with ``collect``)."""
    windows = [
        Window("登记", start, end, f"登记时间为{start.month}月{start.day}日至{end.month}月{end.day}日")
    ]
    if collect:
        windows.append(Window("领取", *collect, f"证书领取时间为{collect[0].month}月{collect[0].day}日起"))
    parsed = ParsedNotice(
        title=title,
        kind=kind,
        region=region,
        published=published,
        windows=tuple(windows),
        eligible=tuple(EligibleRange(lo, hi, f"{hi or ''}年度及以前取得证书的人员") for lo, hi in eligible),
        fees=(Fee(Decimal(str(fee)), "登记费", "人", f"登记费每人{fee}元"),) if fee is not None else (),
    )
    return FetchedNotice(
        source, url or URL.format(number), title, published, text, parsed, at, attachments or []
    )


def add_notice(sessions: sessionmaker, fetched: FetchedNotice) -> str:
    """Store ``fetched`` in its own transaction; returns ``new``, ``changed`` or ``unchanged``."""
    with sessions.begin() as s:
        return record_fetch(s, fetched)


def add_subscriber(
    db: Session | sessionmaker,
    email: str,
    *certificates: str | tuple[str, date],
    region: str | tuple[str, ...] = "天津市红桥区",  # one region, or several; "" or (): none
    status: str = "active",
    digest: bool = True,
    kinds: tuple[str, ...] = (),
    reminder_days: int = 3,
    qualification: str = "信息系统项目管理师",
    exam_sessions: tuple[str, ...] = (),
) -> int:
    """A subscriber holding one certificate per ``certificates`` entry (obtained, or (obtained, registered)).

    ``db`` is a session (the caller's transaction) or a sessionmaker (a transaction of its own).
    """
    certs = []
    for cert in certificates:
        obtained, registered = cert if isinstance(cert, tuple) else (cert, None)
        certs.append(CertificateData(qualification, "", obtained, registered))
    regions = (region,) if isinstance(region, str) and region else tuple(region)
    data = SubscriberData(
        email, regions, tuple(certs), alert_kinds=kinds, reminder_days=reminder_days, digest=digest,
        exam_sessions=exam_sessions,
    ).validated(TODAY)  # fmt: skip
    if isinstance(db, Session):
        return upsert_subscriber(db, data, status=status, now=NOW).subscriber.id
    with db.begin() as s:
        return upsert_subscriber(s, data, status=status, now=NOW).subscriber.id


def config(database_url: str, smtp_port: int = 9, **changes: object) -> Settings:
    """A test configuration: a secret, example addresses, no rate limit (tests run at loopback speed).

    The default SMTP port 9 (discard) has no listener: a send attempt fails fast and the mail stays queued.
    """
    values: dict = {
        "database_url": database_url,
        "smtp_url": f"smtp://127.0.0.1:{smtp_port}?timeout=2",
        "mail_from": "软考提醒 <alerts@example.org>",
        "base_url": "https://watch.example.org",
        "secret": "test-secret",
        "admin_email": "ops@example.org",
        "send_concurrency": 2,
        "send_rate_per_second": 1e6,  # no pacing at loopback speed
        "send_rate_per_hour": 100000,
    }
    return Settings(**{**values, **changes})


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that nobody vouches for, and its key: (cert.pem, key.pem) in ``directory``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file
