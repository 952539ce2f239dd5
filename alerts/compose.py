"""Message building: outbox rows → the bytes on the wire, and ``EmailMessage`` for inspection.

Alerts (digest or instant), confirmations and operator mail. Pure: no SQL, no network,
no clock. ``message_bytes`` is what the sender sends and ``write_eml`` writes;
``compose`` is the same message parsed back. Everything a message says comes from the
mail row (its creation time stands in for "now"), so composing a mail again for a retry
gives the same bytes under the same Message-ID. Scraped text reaches headers only
through ``clean_header`` and HTML only through Jinja2's autoescape; links to notices are
shown as links only when they point into an official source's domain.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, parseaddr
from functools import cache, lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import escape

from alerts.deadlines import days_left, shown_windows
from alerts.tokens import epoch_day, make_token
from core.places import place_concerned, region_label, split_region
from core.sessions import registration_expiry
from core.text import safe_line
from core.times import beijing_label
from core.vocab import CANDIDATE_KINDS, AlertKind
from core.wording import fee_line, session_label, window_line
from store.outgoing import AlertItem, OutgoingMail, Recipient

if TYPE_CHECKING:
    from core.config import MailSettings

SUBJECT_LIMIT = 120


def clean_header(value: str | None, limit: int = SUBJECT_LIMIT) -> str:
    """A header-safe one-liner: no CR, LF, NUL or other controls, no bidi or zero-width marks.

    Encoded-word openers (``=?``) are broken up as well, so that a title carrying
    ``=?UTF-8?Q?=0A?=`` cannot turn into a newline when a client decodes the header.
    Capped at ``limit`` characters (code points, never half of one).
    """
    return safe_line((value or "").replace("=?", "= ?"), limit=limit)


def is_official(url: str | None, domains: tuple[str, ...]) -> bool:
    """http(s), no user info, and the host is one of ``domains`` or below one of them."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or "@" in parts.netloc or not host:
        return False
    return any(host == d or host.endswith("." + d) for d in domains)


@dataclass(frozen=True)
class AlertView:
    """What the templates show for one alert; every string here is still untrusted text."""

    kind_label: str
    title: str
    reason: str
    windows: tuple[str, ...]
    fees: tuple[str, ...]
    evidence: tuple[str, ...]
    changes: tuple[str, ...]
    link: str | None
    link_text: str | None


def _reason(item: AlertItem, mail: OutgoingMail) -> str:
    unsure = [u.get("evidence", "") for u in item.detail.get("uncertain", [])]
    if unsure:  # matching widened whom it told (store.matching): say so, and quote the notice
        quoted = "；".join(f"“{clean_header(e, 200)}”" for e in unsure)
        return f"未能确认本通知的适用范围，您可能在范围内，请以通知原文为准：{quoted}"
    if item.kind == "expiry":
        expiry = registration_expiry(item.obtained_high or 0, item.last_registered)
        since = (
            f"{item.last_registered}登记" if item.last_registered else f"{session_label(item.obtained)}取得"
        )
        return (
            f"您{since}的{item.qualification}证书，登记有效期将于{expiry.year}年{expiry.month}月"
            f"{expiry.day}日届满，请留意所在地的证书登记通知。"
        )
    if item.qualification:
        scope = "补登记" if item.kind == "late_registration" else "本次"
        return f"您{session_label(item.obtained)}取得的{item.qualification}证书在{scope}范围内。"
    subscriber = mail.subscriber
    exams = "、".join(session_label(s) for s in item.parsed.get("session", []))
    exam = f"本通知涉及{exams}的考试。" if exams and item.parsed.get("kind") in CANDIDATE_KINDS else ""
    if item.region in (None, "", "national"):
        return "这是面向全国的通知。" + exam
    return f"这是{region_label(item.region)}的通知，您登记的地区是{_their_place(item, subscriber)}。" + exam


def _their_place(item: AlertItem, subscriber: Recipient | None) -> str:
    """Which of the subscriber's regions the notice is for (天津市红桥区 of 北京市 and 天津市红桥区)."""
    regions = subscriber.regions if subscriber else ()
    concerned = [r for r in regions if place_concerned(item.region, *split_region(r))]
    return "、".join(concerned or regions) or region_label(item.region)


def alert_view(item: AlertItem, mail: OutgoingMail, domains: tuple[str, ...]) -> AlertView:
    """Turn one alert into the lines a reader needs: what, why it concerns them, when, how much."""
    parsed = item.parsed
    windows = shown_windows(item)
    evidence = [w.get("evidence", "") for w in windows]
    evidence += [e.get("evidence", "") for e in parsed.get("eligible", [])]
    evidence += [f.get("evidence", "") for f in parsed.get("fees", [])]
    official = is_official(item.notice_url, domains)
    label = AlertKind(item.kind).label
    if item.kind == "closing_soon" and windows:
        label += days_left(windows[0], mail.created_at)
    return AlertView(
        kind_label=label,
        title=safe_line(item.notice_title) or f"{item.qualification}证书登记",
        reason=safe_line(_reason(item, mail)),
        windows=tuple(safe_line(window_line(w)) for w in windows),
        fees=tuple(safe_line(fee_line(f)) for f in parsed.get("fees", [])),
        evidence=tuple(dict.fromkeys(line for line in map(safe_line, evidence) if line)),
        changes=tuple(safe_line(c) for c in item.detail.get("changes", [])),
        link=item.notice_url if official else None,
        link_text=None if official else safe_line(item.notice_url),
    )


@cache
def _environment(kind: str) -> Environment:
    return Environment(
        loader=PackageLoader("alerts", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False)
        if kind == "html"
        else False,
        undefined=StrictUndefined,
        auto_reload=False,  # templates ship with the package; no stat() per message
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(name: str, **context) -> tuple[str, str]:
    text = _environment("text").get_template(f"{name}.txt").render(**context)
    html = _environment("html").get_template(f"{name}.html").render(**context)
    return text, html


# Stand-ins for a subscriber's own links, so that one rendering of a digest serves everyone
# who gets the same alerts; random per process, so no scraped text can contain them.
_MANAGE, _UNSUBSCRIBE = (f"x{uuid.uuid4().hex}x" for _ in range(2))


@lru_cache(maxsize=256)
def _render_alerts(views: tuple[AlertView, ...]) -> tuple[str, str]:
    return _render("alert", alerts=views, manage_url=_MANAGE, unsubscribe_url=_UNSUBSCRIBE)


def _alert_bodies(views: tuple[AlertView, ...], manage: str, unsubscribe: str) -> tuple[str, str]:
    """Text and HTML of an alert mail; the rendering is shared, the links are the subscriber's."""
    text, html = _render_alerts(views)
    text = text.replace(_MANAGE, manage).replace(_UNSUBSCRIBE, unsubscribe)
    html = html.replace(_MANAGE, str(escape(manage))).replace(_UNSUBSCRIBE, str(escape(unsubscribe)))
    return text, html


@cache
def _from_parts(mail_from: str) -> tuple[str, str, str]:
    """(display name, user, domain) of ``MAIL_FROM``, parsed once per value."""
    name, address = parseaddr(mail_from)
    username, _, domain = address.rpartition("@")
    return name, username, domain


def _sender(config: MailSettings, display_name: str, mail_from: str | None = None) -> Address:
    _, username, domain = _from_parts(mail_from or config.mail_from)
    return Address(display_name=clean_header(display_name, 60), username=username, domain=domain)


def _recipient(address: str, name: str | None = None) -> Address:
    username, _, domain = address.rpartition("@")
    if not domain.isascii():
        domain = domain.encode("idna").decode("ascii")
    return Address(display_name=clean_header(name, 60), username=username, domain=domain)


def _display_name(config: MailSettings) -> str:
    return _from_parts(config.mail_from)[0] or "软考提醒"


def _link(config: MailSettings, purpose: str, mail: OutgoingMail) -> str:
    subscriber = mail.subscriber
    assert subscriber is not None
    token = make_token(
        subscriber.id,
        subscriber.link_secret,
        purpose,
        today_day=epoch_day(mail.created_at),
        secret=config.secret,
    )
    return f"{config.base_url.rstrip('/')}/{purpose}/{token}"


class _MailPolicy(EmailPolicy):
    """``policy.SMTP`` (or ``SMTPUTF8``), with two changes that keep its encoding and folding.

    Header values are parsed and folded once per distinct value (and header classes looked
    up once per name): the sender, list name and subject recur across a run's mails, and
    the email package's header parser costs milliseconds a header. ``List-Unsubscribe`` is folded at its commas and never made an
    encoded word: it is a list of URIs (RFC 2369) that clients read verbatim, and the
    generic folder encodes long URIs that it cannot break.
    """

    def header_max_count(self, name):
        return _max_count(name.lower())

    def header_store_parse(self, name, value):
        if type(value) is str:
            return _stored_header(self.utf8, name, value)
        return super().header_store_parse(name, value)

    def fold_binary(self, name, value):
        if name.lower() == "list-unsubscribe":
            return f"{name}: {value}".replace(">, <", ">,\r\n <").encode("ascii") + b"\r\n"
        return _folded(self.utf8, name, value)


_POLICIES = {
    utf8: _MailPolicy(
        linesep="\r\n", max_line_length=78, utf8=utf8, header_factory=policy.SMTP.header_factory
    )
    for utf8 in (False, True)
}


@cache
def _max_count(name: str) -> int | None:
    return policy.SMTP.header_max_count(name)  # builds a header class on every call


@lru_cache(maxsize=4096)
def _stored_header(utf8: bool, name: str, value: str):
    return EmailPolicy.header_store_parse(_POLICIES[utf8], name, value)


@lru_cache(maxsize=4096)
def _folded(utf8: bool, name: str, value) -> bytes:
    return EmailPolicy.fold_binary(_POLICIES[utf8], name, value)


def _message_bytes(
    mail: OutgoingMail, *, subject: str, sender: Address, text: str, html: str, extra: tuple = ()
) -> bytes:
    """The message on the wire, built by the standard library (``EmailMessage``, ``policy.SMTP``).

    Every value is cleaned first (``clean_header``), addresses go through ``Address``
    (which refuses CR and LF), and the policy encodes and folds what is not ASCII. A
    recipient whose local part is not ASCII gets ``utf8`` headers (``policy.SMTPUTF8``:
    the relay must offer SMTPUTF8, the sender checks). The boundary derives from the
    Message-ID, so a retry is byte-identical.
    """
    recipient = _recipient(mail.recipient, mail.subscriber.name if mail.subscriber else None)
    message = EmailMessage(policy=_POLICIES[not recipient.username.isascii()])
    message["Subject"] = clean_header(subject)
    message["From"] = str(sender)
    message["To"] = str(recipient)
    message["Date"] = format_datetime(mail.created_at.astimezone(UTC))
    message["Message-ID"] = clean_header(mail.message_id, 200)
    for name, value in extra:  # already cleaned by the caller
        message[name] = value
    message.set_content(text, cte="base64")
    message.add_alternative(html, subtype="html", cte="base64")
    message.set_boundary("=_rw_" + hashlib.sha256(mail.message_id.encode()).hexdigest()[:32])
    return message.as_bytes()


def _alert_bytes(mail: OutgoingMail, config: MailSettings) -> bytes:
    """The alert mail: one alert (instant) or all of a subscriber's alerts of one run (digest)."""
    domains = config.official_domains
    views = tuple(alert_view(item, mail, domains) for item in mail.alerts)
    manage, unsubscribe = _link(config, "manage", mail), _link(config, "unsubscribe", mail)
    if len(views) == 1:
        subject = f"软考提醒｜{views[0].kind_label}：{views[0].title}"
    else:
        subject = f"软考提醒｜{len(views)}条新提醒：{views[0].title} 等"
    text, html = _alert_bodies(views, manage, unsubscribe)
    sender = _sender(config, _display_name(config))
    list_name = clean_header(_display_name(config), 60)
    targets = [unsubscribe]
    if config.unsubscribe_email:  # only a mailbox the operator reads: nothing reads mail_from
        token = unsubscribe.rsplit("/", 1)[-1]
        targets.append(f"mailto:{config.unsubscribe_email}?subject={quote('unsubscribe ' + token)}")
    extra = (
        ("List-Id", f"{list_name} <alerts.{clean_header(config.mail_domain, 200)}>"),
        ("List-Unsubscribe", ", ".join(f"<{clean_header(target, 400)}>" for target in targets)),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )
    return _message_bytes(mail, subject=subject, sender=sender, text=text, html=html, extra=extra)


def _confirmation_bytes(mail: OutgoingMail, config: MailSettings) -> bytes:
    """The double-opt-in mail: a link to ``/confirm/<token>``, which shows a button to press.

    It carries no List-Unsubscribe: the person is not on the list yet, and ignoring the
    mail is how they decline.
    """
    confirm = _link(config, "confirm", mail)
    text, html = _render("confirm", confirm_url=confirm, detail=mail.detail)
    # Confirmations may come from their own address: a complaint about an
    # unwanted confirmation then does not count against the alert list's reputation.
    sender = _sender(config, f"{_display_name(config)}（订阅确认）", config.confirm_from)
    return _message_bytes(mail, subject="请确认订阅软考提醒", sender=sender, text=text, html=html)


def _admin_bytes(mail: OutgoingMail, config: MailSettings) -> bytes:
    """The operator's mail about a source that stopped working, or a push channel failing for a day."""
    detail = mail.detail
    # Stored as ISO times (UTC, or naive UTC from older rows); the operator reads Beijing time.
    times = {
        key: beijing_label(detail[key]) for key in ("failing_since", "last_success_at") if detail.get(key)
    }
    text, html = _render("admin", detail=detail, times=times)
    sender = _sender(config, f"{_display_name(config)}（运行状态）")
    if detail.get("channel"):
        subject = f"ruankao-watch：推送渠道 {detail['channel']} 发送失败"
    else:
        subject = f"ruankao-watch：来源 {detail.get('source_id', '?')} 异常"
    return _message_bytes(mail, subject=subject, sender=sender, text=text, html=html)


def message_bytes(mail: OutgoingMail, config: MailSettings) -> bytes:
    """The message for any outbox row, chosen by its purpose, as sent (and as .eml files hold it)."""
    builders = {"alert": _alert_bytes, "confirm": _confirmation_bytes, "admin": _admin_bytes}
    return builders[mail.purpose](mail, config)


def compose(mail: OutgoingMail, config: MailSettings) -> EmailMessage:
    """The same message as an ``EmailMessage``, parsed back from ``message_bytes``, as a client reads it."""
    return message_from_bytes(message_bytes(mail, config), policy=policy.default)
