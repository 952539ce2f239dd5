"""The project's words: each kind, topic, purpose and status as a ``StrEnum`` with its one Chinese label.

Stored rows, JSON and URLs carry the English value; people read ``.label``. One table per
word, so a mail, a feed and a web page can never call the same thing by two names.
"""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    """A ``StrEnum`` whose members also carry the Chinese ``label`` people read."""

    label: str

    def __new__(cls, value: str, label: str) -> _Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The stored values in declaration order (for SQL ``IN``, CLI choices and API schemas)."""
        return tuple(member.value for member in cls)


class NoticeKind(_Labelled):
    """What a notice is about, as the parser reads it from the title and body."""

    REGISTRATION = "registration", "证书登记"
    LATE_REGISTRATION = "late_registration", "补登记"
    EXAM_SIGNUP = "exam_signup", "考试报名"
    CERTIFICATE_COLLECTION = "certificate_collection", "证书领取"
    RESULTS = "results", "成绩公布"
    OTHER = "other", "其他通知"


class Topic(_Labelled):
    """What a subscriber asked to hear about: five notice kinds and deadline reminders."""

    REGISTRATION = "registration", NoticeKind.REGISTRATION.label
    LATE_REGISTRATION = "late_registration", NoticeKind.LATE_REGISTRATION.label
    EXAM_SIGNUP = "exam_signup", NoticeKind.EXAM_SIGNUP.label
    CERTIFICATE_COLLECTION = "certificate_collection", NoticeKind.CERTIFICATE_COLLECTION.label
    RESULTS = "results", NoticeKind.RESULTS.label
    REMINDERS = "reminders", "截止前提醒"


# Notice kinds that name the certificates they concern; the others concern everyone in the region.
CERTIFICATE_KINDS = (NoticeKind.REGISTRATION, NoticeKind.LATE_REGISTRATION, NoticeKind.CERTIFICATE_COLLECTION)
# Notice kinds for people sitting the exam: they name an exam session, and a subscriber who
# chose sessions hears only of those.
CANDIDATE_KINDS = (NoticeKind.EXAM_SIGNUP, NoticeKind.RESULTS)


class AlertKind(_Labelled):
    """Why an alert row exists: what the mail tells the subscriber."""

    NEW_WINDOW = "new_window", "新通知"
    LATE_REGISTRATION = "late_registration", "补登记"
    CHANGED = "changed", "通知有变更"
    CLOSING_SOON = "closing_soon", "即将截止"
    EXPIRY = "expiry", "证书登记即将到期"


# Alert kinds that say "this notice concerns you"; a later change or deadline follows them.
NOTICE_ALERT_KINDS = (AlertKind.NEW_WINDOW, AlertKind.LATE_REGISTRATION, AlertKind.CHANGED)


class MailPurpose(_Labelled):
    """Why a mail row exists; each purpose has its own sender and template."""

    ALERT = "alert", "通知提醒"
    CONFIRM = "confirm", "订阅确认"
    ADMIN = "admin", "管理员报告"


class TokenPurpose(_Labelled):
    """What a signed link in a mail lets its holder do."""

    CONFIRM = "confirm", "确认订阅"
    MANAGE = "manage", "管理订阅"
    UNSUBSCRIBE = "unsubscribe", "退订"


class SubscriberStatus(_Labelled):
    """Where a subscriber stands; only ``active`` subscribers get alerts."""

    PENDING = "pending", "待确认：请点击确认邮件中的链接"
    ACTIVE = "active", "已订阅"
    UNSUBSCRIBED = "unsubscribed", "已退订，不再发送邮件"
    BOUNCING = "bouncing", "邮件多次被退回，已暂停发送"


class MailStatus(_Labelled):
    """Where a mail in the outbox stands."""

    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
