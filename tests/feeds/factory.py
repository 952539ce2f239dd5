"""Feed test data: notices as the crawler records them (``store.notices.record_fetch``), subscribers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from parsers.types import EligibleRange, Fee, ParsedNotice, Window
from store.notices import FetchedNotice
from store.subscribers import CertificateData, SubscriberData, upsert_subscriber

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
# No NUL here: PostgreSQL text cannot hold one at all (test_render covers NUL without a database).
HOSTILE_TITLE = "关于<script>alert(1)</script>登记]]><x>的通知\x08\x1b\u202egpj.exe\u200b"


def fetched(
    url: str,
    *,
    title: str = "关于2026年上半年证书登记的通知",
    kind: str = "registration",
    region: str = "national",
    published: date | None = date(2026, 2, 20),
    end: date | datetime = datetime(2026, 3, 20, 17, 0),
    fee: str = "30",
    text: str = "正文",
    at: datetime = NOW,
    attachments: list[dict] | None = None,
) -> FetchedNotice:
    parsed = ParsedNotice(
        title=title,
        kind=kind,
        region=region,
        published=published,
        windows=(
            Window("登记", datetime(2026, 3, 2, 9, 0), end, "登记时间为2026年3月2日9:00至3月20日17:00。"),
            Window("领取", date(2026, 4, 1), date(2026, 4, 10), "证书领取时间为4月1日至4月10日。"),
        ),
        eligible=(EligibleRange(None, "2021", "2021年及以前取得证书的人员"),),
        fees=(Fee(Decimal(fee), "登记费", "人", f"登记费每人{fee}元。"),),
    )
    return FetchedNotice("ruankao", url, title, published, text, parsed, at, attachments or [])


def subscribe(session, email: str, obtained: str, region: str = "天津市红桥区") -> int:
    data = SubscriberData(email, region, (CertificateData("信息系统项目管理师", "高级", obtained),))
    return upsert_subscriber(
        session, data.validated(date(2026, 3, 1)), status="active", now=NOW
    ).subscriber.id
