"""Building notices and subscribers for alert tests, through the store's own entry points."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from parsers.types import EligibleRange, Fee, ParsedNotice, Window
from store.notices import FetchedNotice, record_fetch
from store.subscribers import CertificateData, SubscriberData, upsert_subscriber

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
URL = "https://www.ruankao.org.cn/article/content/{}.html"


def notice(
    number: int = 1,
    *,
    kind: str = "registration",
    region: str = "national",
    start: date = date(2026, 3, 2),
    end: date = date(2026, 3, 20),
    eligible: tuple[tuple[str | None, str | None], ...] = ((None, "2022"),),
    fee: int | None = 30,
    title: str = "关于2026年计算机技术与软件专业技术资格证书登记的通知",
    url: str | None = None,
    text: str = "正文",
    published: date = date(2026, 2, 20),
) -> FetchedNotice:
    parsed = ParsedNotice(
        title=title,
        kind=kind,
        region=region,
        published=published,
        windows=(
            Window("登记", start, end, f"登记时间为{start.month}月{start.day}日至{end.month}月{end.day}日"),
        ),
        eligible=tuple(EligibleRange(lo, hi, f"{hi or ''}年度及以前取得证书的人员") for lo, hi in eligible),
        fees=(Fee(Decimal(fee), "登记费", "人", f"登记费每人{fee}元"),) if fee is not None else (),
    )
    return FetchedNotice("ruankao", url or URL.format(number), title, published, text, parsed, NOW)


def add_notice(sessions, fetched: FetchedNotice) -> str:
    with sessions.begin() as s:
        return record_fetch(s, fetched)


def add_subscriber(
    sessions,
    email: str,
    *certificates: str | tuple[str, date],
    region: str = "天津市红桥区",
    status: str = "active",
    digest: bool = True,
    kinds: tuple[str, ...] = (),
    reminder_days: int = 3,
    qualification: str = "信息系统项目管理师",
) -> int:
    certs = []
    for cert in certificates:
        obtained, registered = cert if isinstance(cert, tuple) else (cert, None)
        certs.append(CertificateData(qualification, "", obtained, registered))
    data = SubscriberData(
        email, region, tuple(certs), alert_kinds=kinds, reminder_days=reminder_days, digest=digest
    )
    with sessions.begin() as s:
        return upsert_subscriber(s, data.validated(TODAY), status=status, now=NOW).subscriber.id
