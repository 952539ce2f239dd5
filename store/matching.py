"""Whom a notice concerns, in SQL: the conditions matching is made of, and the alert insert.

The queues themselves are ``store.notice_alerts`` (a notice concerns you, it changed) and
``store.reminders`` (a deadline is near, a registration lapses). Each is one INSERT …
SELECT per alert kind (for notices, per open notice: the few notice rows are read first,
``open_notices``), so it scales with the database rather than with a Python loop over
subscribers, and ``ON CONFLICT DO NOTHING`` on the alert's unique key makes a re-run (or
two overlapping runs) queue nothing twice. The rules are written up in docs/matching.md.
Bundling alerts into outbox mails is the outbox's (``store.outbox``), in the same
transaction, so an alert is never queued without the mail that will carry it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import (
    JSON,
    Integer,
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.places import cities_with_own_office
from core.sessions import REGISTRATION_YEARS, session_bounds, shift_years
from core.vocab import CANDIDATE_KINDS, CERTIFICATE_KINDS, NoticeKind, SubscriberStatus
from store.models import (
    Alert,
    Certificate,
    Notice,
    NoticeEligibility,
    NoticeVersion,
    NoticeWindow,
    Subscriber,
    SubscriberRegion,
)

# Parsed fields whose uncertainty widens whom a notice may concern (the alert then says so).
UNSURE_FIELDS = ("eligible", "region")
# Days before the registration lapses on which a reminder goes out; the first is the earliest.
EXPIRY_REMINDER_DAYS = (180, 30)
# A results notice with no window to act in (成绩公布) is news for this many days after publication.
RESULTS_FRESH_DAYS = 30

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


def insert_into(session: Session, model=Alert):
    """The dialect's INSERT, which knows ON CONFLICT DO NOTHING on both backends."""
    dialect = postgresql if is_postgres(session) else sqlite
    return dialect.insert(model)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_alerts(session: Session, query) -> int:
    """Run INSERT … SELECT ``query`` into ``alert``, skipping duplicates; returns how many were added."""
    stmt = (
        insert_into(session)
        .from_select(_ALERT_COLUMNS, query)
        .on_conflict_do_nothing(index_elements=["subscriber_id", "kind", "about"])
    )
    # Counted in the database, not by fetching a row per alert back into Python, which costs
    # as much as the matching. psycopg reports no rowcount here, so PostgreSQL counts the
    # RETURNING rows of a data-modifying CTE; SQLite's rowcount is exact.
    if is_postgres(session):
        return session.scalar(select(func.count()).select_from(stmt.returning(Alert.id).cte("added")))
    return session.connection().execute(stmt).rowcount


def json_object(session: Session, **values):
    """SQL: a JSON object built from columns (json_build_object / json_object)."""
    name = "json_build_object" if is_postgres(session) else "json_object"
    args = [part for key, value in values.items() for part in (literal(key), value)]
    return getattr(func, name)(*args, type_=JSON)


def days_from(session: Session, today: date, column):
    """SQL: whole days from ``today`` to the date ``column``."""
    if is_postgres(session):
        return column - literal(today)
    return func.julianday(column) - func.julianday(literal(today.isoformat()))


def wants_topic(kind: str):
    """SQL: the subscriber chose this topic (topics are stored spelled out, see SubscriberData)."""
    return cast(Subscriber.alert_kinds, String).like(f'%"{kind}"%')


def region_matches(region: str, subscriber_id=Subscriber.id):
    """SQL: a national notice concerns everyone; a city one its city; a provincial one its province,
    except the cities there with an examining institution of their own (a 辽宁 notice is not
    for 大连, whose own institution has its own row and notices).

    A subscriber with several regions is concerned when any one matches; one with none
    gets national notices only. ``core.places.place_concerned`` is the same rule in Python.
    The subquery does not depend on the subscriber, so the database reads the few
    matching region rows once rather than once per subscriber. ``subscriber_id`` is the
    column the statement is driven by: testing the certificate's own column lets SQLite
    answer from the certificate row it already holds, without a second look-up by key.
    """
    if region == "national":
        return true()
    own = cities_with_own_office(region)
    province = SubscriberRegion.province == region
    if own:
        province = and_(province, SubscriberRegion.city.not_in(own))
    return subscriber_id.in_(
        select(SubscriberRegion.subscriber_id).where(or_(province, SubscriberRegion.city == region))
    )


def open_window(today: date, version_id=NoticeVersion.id):
    """SQL: the version ``version_id`` (the one in the query, by default) has a window not closed by ``today``."""
    return exists().where(
        NoticeWindow.version_id == version_id,
        or_(NoticeWindow.end_date.is_(None), NoticeWindow.end_date >= today),
    )


def fresh_results(today: date):
    """SQL: a results notice without any window, published in the last ``RESULTS_FRESH_DAYS`` days.

    Results are announced, not applied for: with no window to close, the publication date
    says how long the notice is news (a results notice with a 成绩复核 window is open while it is).
    """
    return and_(
        NoticeVersion.kind == NoticeKind.RESULTS,
        ~exists().where(NoticeWindow.version_id == NoticeVersion.id),
        Notice.published_date > today - timedelta(days=RESULTS_FRESH_DAYS),
        Notice.published_date <= today,
    )


def chose_session(sessions: tuple[tuple[int, int], ...]):
    """SQL: the subscriber chose none of the exams (so every one), or one within ``sessions``.

    ``exam_sessions`` holds five-digit ordinals as JSON (``[20261, 20262]``), so a LIKE on
    its text finds one exactly, as ``wants_topic`` does for topics.
    """
    chosen = as_text(Subscriber.exam_sessions)
    ordinals = {o for low, high in sessions for o in range(low, high + 1) if o % 10 in (1, 2)}
    return or_(chosen == "[]", *(chosen.like(f"%{o}%") for o in sorted(ordinals)))


def as_text(column):
    return cast(column, String)


@dataclass(frozen=True)
class EligibleSpan:
    """An eligible range as session ordinals, with the condition text beside it (or None)."""

    low: int
    high: int
    condition: str | None


@dataclass(frozen=True)
class OpenNotice:
    """A current notice version with an open window: what decides whom it concerns."""

    notice_id: int
    version_id: int
    kind: str
    region: str
    published: date | None
    opens: date  # when its first window opens (else its publication, else today)
    ranges: tuple[EligibleSpan, ...]
    uncertain: tuple[dict, ...]  # the parser's {"field", "evidence"} for eligible or region
    sessions: tuple[tuple[int, int], ...] = ()  # the exams it is about, as ordinal ranges; () unknown

    def unsure(self, field: str) -> bool:
        return any(u.get("field") == field for u in self.uncertain)


def open_notices(session: Session, today: date, *where) -> list[OpenNotice]:
    """The current notice versions with a window still open on ``today`` (and ``where``), read once.

    A results notice without a window counts as open while it is fresh (``fresh_results``).

    Window, kind and region are properties of the notice, not of the subscriber: deciding
    them here, over a handful of rows, leaves the per-certificate statements only the
    per-certificate conditions, with the notice's values bound as constants.
    """
    first_start = (
        select(func.min(NoticeWindow.start_date))
        .where(NoticeWindow.version_id == NoticeVersion.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Notice.id,
            NoticeVersion.id,
            NoticeVersion.kind,
            NoticeVersion.region,
            Notice.published_date,
            first_start,
            NoticeVersion.parsed,
            NoticeEligibility.position,
            NoticeEligibility.low,
            NoticeEligibility.high,
        )
        .join(NoticeVersion, NoticeVersion.id == Notice.current_version_id)
        .outerjoin(NoticeEligibility, NoticeEligibility.version_id == NoticeVersion.id)
        .where(or_(open_window(today), fresh_results(today)), *where)
        .order_by(NoticeVersion.id, NoticeEligibility.position)
    )
    notices: dict[int, OpenNotice] = {}
    for notice_id, version_id, kind, region, published, starts, parsed, position, low, high in rows:
        parsed = parsed or {}
        uncertain = tuple(u for u in parsed.get("uncertain", []) if u.get("field") in UNSURE_FIELDS)
        found = notices.setdefault(
            version_id,
            OpenNotice(
                notice_id, version_id, kind, region, published, starts or published or today, (), uncertain,
                _sessions(parsed),
            ),
        )  # fmt: skip
        if low is not None:
            stated = parsed.get("eligible", [])
            condition = stated[position].get("condition") if position < len(stated) else None
            notices[version_id] = replace(found, ranges=(*found.ranges, EligibleSpan(low, high, condition)))
    return list(notices.values())


def _sessions(parsed: dict) -> tuple[tuple[int, int], ...]:
    """The exams a parsed notice names, as ordinal ranges; () when none (or none readable, or unsure)."""
    if any(u.get("field") == "session" for u in parsed.get("uncertain", [])):
        return ()
    ranges = []
    for name in parsed.get("session", []):
        try:
            ranges.append(session_bounds(str(name)))
        except ValueError:
            return ()
    return tuple(ranges)


def due_for_registration(opens: date):
    """SQL: the certificate's registration began three years or more before ``opens``.

    The last registration if the holder gave one, else its obtaining (``registration_basis``:
    the same day expiry reminders count from), so a holder who registered last spring is
    not told to register again.
    """
    cutoff = shift_years(opens, -REGISTRATION_YEARS)
    # The newest session whose obtaining counts as on or before the cutoff.
    newest = cutoff.year * 10 + 1 if cutoff >= date(cutoff.year, 7, 1) else (cutoff.year - 1) * 10 + 2
    return or_(
        Certificate.last_registered <= cutoff,
        and_(Certificate.last_registered.is_(None), Certificate.obtained_high <= newest),
    )


def in_range(notice: OpenNotice, rng: EligibleSpan):
    """SQL: the certificate lies in ``rng`` and, for a registration notice, is due for it.

    The condition text beside the years (登记有效期已满 / 满三年 / 从未登记) is honoured:
    the first two are the three-year rule itself; 从未登记 also takes in holders who gave no
    registration date, whenever they obtained the certificate.
    """
    overlaps = and_(Certificate.obtained_low <= rng.high, Certificate.obtained_high >= rng.low)
    if notice.kind != "registration":
        return overlaps
    due = due_for_registration(notice.opens)
    if rng.condition and "从未登记" in rng.condition:
        due = or_(due, Certificate.last_registered.is_(None))
    return and_(overlaps, due)


def concerned(notice: OpenNotice, columns=None, statuses: tuple[str, ...] = (SubscriberStatus.ACTIVE,)):
    """SQL: who ``notice`` concerns, one row per subscriber; None when it can name nobody.

    The one statement of the rule (docs/matching.md), for matching (``store.notice_alerts``
    inserts its rows as alerts) and for private feeds (``store.feed_queries`` asks it about
    one subscriber): the topic, the region (dropped when unsure), for sign-up and results
    notices the exams the subscriber chose (any, when they chose none or the notice names
    none), and for certificate notices a certificate in an eligible range (``in_range``;
    every holder when the ranges are unsure; late registration only for holders who have
    not registered since the notice came out). ``columns(subscriber_id, certificate_id)`` picks what is selected (default
    both; the certificate is the lowest-numbered eligible one, None for other kinds).
    """
    columns = columns or (lambda subscriber_id, certificate_id: [subscriber_id, certificate_id])
    driver = Certificate.subscriber_id if notice.kind in CERTIFICATE_KINDS else Subscriber.id
    region = true() if notice.unsure("region") else region_matches(notice.region, driver)
    chose = [Subscriber.status.in_(statuses), region, wants_topic(notice.kind)]
    if notice.kind in CANDIDATE_KINDS and notice.sessions:
        chose.append(chose_session(notice.sessions))
    if notice.kind not in CERTIFICATE_KINDS:
        return select(*columns(Subscriber.id, literal(None, Integer))).where(*chose)
    if not notice.ranges and not notice.unsure("eligible"):
        return None
    eligible = true() if notice.unsure("eligible") else or_(*(in_range(notice, r) for r in notice.ranges))
    missed = true()
    if notice.kind == "late_registration" and notice.published is not None:
        missed = or_(Certificate.last_registered.is_(None), Certificate.last_registered < notice.published)
    # Certificates drive the join and the grouping is on certificate.subscriber_id, so
    # SQLite walks the certificate index in subscriber order, looks each subscriber up by
    # primary key and groups without a sort; grouping on subscriber.id made it scan
    # subscribers and search the certificate index once per subscriber instead.
    return (
        select(*columns(Certificate.subscriber_id, func.min(Certificate.id)))
        .select_from(Certificate)
        .join(Subscriber, Subscriber.id == Certificate.subscriber_id)
        .where(*chose, eligible, missed)
        .group_by(Certificate.subscriber_id)
    )
