"""The schema: SQLAlchemy 2 models for sources, notices, subscribers, alerts and runs.

Only ``store/`` imports these. Schema changes go through Alembic migrations in
``store/migrations``; the naming convention keeps constraint names stable so that
migrations can drop and rename them on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SourceState(Base):
    """What the store remembers about a configured source between crawls (its health)."""

    __tablename__ = "source_state"

    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_crawl_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_item_count: Mapped[int | None] = mapped_column(Integer)
    healthy: Mapped[bool] = mapped_column(Boolean, default=True)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    admin_alerted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Notice(Base):
    """One notice page, identified by its URL; its content lives in versions."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    title: Mapped[str] = mapped_column(Text)
    published_date: Mapped[date | None] = mapped_column(Date)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("notice_version.id", use_alter=True, ondelete="SET NULL")
    )

    versions: Mapped[list[NoticeVersion]] = relationship(
        back_populates="notice", foreign_keys="NoticeVersion.notice_id", order_by="NoticeVersion.id"
    )
    current_version: Mapped[NoticeVersion | None] = relationship(foreign_keys=[current_version_id])


class NoticeVersion(Base):
    """The notice's content as fetched once; a new row whenever the text differs from the current one.

    ``content_hash`` is not unique per notice: a notice may go back to an earlier text.
    """

    __tablename__ = "notice_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    region: Mapped[str] = mapped_column(String(64))
    parsed: Mapped[dict] = mapped_column(JSON)

    notice: Mapped[Notice] = relationship(back_populates="versions", foreign_keys=[notice_id])
    windows: Mapped[list[NoticeWindow]] = relationship(
        cascade="all, delete-orphan", order_by="NoticeWindow.position"
    )
    eligible: Mapped[list[NoticeEligibility]] = relationship(
        cascade="all, delete-orphan", order_by="NoticeEligibility.position"
    )


class NoticeWindow(Base):
    """A window of a version, in columns so that matching can filter on its end in SQL."""

    __tablename__ = "notice_window"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("notice_version.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(64))
    start_text: Mapped[str | None] = mapped_column(String(16))
    end_text: Mapped[str | None] = mapped_column(String(16))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, index=True)


class NoticeEligibility(Base):
    """An eligible range of a version as session ordinals (see core.sessions.session_bounds)."""

    __tablename__ = "eligible_range"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("notice_version.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    low: Mapped[int] = mapped_column(Integer)
    high: Mapped[int] = mapped_column(Integer)


def new_link_secret() -> str:
    """A subscriber's random link secret: 128 bits, URL-safe."""
    return secrets.token_urlsafe(16)


class Subscriber(Base):
    """A person who asked for alerts; only ``active`` ones ever get them.

    Ids are never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL): a row keyed
    by a deleted subscriber's id must never come to mean someone else.
    """

    __tablename__ = "subscriber"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # normalised: trimmed, lower-case
    name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    alert_kinds: Mapped[list] = mapped_column(JSON)  # the topics chosen, spelled out
    # Exams a candidate follows, as session ordinals (20261 = 2026上半年); empty: every one.
    exam_sessions: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    reminder_days: Mapped[int] = mapped_column(Integer, default=3)
    expiry_reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    digest: Mapped[bool] = mapped_column(Boolean, default=True)
    # Signs every link of theirs (alerts.tokens, feeds.private); a new one revokes the old links.
    link_secret: Mapped[str] = mapped_column(String(32), default=new_link_secret)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hard_bounces: Mapped[int] = mapped_column(Integer, default=0)

    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan", order_by="Certificate.id"
    )
    # Where they live or may sit the exam; none: national notices only (see SubscriberRegion).
    regions: Mapped[list[SubscriberRegion]] = relationship(
        cascade="all, delete-orphan", order_by="SubscriberRegion.position"
    )

    @property
    def region_names(self) -> list[str]:
        """The regions as they were given, in their order (``天津市红桥区``, ``北京市``)."""
        return [r.region for r in self.regions]


class SubscriberRegion(Base):
    """One region a subscriber chose: a holder's home, or a place a candidate may sit the exam.

    A subscriber may have several (a candidate choosing between 天津 and 北京, a holder who
    moved); a notice concerns them when it is for any one (``store.matching.region_matches``).
    ``province`` and ``city`` are the short names matching compares, kept beside the text
    as given so that the SQL never parses place names.
    """

    __tablename__ = "subscriber_region"
    __table_args__ = (UniqueConstraint("subscriber_id", "region"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the order they were given in
    region: Mapped[str] = mapped_column(String(64))  # as given, e.g. 天津市红桥区
    province: Mapped[str] = mapped_column(String(32), index=True)  # normalised, e.g. 天津
    city: Mapped[str] = mapped_column(String(32), index=True)  # e.g. 天津 for a 直辖市, 深圳


class Certificate(Base):
    """A certificate a subscriber holds; ``obtained_low/high`` are session ordinals. Ids are never reused."""

    __tablename__ = "certificate"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id", ondelete="CASCADE"), index=True)
    qualification: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(8))
    obtained: Mapped[str] = mapped_column(String(16))
    obtained_low: Mapped[int] = mapped_column(Integer, index=True)
    obtained_high: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(64))
    last_registered: Mapped[date | None] = mapped_column(Date)

    subscriber: Mapped[Subscriber] = relationship(back_populates="certificates")


class DeliveryState:
    """The columns of an outbox row's delivery (``store.outbox``): mails and push posts alike."""

    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The sender holding the claim (random per sender run): an outcome is written only by
    # it, and a starting sender takes over the claims of holders that are provably dead.
    claimed_by: Mapped[int | None] = mapped_column(BigInteger)
    lost_after_data: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Mail(DeliveryState, Base):
    """One outgoing message (the outbox row): one subscriber's alerts of one run, or one alert.

    The delivery state lives here rather than on each alert because a digest is one
    SMTP transaction: its Message-ID, attempts and lease belong to the message.
    """

    __tablename__ = "mail"
    __table_args__ = (
        Index("ix_mail_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_mail_status_sent_at", "status", "sent_at"),  # the hourly cap counts recent sends
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriber.id", ondelete="CASCADE"), index=True
    )  # None for operator mail
    recipient: Mapped[str] = mapped_column(String(320))
    purpose: Mapped[str] = mapped_column(String(16), default="alert")  # alert | confirm | admin
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # what non-alert mails say
    message_id: Mapped[str] = mapped_column(String(200), unique=True)

    alerts: Mapped[list[Alert]] = relationship(back_populates="mail", order_by="Alert.id")
    subscriber: Mapped[Subscriber | None] = relationship()


class Alert(Base):
    """That one subscriber must be told one thing; unique so nothing is queued twice."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("subscriber_id", "kind", "about"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # new_window | changed | closing_soon | expiry | ...
    about: Mapped[str] = mapped_column(
        String(200)
    )  # e.g. notice:12, closing:12:0:2026-03-20, expiry:程序员:20192:…
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("notice_version.id", ondelete="CASCADE"))
    # SET NULL, not CASCADE: removing a certificate must not delete what was sent about it
    # (the next run would queue it again); the unique key never names a certificate row.
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("mail.id", ondelete="SET NULL"), index=True)

    mail: Mapped[Mail | None] = relationship(back_populates="alerts")


class Run(Base):
    """One scheduled cycle (or one step run on its own), with its counts and errors."""

    __tablename__ = "run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    command: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|ok|partial|failed
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    errors: Mapped[list] = mapped_column(JSON, default=list)


class PushTarget(Base):
    """A subscriber's push target: an Apprise URL of an allow-listed service, used once confirmed.

    The URL carries the service's key, so it is shown masked everywhere. A target starts
    ``pending``; the test message it is sent carries a link with ``confirm_code``, and only
    following it makes the target ``confirmed``. A target whose service refuses its key
    (HTTP 401/403/404/410) becomes ``refused`` and gets nothing until it is tested again.
    Ids are never reused (a post keyed by a removed target must never go to someone else's).
    """

    __tablename__ = "push_target"
    __table_args__ = (UniqueConstraint("subscriber_id", "url"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id", ondelete="CASCADE"), index=True)
    service: Mapped[str] = mapped_column(String(32))  # the Apprise scheme: wecombot, dingtalk, …
    url: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | confirmed | refused
    confirm_code: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Push(DeliveryState, Base):
    """One post to a push channel (the push outbox row), with the delivery state of a mail.

    ``channel`` is ``op:<key>`` for an operator channel of the configuration (its URL stays
    in the configuration) or ``sub:<target id>`` for a subscriber's target. Unique on
    (channel, kind, about), so a re-run posts nothing twice; claims, leases, retries by age
    and outcomes follow the mail's rules (``store.outbox``).
    """

    __tablename__ = "push"
    __table_args__ = (
        UniqueConstraint("channel", "kind", "about"),
        Index("ix_push_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(80), index=True)
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_target.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))  # an alert kind, or confirm (a target's test message)
    about: Mapped[str] = mapped_column(String(200))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("notice_version.id", ondelete="CASCADE"))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class PushChannel(Base):
    """A push channel's health: since when it fails, why, and whether the operator was told."""

    __tablename__ = "push_channel"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    label: Mapped[str] = mapped_column(String(300), default="")  # the URL masked, never the key
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    admin_alerted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
