"""Subscribers and their certificates: validation of what people give us, and its SQL.

The web form, the JSON API and the CSV import all pass through ``SubscriberData`` here,
so an address or a session is checked the same way whichever door it came in by.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from core.qualifications import LEVELS, QUALIFICATIONS
from core.sessions import chosen_sessions, exam_session, latest_session, session_bounds, session_name
from core.text import quoted
from core.times import beijing_iso
from core.vocab import SubscriberStatus, Topic
from store.models import Certificate, Subscriber
from store.outbox import forget_undelivered_alerts
from store.subscriber_regions import checked_regions, set_regions

# What email-validator's complaint is about, said in Chinese (its own messages are English).
_EMAIL_PROBLEMS = (
    ("too long", "地址过长"),
    ("hyphen", "连字符（-）的位置不对"),
    ("after the @-sign", "@ 后面的域名无效"),
    ("before the @-sign", "@ 前面的用户名无效"),
    ("period", "点（.）的位置不对"),
    ("@-sign", "地址中必须有且只有一个 @"),
)


class InvalidSubscription(ValueError):
    """What a person gave us cannot be stored; says which field and why (in Chinese).

    ``problems`` maps each faulty field to its message, so a form can show every error at
    once beside its field; ``str()`` joins them for the API and the command line.
    Certificate fields are named ``certificates.<index>.<field>``.
    """

    def __init__(self, message: str = "", *, field: str = "", problems: dict[str, str] | None = None) -> None:
        self.problems = dict(problems) if problems else {field: message}
        super().__init__("；".join(self.problems.values()))


def _visible(text: str) -> str:
    """NFKC without format characters: full-width ｌｉ＠ becomes li@, zero-width spaces go."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf")


def normalise_email(raw: str) -> str:
    """The one stored form of an address, so look-alikes of one mailbox are one subscriber.

    The rule (docs/subscriptions.md): NFKC (full-width letters and ＠ become plain ones),
    format characters dropped (zero-width spaces and joiners, soft hyphens, BOMs), then
    email-validator checks the syntax without DNS (no quoted local parts, a real dotted
    domain, IDNA rules for non-ASCII domains) and normalises the domain: an A-label
    ``xn--…`` domain is stored as its Unicode form, so ``li@例子.中国`` and its punycode
    are one subscriber. Last, the whole address is lower-cased, as before. The domain is
    stored in Unicode; the sender IDNA-encodes it for the envelope. What fails is refused
    here, with the reason in Chinese, before anything is stored.
    """
    typed = (raw or "").strip()
    if not typed:
        raise InvalidSubscription("请填写邮箱地址", field="email")
    if any(c in typed for c in "\r\n\x00"):
        raise InvalidSubscription(f"邮箱地址无效（含有换行或控制字符）：{quoted(typed, 80)}", field="email")
    try:
        valid = validate_email(_visible(typed), check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        reason = next((zh for en, zh in _EMAIL_PROBLEMS if en in str(exc)), "格式不正确，无法投递")
        raise InvalidSubscription(f"邮箱地址无效（{reason}）：{quoted(typed, 80)}", field="email") from None
    return valid.normalized.lower()


@dataclass(frozen=True)
class CertificateData:
    qualification: str
    level: str
    obtained: str
    last_registered: date | None = None
    number: str | None = None

    def validated(self, today: date) -> CertificateData:
        problems: dict[str, str] = {}
        qualification = self.qualification.strip()
        level = self.level.strip() or QUALIFICATIONS.get(qualification, "")
        if qualification not in QUALIFICATIONS:
            problems["qualification"] = (
                f"未知的资格名称：{quoted(qualification, 40)}" if qualification else "请选择资格名称"
            )
        elif level not in LEVELS:
            problems["level"] = f"级别应为 初级、中级 或 高级：{quoted(level, 20)}"
        elif level != QUALIFICATIONS[qualification]:
            problems["level"] = f"{qualification}属于{QUALIFICATIONS[qualification]}资格，不是{level}"
        obtained = self.obtained.strip()
        try:
            low, _ = session_bounds(obtained)
        except ValueError:
            problems["obtained"] = (
                f"取得时间应为 2021、2021上半年 或 2021下半年：{quoted(obtained, 20)}"
                if obtained
                else "请选择取得年份"
            )
        else:
            if low // 10 < 1990:
                problems["obtained"] = f"取得时间不合理：{obtained}"
            elif low > latest_session(today):
                problems["obtained"] = f"取得时间不能晚于已举行的最近一次考试：{obtained}"
        if self.last_registered and self.last_registered > today:
            problems["last_registered"] = f"最近登记日期不能晚于今天：{self.last_registered}"
        if problems:
            raise InvalidSubscription(problems=problems)
        return CertificateData(qualification, level, obtained, self.last_registered, self.number or None)


@dataclass(frozen=True)
class SubscriberData:
    email: str
    regions: tuple[str, ...] = ()  # places as people write them (天津市红桥区); none: national notices only
    certificates: tuple[CertificateData, ...] = ()
    name: str | None = None
    alert_kinds: tuple[str, ...] = ()  # none chosen: every kind (``validated`` spells them out)
    reminder_days: int = 3
    digest: bool = True
    expiry_reminders: bool = True  # mails before a certificate's registration lapses
    exam_sessions: tuple[str, ...] = ()  # exams a candidate follows (2026上半年); none: every one

    def validated(self, today: date) -> SubscriberData:
        """This subscription checked and normalised; every fault found is in the one error raised."""
        problems: dict[str, str] = {}
        try:
            email = normalise_email(self.email)
        except InvalidSubscription as exc:
            problems.update(exc.problems)
        unknown = [k for k in self.alert_kinds if k not in Topic.values()]
        if unknown:
            problems["alert_kinds"] = f"未知的提醒类型：{'、'.join(quoted(k, 30) for k in unknown)}"
        # Stored explicitly, in one order: no choice means every kind, and what is stored is
        # exactly what matching reads and the manage page and the export show.
        alert_kinds = tuple(k for k in Topic.values() if k in self.alert_kinds or not self.alert_kinds)
        if not 0 <= self.reminder_days <= 60:
            problems["reminder_days"] = "提前提醒天数应在 0 到 60 之间"
        regions, wrong = checked_regions(self.regions)
        problems.update(wrong)
        name = (self.name or "").strip() or None
        if name and any(c in name for c in "\r\n\x00"):
            problems["name"] = "姓名中不能含有换行或控制字符"
        sessions, bad = chosen_sessions(self.exam_sessions, today)
        if bad:
            shown = "、".join(quoted(b, 20) for b in bad)
            problems["exam_sessions"] = f"考试场次应为近期的一次考试，如 2026上半年、2026下半年：{shown}"
        certificates = []
        for n, cert in enumerate(self.certificates):
            try:
                certificates.append(cert.validated(today))
            except InvalidSubscription as exc:
                problems.update({f"certificates.{n}.{key}": message for key, message in exc.problems.items()})
        if problems:
            raise InvalidSubscription(problems=problems)
        return SubscriberData(
            email,
            regions,
            tuple(certificates),
            name,
            alert_kinds,
            self.reminder_days,
            self.digest,
            self.expiry_reminders,
            sessions,
        )


@dataclass
class UpsertResult:
    subscriber: Subscriber
    created: bool
    certificates_added: int = 0
    notes: list[str] = field(default_factory=list)


def _certificate_row(cert: CertificateData) -> Certificate:
    """The stored form of a validated certificate, with its session ordinals for SQL matching."""
    low, high = session_bounds(cert.obtained)
    return Certificate(
        qualification=cert.qualification,
        level=cert.level,
        obtained=cert.obtained,
        obtained_low=low,
        obtained_high=high,
        number=cert.number,
        last_registered=cert.last_registered,
    )


# A subscriber is read with both lists: pages, exports and edits use them after the query.
_WITH_LISTS = (selectinload(Subscriber.certificates), selectinload(Subscriber.regions))


def find_subscriber(session: Session, email: str) -> Subscriber | None:
    """The subscriber of ``email`` in any of its look-alike spellings (see ``normalise_email``)."""
    try:
        email = normalise_email(email)
    except InvalidSubscription:
        email = email.strip().lower()  # stored before addresses were normalised this way
    return session.scalars(
        select(Subscriber).options(*_WITH_LISTS).where(Subscriber.email == email)
    ).one_or_none()


def upsert_subscriber(session: Session, data: SubscriberData, *, status: str, now: datetime) -> UpsertResult:
    """Create the subscriber or add the certificates they do not have yet; ``data`` must be validated.

    An existing subscriber keeps their status: importing a list again must not re-activate
    someone who unsubscribed.
    """
    subscriber = find_subscriber(session, data.email)
    created = subscriber is None
    if subscriber is None:
        subscriber = Subscriber(
            email=data.email,
            name=data.name,
            status=status,
            alert_kinds=list(data.alert_kinds),
            exam_sessions=[exam_session(s) for s in data.exam_sessions],
            reminder_days=data.reminder_days,
            expiry_reminders=data.expiry_reminders,
            digest=data.digest,
            created_at=now,
            confirmed_at=now if status == SubscriberStatus.ACTIVE else None,
            hard_bounces=0,
        )
        set_regions(subscriber, data.regions)
        try:
            with session.begin_nested():
                session.add(subscriber)
        except IntegrityError:
            # Another transaction stored the same address between our look-up and insert
            # (two submits of one form on PostgreSQL): carry on with theirs.
            subscriber = find_subscriber(session, data.email)
            created = False
            if subscriber is None:
                raise
    have = {(c.qualification, c.obtained) for c in subscriber.certificates}
    added = 0
    for cert in data.certificates:
        if (cert.qualification, cert.obtained) in have:
            continue
        subscriber.certificates.append(_certificate_row(cert))
        have.add((cert.qualification, cert.obtained))
        added += 1
    session.flush()
    return UpsertResult(subscriber, created, added)


def get_subscriber(session: Session, subscriber_id: int) -> Subscriber | None:
    """The subscriber a link token names, with certificates and regions loaded."""
    return session.scalars(
        select(Subscriber).options(*_WITH_LISTS).where(Subscriber.id == subscriber_id)
    ).one_or_none()


def replace_preferences(session: Session, subscriber: Subscriber, data: SubscriberData) -> None:
    """Make the subscriber's regions, preferences and certificates what ``data`` (validated) says.

    A certificate kept (same qualification and session) keeps its row, so the alerts
    already queued about it are not deleted and re-queued.
    """
    set_regions(subscriber, data.regions)
    subscriber.alert_kinds = list(data.alert_kinds)
    subscriber.exam_sessions = [exam_session(s) for s in data.exam_sessions]
    subscriber.reminder_days = data.reminder_days
    subscriber.digest = data.digest
    subscriber.expiry_reminders = data.expiry_reminders
    if data.name is not None:
        subscriber.name = data.name
    wanted = {(c.qualification, c.obtained): c for c in data.certificates}
    for cert in list(subscriber.certificates):
        new = wanted.pop((cert.qualification, cert.obtained), None)
        if new is None:
            subscriber.certificates.remove(cert)
        else:
            cert.level, cert.last_registered = new.level, new.last_registered
    for new in wanted.values():
        subscriber.certificates.append(_certificate_row(new))
    session.flush()


def activate(session: Session, subscriber: Subscriber, now: datetime) -> bool:
    """Pending → active (the double opt-in's second step); False when there was nothing to do.

    Someone confirming again after they left or bounced is told anew what never reached
    them (``store.outbox.forget_undelivered_alerts``).
    """
    if subscriber.status != SubscriberStatus.PENDING:
        return False
    subscriber.status = SubscriberStatus.ACTIVE
    subscriber.confirmed_at = now
    forget_undelivered_alerts(session, subscriber.id)
    return True


def unsubscribe(subscriber: Subscriber, now: datetime) -> bool:
    """Stop all mail to the subscriber; False when they were already unsubscribed (idempotent)."""
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return False
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.unsubscribed_at = now
    return True


def reopen(session: Session, subscriber: Subscriber, data: SubscriberData) -> None:
    """An unsubscribed or bouncing address subscribes again: pending, with what they asked for now.

    They must confirm again before any alert, exactly like a new address.
    """
    subscriber.status = SubscriberStatus.PENDING
    subscriber.confirmed_at = None
    subscriber.unsubscribed_at = None
    subscriber.hard_bounces = 0
    replace_preferences(session, subscriber, data)


def list_subscribers(session: Session, *, status: str | None = None) -> list[Subscriber]:
    query = select(Subscriber).options(*_WITH_LISTS).order_by(Subscriber.id)
    if status:
        query = query.where(Subscriber.status == status)
    return list(session.scalars(query))


def remove_subscriber(session: Session, email: str) -> bool:
    """Delete a subscriber and everything about them (their certificates, alerts, mails)."""
    subscriber = find_subscriber(session, email)
    if subscriber is None:
        return False
    session.delete(subscriber)
    session.flush()
    return True


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Subscriber.status, func.count()).group_by(Subscriber.status))
    return {status: n for status, n in rows}


def subscriber_export(subscriber: Subscriber) -> dict:
    """Everything stored about a subscriber, for the "export my data" download."""
    return {
        **subscriber_summary(subscriber),
        "expiry_reminders": subscriber.expiry_reminders,
        "confirmed_at": beijing_iso(subscriber.confirmed_at),
        "unsubscribed_at": beijing_iso(subscriber.unsubscribed_at),
        "confirmation_sent_at": beijing_iso(subscriber.confirmation_sent_at),
    }


def subscriber_summary(subscriber: Subscriber) -> dict:
    """The JSON of ``subscribers list --json`` for one subscriber."""
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "status": subscriber.status,
        "regions": subscriber.region_names,
        "region": "、".join(subscriber.region_names),  # one string, as before several regions
        "alert_kinds": list(subscriber.alert_kinds),
        "exam_sessions": [session_name(o) for o in subscriber.exam_sessions or []],
        "reminder_days": subscriber.reminder_days,
        "digest": subscriber.digest,
        "created_at": beijing_iso(subscriber.created_at),
        "certificates": [
            {
                "qualification": c.qualification,
                "level": c.level,
                "obtained": c.obtained,
                "last_registered": c.last_registered.isoformat() if c.last_registered else None,
            }
            for c in subscriber.certificates
        ],
    }
