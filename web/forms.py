"""The subscribe and manage forms: their fields, what they offer, and turning a post into SubscriberData.

Without JavaScript a form cannot grow rows or cascade selects, so the server does it:
the certificate and region rows are numbered fields re-rendered with one more row on
request, and each region is a province list plus free text for city and district.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from starlette.datastructures import FormData

from core.places import MAX_REGIONS, MUNICIPALITIES, PROVINCES
from core.qualifications import LEVELS, QUALIFICATIONS
from core.sessions import latest_session, offered_sessions, session_name
from core.vocab import Topic
from store.models import Subscriber
from store.subscribers import CertificateData, InvalidSubscription, SubscriberData

MAX_CERTIFICATES = 10
MAX_EXAM_SESSIONS = 8
FIRST_YEAR = 1990

_FULL_NAMES = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市",
    "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区",
    "新疆": "新疆维吾尔自治区", "香港": "香港特别行政区", "澳门": "澳门特别行政区", "兵团": "新疆生产建设兵团",
}  # fmt: skip
# The provinces as people write them, in the official list's order: value = short name.
PROVINCE_CHOICES = [(p, _FULL_NAMES.get(p, f"{p}省")) for p in PROVINCES]
QUALIFICATIONS_BY_LEVEL = {
    level: [q for q, lv in QUALIFICATIONS.items() if lv == level] for level in reversed(LEVELS)
}
_CITY = re.compile(r"^([\u4e00-\u9fff]{2,5}?(?:市|地区|自治州|盟))")


@dataclass
class CertificateRow:
    """One certificate row of the form, as typed (strings), so a rejected form comes back filled in."""

    qualification: str = ""
    level: str = ""
    year: str = ""
    half: str = ""
    last_registered: str = ""

    @property
    def blank(self) -> bool:
        return not (self.qualification or self.year)

    @property
    def obtained(self) -> str:
        return f"{self.year}{self.half}"


@dataclass
class RegionRow:
    """One region row of the form, as typed: a province from the list, city and district as text."""

    province: str = ""
    city: str = ""
    district: str = ""

    @property
    def blank(self) -> bool:
        return not (self.province or self.city.strip() or self.district.strip())

    @property
    def region(self) -> str:
        """``天津`` + ``红桥区`` → ``天津市红桥区``; a 直辖市 typed again as the city is not doubled."""
        full = _FULL_NAMES.get(self.province, f"{self.province}省")
        parts = [full]
        for part in (self.city.strip(), self.district.strip()):
            if part and part not in (full, self.province) and not full.endswith(part):
                parts.append(part)
        return "".join(parts)


@dataclass
class SubscriptionForm:
    """Every field of the subscribe/manage form as typed."""

    email: str = ""
    regions: list[RegionRow] = field(default_factory=lambda: [RegionRow()])
    certificates: list[CertificateRow] = field(default_factory=lambda: [CertificateRow()])
    alerts: list[str] = field(default_factory=lambda: list(Topic.values()))
    reminder_days: str = "3"
    digest: bool = True
    expiry_reminders: bool = True
    exam_sessions: list[str] = field(default_factory=list)  # exams a candidate follows; none: every one
    honeypot: str = ""

    def validated(self, today: date) -> SubscriberData:
        """The subscription this form asks for, checked; every fault is raised at once.

        The error's ``problems`` are keyed by the form's field ids (``email``,
        ``cert-0-year``…), so the page can show each message beside its field.
        """
        problems: dict[str, str] = {}
        regions = []
        for n, row in enumerate(r for r in self.regions if not r.blank):
            if row.province not in PROVINCES:
                problems[f"region-{n}-province"] = "请从列表中选择省份" if row.province else "请先选择省份"
            regions.append(row.region if row.province in PROVINCES else "")
        if not self.alerts:
            problems["alerts"] = "请至少选择一种提醒"
        try:
            reminder_days = int(self.reminder_days or "3")
        except ValueError:
            problems["reminder_days"] = "提前提醒天数应为 0 到 60 之间的整数"
            reminder_days = 3
        certificates = []
        rows = [r for r in self.certificates if not r.blank]
        for n, row in enumerate(rows):
            if not row.year:
                problems[f"cert-{n}-year"] = "请选择取得年份"
            try:
                registered = date.fromisoformat(row.last_registered) if row.last_registered else None
            except ValueError:
                problems[f"cert-{n}-last_registered"] = "日期格式应为 2024-03-01"
                registered = None
            certificates.append(CertificateData(row.qualification, row.level, row.obtained, registered))
        data = SubscriberData(
            email=self.email,
            regions=tuple(regions),
            certificates=tuple(certificates),
            alert_kinds=tuple(self.alerts),
            reminder_days=reminder_days,
            digest=self.digest,
            expiry_reminders=self.expiry_reminders,
            exam_sessions=tuple(self.exam_sessions),
        )
        try:
            valid = data.validated(today)
        except InvalidSubscription as exc:
            for key, message in exc.problems.items():
                problems.setdefault(_form_field(key), message)
        if problems:
            raise InvalidSubscription(problems=problems)
        return valid


def _form_field(key: str) -> str:
    """The form's id for a field ``SubscriberData`` names: ``certificates.0.obtained`` → ``cert-0-year``."""
    if key.startswith("certificates."):
        _, n, name = key.split(".", 2)
        return f"cert-{n}-{'year' if name == 'obtained' else name}"
    if key.startswith("regions."):
        return f"region-{key.split('.')[1]}-province"
    return _FIELD_IDS.get(key, key)


# The stored fields the form shows under another id.
_FIELD_IDS = {"alert_kinds": "alerts"}


def parse_form(form: FormData) -> SubscriptionForm:
    """Read a posted form; rows are ``cert-N-<field>`` and ``region-N-<field>``, a ticked ``…-remove`` drops one."""
    regions = [
        RegionRow(*(_text(form, f"region-{n}-{name}", 30) for name in ("province", "city", "district")))
        for n in range(MAX_REGIONS)
        if not form.get(f"region-{n}-remove")
    ]
    rows = []
    for n in range(MAX_CERTIFICATES):
        prefix = f"cert-{n}-"
        if form.get(prefix + "remove"):
            continue
        row = CertificateRow(
            *(
                _text(form, prefix + name, 20)
                for name in ("qualification", "level", "year", "half", "last_registered")
            )
        )
        if not row.blank:
            rows.append(row)
    return SubscriptionForm(
        email=_text(form, "email", 320),
        regions=[r for r in regions if not r.blank] or [RegionRow()],
        certificates=rows or [CertificateRow()],
        alerts=[str(v) for v in form.getlist("alerts")][: len(Topic)],
        reminder_days=_text(form, "reminder_days", 4),
        digest=form.get("delivery", "digest") != "instant",
        expiry_reminders=bool(form.get("expiry_reminders")),
        exam_sessions=[str(v)[:20] for v in form.getlist("exam_sessions")][:MAX_EXAM_SESSIONS],
        honeypot=_text(form, "website", 200),
    )


def _text(form: FormData, name: str, limit: int) -> str:
    value = form.get(name, "")
    # Everything is shown back in the form; keep lengths sane. Control characters stay
    # in so that validation can reject them with a message rather than silently.
    return value[:limit] if isinstance(value, str) else ""


def form_from_subscriber(subscriber: Subscriber) -> SubscriptionForm:
    """The manage form filled in with what is stored."""
    return SubscriptionForm(
        email=subscriber.email,
        regions=[RegionRow(*region_parts(r.region, r.province)) for r in subscriber.regions] or [RegionRow()],
        certificates=[
            CertificateRow(
                c.qualification,
                c.level,
                c.obtained[:4],
                c.obtained[4:],
                c.last_registered.isoformat() if c.last_registered else "",
            )
            for c in subscriber.certificates
        ]
        or [CertificateRow()],
        alerts=list(subscriber.alert_kinds),
        reminder_days=str(subscriber.reminder_days),
        digest=subscriber.digest,
        expiry_reminders=subscriber.expiry_reminders,
        exam_sessions=[session_name(o) for o in subscriber.exam_sessions or []],
    )


def region_parts(region: str, province: str) -> tuple[str, str, str]:
    """``天津市红桥区`` → ``("天津", "", "红桥区")``; ``广东省深圳市南山区`` → ``("广东", "深圳市", "南山区")``."""
    if not province:
        return "", "", ""
    rest = region
    for prefix in (_FULL_NAMES.get(province, f"{province}省"), province):
        if rest.startswith(prefix):
            rest = rest[len(prefix) :]
            break
    m = _CITY.match(rest)
    if m is None or province in MUNICIPALITIES:
        return province, "", rest
    return province, m.group(1), rest[m.end() :]


def with_extra_row(form: SubscriptionForm, posted: FormData) -> bool:
    """Add the row a 再添加 button asked for (within the caps); False when the post was no such request."""
    if posted.get("add_certificate"):
        if len(form.certificates) < MAX_CERTIFICATES:
            form.certificates.append(CertificateRow())
        return True
    if posted.get("add_region"):
        if len(form.regions) < MAX_REGIONS:
            form.regions.append(RegionRow())
        return True
    return False


def obtained_years(today: date) -> list[int]:
    """Years a certificate can have been obtained in, newest first."""
    return list(range(latest_session(today) // 10, FIRST_YEAR - 1, -1))


def exam_session_choices(today: date, chosen: list[str]) -> list[str]:
    """The exams the form offers (the last one held, for its results, and the next three), plus any chosen earlier."""
    offered = [session_name(o) for o in offered_sessions(today)]
    return offered + [s for s in chosen if s not in offered]
