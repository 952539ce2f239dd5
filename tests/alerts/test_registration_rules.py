"""Whom a registration notice concerns: the three-year rule, the notice's condition text, and unsure scopes.

Runs on SQLite and PostgreSQL through ``queue_alerts``; the mail text is checked through
the outbox and ``compose`` like a real send would build it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from alerts.compose import compose
from alerts.queue import queue_alerts
from parsers.types import EligibleRange, Uncertain
from store.models import Alert, Mail, Subscriber
from store.outbox import load_mails
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice


def _notice(number: int = 1, *, ranges=((None, "2024", None),), uncertain=(), region="national"):
    """A registration notice whose window opens 2026-03-02, with conditions and uncertainty as given."""
    fetched = notice(number, region=region)
    parsed = replace(
        fetched.parsed,
        eligible=tuple(
            EligibleRange(lo, hi, f"{hi}年度及以前取得证书的人员", cond) for lo, hi, cond in ranges
        ),
        uncertain=tuple(Uncertain(field, evidence) for field, evidence in uncertain),
    )
    return replace(fetched, parsed=parsed)


def _told(sessions) -> dict[str, dict]:
    with sessions() as s:
        rows = s.execute(
            select(Subscriber.email, Alert.detail)
            .join(Alert, Alert.subscriber_id == Subscriber.id)
            .where(Alert.notice_id.is_not(None))  # not the expiry reminders
        )
        return {email: detail for email, detail in rows if email}


def _people(sessions) -> None:
    add_subscriber(
        sessions, "registered-2025@x.cn", ("2021下半年", date(2025, 3, 10)), kinds=("registration",)
    )
    add_subscriber(sessions, "registered-2022@x.cn", ("2019", date(2022, 3, 1)), kinds=("registration",))
    add_subscriber(sessions, "obtained-2023@x.cn", "2023上半年", kinds=("registration",))
    add_subscriber(sessions, "obtained-2020@x.cn", "2020下半年", kinds=("registration",))


def test_a_registration_notice_concerns_only_certificates_due_for_registration(sessions, config):
    add_notice(sessions, _notice())
    _people(sessions)
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    # Due: registered 2022-03-01, or obtained 2020下半年 (counted from 2021-01-01), both
    # three years or more before the window opens on 2026-03-02.
    assert set(_told(sessions)) == {"registered-2022@x.cn", "obtained-2020@x.cn"}


def test_never_registered_in_the_condition_takes_in_holders_without_a_registration_date(sessions, config):
    add_notice(sessions, _notice(ranges=((None, "2024", "登记有效期已满或从未登记"),)))
    _people(sessions)
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert set(_told(sessions)) == {"registered-2022@x.cn", "obtained-2020@x.cn", "obtained-2023@x.cn"}


def test_an_unsure_eligible_range_tells_every_holder_and_the_mail_quotes_the_sentence(sessions, config):
    sentence = "凡2019年度（含补考人员）以前取得证书且未登记的人员"
    add_notice(sessions, _notice(ranges=(), uncertain=(("eligible", sentence),)))
    _people(sessions)
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    told = _told(sessions)
    assert len(told) == 4
    assert all(d["uncertain"] == [{"field": "eligible", "evidence": sentence}] for d in told.values())
    with sessions() as s:
        mails = load_mails(s, list(s.scalars(select(Mail.id))))
    text = compose(mails[0], config.mail).get_body(("plain",)).get_content()
    assert "未能确认本通知的适用范围" in text and sentence in text


def test_an_unsure_region_reaches_holders_elsewhere(sessions, config):
    add_notice(sessions, _notice(region="天津", uncertain=(("region", "本市及周边地区持证人员"),)))
    add_subscriber(sessions, "beijing@x.cn", "2019", region="北京市朝阳区", kinds=("registration",))
    add_subscriber(sessions, "too-new@x.cn", "2025上半年", region="北京市", kinds=("registration",))
    queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
    assert set(_told(sessions)) == {"beijing@x.cn"}
