"""Matching in SQL: which active subscribers a notice or a reminder concerns, written straight into ``alert``.

The work is one INSERT … SELECT per alert kind (for notices, per open notice and kind:
the few notice rows are read first), so it scales with the database rather than with a
Python loop over subscribers, and ``ON CONFLICT DO NOTHING`` on the alert's
unique key makes a re-run (or two overlapping runs) queue nothing twice. Bundling alerts
into outbox mails happens here too, in the same transaction, so an alert is never
queued without the mail that will carry it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from core.places import cities_with_own_office
from core.sessions import REGISTRATION_YEARS, registration_basis, shift_years
from core.vocab import CERTIFICATE_KINDS, NOTICE_ALERT_KINDS
from store.models import (
    Alert,
    Certificate,
    EligibleRange,
    Mail,
    Notice,
    NoticeVersion,
    NoticeWindow,
    Subscriber,
)

# Days before the registration lapses on which a reminder goes out; the first is the earliest.
EXPIRY_REMINDER_DAYS = (180, 30)

_ALERT_COLUMNS = [
    "subscriber_id",
    "kind",
    "about",
    "notice_id",
    "version_id",
    "certificate_id",
    "detail",
    "created_at",
]


def _insert(session: Session, model=Alert):
    """The dialect's INSERT, which knows ON CONFLICT DO NOTHING on both backends."""
    dialect = postgresql if _is_postgres(session) else sqlite
    return dialect.insert(model)


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _insert_alerts(session: Session, query) -> int:
    """Run INSERT … SELECT ``query`` into ``alert``, skipping duplicates; returns how many were added."""
    stmt = (
        _insert(session)
        .from_select(_ALERT_COLUMNS, query)
        .on_conflict_do_nothing(index_elements=["subscriber_id", "kind", "about"])
    )
    # Counted in the database, not by fetching a row per alert back into Python, which costs
    # as much as the matching. psycopg reports no rowcount here, so PostgreSQL counts the
    # RETURNING rows of a data-modifying CTE; SQLite's rowcount is exact.
    if _is_postgres(session):
        return session.scalar(select(func.count()).select_from(stmt.returning(Alert.id).cte("added")))
    return session.connection().execute(stmt).rowcount


def _json_object(session: Session, **values):
    """SQL: a JSON object built from columns (json_build_object / json_object)."""
    name = "json_build_object" if _is_postgres(session) else "json_object"
    args = [part for key, value in values.items() for part in (literal(key), value)]
    return getattr(func, name)(*args, type_=JSON)


def _days_from(session: Session, today: date, column):
    """SQL: whole days from ``today`` to the date ``column``."""
    if _is_postgres(session):
        return column - literal(today)
    return func.julianday(column) - func.julianday(literal(today.isoformat()))


def _wants_kind(kind: str):
    """SQL: the subscriber chose this topic (topics are stored spelled out, see SubscriberData)."""
    return cast(Subscriber.alert_kinds, String).like(f'%"{kind}"%')


def _region_matches(region: str):
    """SQL: a national notice concerns everyone; a city one its city; a provincial one its province,
    except the cities there with an examining institution of their own (a 辽宁 notice is not
    for 大连, whose own institution has its own row and notices)."""
    if region == "national":
        return true()
    own = cities_with_own_office(region)
    province = Subscriber.province == region
    if own:
        province = and_(province, Subscriber.city.not_in(own))
    return or_(province, Subscriber.city == region)


def _open_window(today: date):
    """SQL: the notice's current version has a window that has not closed by ``today``."""
    return exists().where(
        NoticeWindow.version_id == NoticeVersion.id,
        or_(NoticeWindow.end_date.is_(None), NoticeWindow.end_date >= today),
    )


def _text(column):
    return cast(column, String)


@dataclass(frozen=True)
class _OpenNotice:
    """A current notice version with an open window, and its eligible ranges as session ordinals."""

    notice_id: int
    version_id: int
    kind: str
    region: str
    published: date | None
    ranges: tuple[tuple[int, int], ...]


def _open_notices(session: Session, today: date) -> list[_OpenNotice]:
    """The notices matching is about, read once.

    Window, kind and region are properties of the notice, not of the subscriber: deciding
    them here, over a handful of rows, leaves the per-certificate statements only the
    per-certificate conditions, with the notice's values bound as constants.
    """
    rows = session.execute(
        select(
            Notice.id,
            NoticeVersion.id,
            NoticeVersion.kind,
            NoticeVersion.region,
            Notice.published_date,
            EligibleRange.low,
            EligibleRange.high,
        )
        .join(NoticeVersion, NoticeVersion.id == Notice.current_version_id)
        .outerjoin(EligibleRange, EligibleRange.version_id == NoticeVersion.id)
        .where(_open_window(today))
        .order_by(NoticeVersion.id, EligibleRange.position)
    )
    notices: dict[int, _OpenNotice] = {}
    for notice_id, version_id, kind, region, published, low, high in rows:
        found = notices.setdefault(
            version_id, _OpenNotice(notice_id, version_id, kind, region, published, ())
        )
        if low is not None:
            notices[version_id] = replace(found, ranges=(*found.ranges, (low, high)))
    return list(notices.values())


def queue_notice_alerts(session: Session, *, today: date, now: datetime) -> Counter[str]:
    """Queue an alert for every subscriber a current notice with an open window concerns.

    "Concerns" means: the subscriber is active and chose the notice's kind, the notice is
    national or in their province or city, and, for registration and collection notices,
    one of their certificates lies in an eligible range (the alert names the first such
    certificate). A late-registration notice (补登记) is its own alert kind and goes only to
    holders who have not registered since the notice came out: those who missed the window.
    Returns the alerts added, by kind.

    One INSERT … SELECT per open notice, with the notice's values as constants: as one
    statement over notices × subscribers × ranges, SQLite took 1.6–1.9× a bare insert of the
    same rows (BENCHMARKS.md, Alerts). The passes run in a fixed order (certificate notices,
    late registration, the rest), so alert ids, and the Message-IDs derived from them,
    follow it as they did when each pass was one statement.
    """

    def select_alerts(notice: _OpenNotice, kind: str, subscriber_id, certificate_id):
        return select(
            subscriber_id,
            literal(kind),
            literal(f"notice:{notice.notice_id}"),
            literal(notice.notice_id),
            literal(notice.version_id),
            certificate_id,
            literal({}, JSON),
            literal(now, DateTime(timezone=True)),
        ).where(Subscriber.status == "active", _region_matches(notice.region), _wants_kind(notice.kind))

    def holders(notice: _OpenNotice, kind: str, *conditions):
        # Certificates drive the join and the grouping is on certificate.subscriber_id, so
        # SQLite walks the certificate index in subscriber order, looks each subscriber up
        # by primary key and groups without a sort; grouping on subscriber.id made it scan
        # subscribers and search the certificate index once per subscriber instead.
        eligible = or_(
            *(
                and_(Certificate.obtained_low <= high, Certificate.obtained_high >= low)
                for low, high in notice.ranges
            )
        )
        return (
            select_alerts(notice, kind, Certificate.subscriber_id, func.min(Certificate.id))
            .select_from(Certificate)
            .join(Subscriber, Subscriber.id == Certificate.subscriber_id)
            .where(eligible, *conditions)
            .group_by(Certificate.subscriber_id)
        )

    def missed(notice: _OpenNotice):
        if notice.published is None:
            return true()
        return or_(Certificate.last_registered.is_(None), Certificate.last_registered < notice.published)

    notices = _open_notices(session, today)
    counts: Counter[str] = Counter(new_window=0, late_registration=0)
    for notice in notices:
        if notice.kind in CERTIFICATE_KINDS and notice.kind != "late_registration" and notice.ranges:
            counts["new_window"] += _insert_alerts(session, holders(notice, "new_window"))
    for notice in notices:
        if notice.kind == "late_registration" and notice.ranges:
            counts["late_registration"] += _insert_alerts(
                session, holders(notice, "late_registration", missed(notice))
            )
    for notice in notices:
        if notice.kind not in CERTIFICATE_KINDS:
            everyone = select_alerts(notice, "new_window", Subscriber.id, literal(None, Integer))
            counts["new_window"] += _insert_alerts(session, everyone)
    return counts


def _last_alerted_versions():
    """Per (subscriber, notice): the newest version the subscriber was told about."""
    return (
        select(
            Alert.subscriber_id.label("subscriber_id"),
            Alert.notice_id.label("notice_id"),
            func.max(Alert.version_id).label("version_id"),
        )
        .where(Alert.kind.in_(NOTICE_ALERT_KINDS))
        .group_by(Alert.subscriber_id, Alert.notice_id)
        .subquery()
    )


@dataclass(frozen=True)
class VersionChange:
    """A notice whose current version differs from one some subscribers were alerted about."""

    notice_id: int
    from_version_id: int
    to_version_id: int
    before: dict
    after: dict


def changed_notices(session: Session) -> list[VersionChange]:
    """The (notice, version told about) pairs now outdated; the caller decides what changed.

    There are as many pairs as amended notices (not subscribers), so the diff is taken
    once per pair in Python and the per-subscriber work stays in SQL.
    """
    last = _last_alerted_versions()
    pairs = (
        select(Notice.id.label("notice_id"), last.c.version_id, Notice.current_version_id)
        .distinct()
        .join(Notice, Notice.id == last.c.notice_id)
        .where(last.c.version_id != Notice.current_version_id)
        .subquery()
    )
    older = aliased(NoticeVersion)
    rows = session.execute(
        select(pairs.c.notice_id, older.id, NoticeVersion.id, older.parsed, NoticeVersion.parsed)
        .join(NoticeVersion, NoticeVersion.id == pairs.c.current_version_id)
        .join(older, older.id == pairs.c.version_id)
        .order_by(pairs.c.notice_id, older.id)
    )
    return [VersionChange(*row) for row in rows]


def queue_change_alerts(
    session: Session, change: VersionChange, changes: list[str], *, today: date, now: datetime
) -> int:
    """Queue a ``changed`` alert, with the field-by-field ``changes``, for everyone told about the old version.

    Only while a window of the notice is still open: a correction to a finished window
    is news to nobody.
    """
    last = _last_alerted_versions()
    query = (
        select(
            last.c.subscriber_id,
            literal("changed"),
            literal(f"notice:{change.notice_id}:version:{change.to_version_id}"),
            literal(change.notice_id),
            literal(change.to_version_id),
            literal(None, Integer),
            literal({"from_version_id": change.from_version_id, "changes": changes}, JSON),
            literal(now, DateTime(timezone=True)),
        )
        .select_from(last)
        .join(Subscriber, Subscriber.id == last.c.subscriber_id)
        .join(NoticeVersion, NoticeVersion.id == change.to_version_id)
        .where(
            last.c.notice_id == change.notice_id,
            last.c.version_id == change.from_version_id,
            Subscriber.status == "active",
            _open_window(today),
        )
    )
    return _insert_alerts(session, query)


def queue_closing_alerts(session: Session, *, today: date, now: datetime) -> int:
    """Queue ``closing_soon`` for each open window ending within the subscriber's ``reminder_days``.

    Only for notices the subscriber was alerted about in an earlier run (an alert already
    in a mail): someone who hears of a notice today gets the notice, not a second line.
    The key includes the end date, so an extended window is reminded of again.
    """
    told = (
        select(Alert.subscriber_id, Alert.notice_id)
        .where(Alert.kind.in_(NOTICE_ALERT_KINDS), Alert.mail_id.is_not(None))
        .distinct()
        .subquery()
    )
    query = (
        select(
            Subscriber.id,
            literal("closing_soon"),
            literal("closing:")
            + _text(Notice.id)
            + literal(":")
            + _text(NoticeWindow.position)
            + literal(":")
            + _text(NoticeWindow.end_date),
            Notice.id,
            NoticeVersion.id,
            literal(None, Integer),
            _json_object(session, window=NoticeWindow.position),
            literal(now, DateTime(timezone=True)),
        )
        .select_from(told)
        .join(Subscriber, Subscriber.id == told.c.subscriber_id)
        .join(Notice, Notice.id == told.c.notice_id)
        .join(NoticeVersion, NoticeVersion.id == Notice.current_version_id)
        .join(NoticeWindow, NoticeWindow.version_id == NoticeVersion.id)
        .where(
            Subscriber.status == "active",
            _wants_kind("reminders"),
            NoticeWindow.end_date >= today,
            _days_from(session, today, NoticeWindow.end_date) <= Subscriber.reminder_days,
        )
    )
    return _insert_alerts(session, query)


def queue_expiry_alerts(
    session: Session, *, today: date, now: datetime, days_ahead: tuple[int, ...] = EXPIRY_REMINDER_DAYS
) -> int:
    """Queue ``expiry`` reminders for certificates whose registration lapses within a reminder stage.

    Each stage (180 and 30 days ahead by default) fires once per registration period: the
    key names the period's start, so registering again starts a new cycle. A certificate
    found late gets only the nearest stage. Subscribers who turned expiry reminders off,
    or reminders altogether, get none. The period start is a range over columns (the
    registration date, or the session ordinal), so the condition uses the indexes.
    """
    stages = sorted(days_ahead, reverse=True)
    added = 0
    for index, ahead in enumerate(stages):
        nearer = stages[index + 1] if index + 1 < len(stages) else -1
        # today ∈ (expiry - ahead … expiry - nearer] ⇔ basis ∈ [today + nearer + 1 - 3y … today + ahead - 3y]
        first = shift_years(today + timedelta(days=nearer + 1), -REGISTRATION_YEARS)
        last = shift_years(today + timedelta(days=ahead), -REGISTRATION_YEARS)
        ordinals = [
            year * 10 + half
            for year in range(first.year - 1, last.year + 1)
            for half in (1, 2)
            if first <= registration_basis(year * 10 + half, None) <= last
        ]
        in_stage = or_(
            Certificate.last_registered.between(first, last),
            and_(Certificate.last_registered.is_(None), Certificate.obtained_high.in_(ordinals)),
        )
        basis = func.coalesce(_text(Certificate.last_registered), _text(Certificate.obtained_high))
        query = (
            select(
                Subscriber.id,
                literal("expiry"),
                # Named by qualification and session, not by the certificate row: one removed
                # and entered again on the manage page is the same certificate, reminded once.
                literal("expiry:")
                + Certificate.qualification
                + literal(":")
                + _text(Certificate.obtained_high)
                + literal(":")
                + basis
                + literal(f":{ahead}"),
                literal(None, Integer),
                literal(None, Integer),
                Certificate.id,
                literal({"days_ahead": ahead}, JSON),
                literal(now, DateTime(timezone=True)),
            )
            .select_from(Certificate)
            .join(Subscriber, Subscriber.id == Certificate.subscriber_id)
            .where(
                Subscriber.status == "active",
                Subscriber.expiry_reminders.is_(True),  # its own switch, not 截止前提醒 (deadlines)
                in_stage,
            )
        )
        added += _insert_alerts(session, query)
    return added


def bundle_alerts_into_mails(session: Session, *, now: datetime, domain: str) -> int:
    """Put every alert not yet in a mail into a pending mail: one per subscriber, or one per alert.

    Digest subscribers get one mail for all their new alerts; those who chose instant
    mail (``digest`` false) one per alert. The Message-ID is fixed here, once, derived
    from the first alert the mail carries, so that a retry sends the same identity and
    two overlapping runs cannot create two mails for the same alerts (the second insert
    conflicts on the Message-ID). Returns how many mails were created.
    """
    first_alert = (
        select(
            Alert.subscriber_id.label("subscriber_id"),
            case(
                (Subscriber.digest.is_(True), func.min(Alert.id).over(partition_by=Alert.subscriber_id)),
                else_=Alert.id,
            ).label("key"),
        )
        .join(Subscriber, Subscriber.id == Alert.subscriber_id)
        .where(Alert.mail_id.is_(None))
        .subquery()
    )
    prefix, suffix = "<ruankao-watch.alert-", f"@{domain}>"
    keys = select(first_alert.c.subscriber_id, first_alert.c.key).distinct().subquery()
    insert_mails = (
        _insert(session, Mail)
        .from_select(
            [
                "subscriber_id",
                "recipient",
                "purpose",
                "status",
                "attempts",
                "next_attempt_at",
                "message_id",
                "detail",
                "created_at",
            ],
            select(
                keys.c.subscriber_id,
                Subscriber.email,
                literal("alert"),
                literal("pending"),
                literal(0),
                literal(now, DateTime(timezone=True)),
                literal(prefix) + _text(keys.c.key) + literal(suffix),
                literal({}, JSON),
                literal(now, DateTime(timezone=True)),
            ).join(Subscriber, Subscriber.id == keys.c.subscriber_id),
        )
        .on_conflict_do_nothing(index_elements=["message_id"])
    )
    created = len(session.execute(insert_mails.returning(Mail.id)).all())
    if created:
        instant = select(Mail.id).where(
            Mail.message_id == literal(prefix) + _text(Alert.id) + literal(suffix)
        )
        digest = select(func.max(Mail.id)).where(
            Mail.subscriber_id == Alert.subscriber_id,
            Mail.purpose == "alert",
            Mail.created_at == literal(now, DateTime(timezone=True)),
        )
        is_digest = select(Subscriber.digest).where(Subscriber.id == Alert.subscriber_id)
        session.execute(
            update(Alert)
            .where(Alert.mail_id.is_(None))
            .values(
                mail_id=case(
                    (is_digest.scalar_subquery().is_(True), digest.scalar_subquery()),
                    else_=instant.scalar_subquery(),
                )
            )
        )
    return created
