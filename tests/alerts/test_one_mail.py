"""One mail never stops the others: odd addresses, IDNA domains, SMTPUTF8, and errors tied to one mail."""

from __future__ import annotations

from email import message_from_string, policy

import pytest
from sqlalchemy import select, update

from alerts.queue import queue_alerts
from alerts.send import send_outbox
from store.models import Mail
from testkit.smtp import ScriptedHandler, SmtpServer
from tests.factories import NOW, TODAY, add_notice, add_subscriber, notice

IDNA = "li@例子.中国"
UTF8_LOCAL = "用户@example.com"


def queue(sessions, config, odd: str, count: int = 6) -> list[str]:
    """``count`` ordinary subscribers with ``odd`` in the middle, each with one alert mail."""
    add_notice(sessions, notice())
    emails = [f"user{i}@example.com" for i in range(count)]
    emails.insert(count // 2, odd)
    for email in emails:
        add_subscriber(sessions, email, "2021")
    assert queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)["mails"] == len(emails)
    return emails


def statuses(sessions) -> dict[str, tuple[str, str | None]]:
    with sessions() as s:
        return {m.recipient: (m.status, m.last_error) for m in s.scalars(select(Mail))}


@pytest.fixture
def ascii_smtp():
    """The scripted server, not offering SMTPUTF8 (aiosmtpd's controller offers it by default)."""
    handler = ScriptedHandler()
    controller = SmtpServer(handler, enable_SMTPUTF8=False)
    controller.start()
    controller.handler = handler
    yield controller
    handler.release.set()
    controller.stop()


def test_an_internationalised_domain_goes_out_idna_encoded_among_many(sessions, config, smtp):
    emails = queue(sessions, config, IDNA)
    counts = send_outbox(sessions, config.mail, now_fn=lambda: NOW)
    assert counts["sent"] == len(emails)
    envelopes = sorted(r.rcpt_tos[0] for r in smtp.handler.accepted())
    assert "li@xn--fsqu00a.xn--fiqs8s" in envelopes and len(envelopes) == len(emails)
    [idna] = [r for r in smtp.handler.accepted() if r.rcpt_tos == ["li@xn--fsqu00a.xn--fiqs8s"]]
    assert idna.message["To"].addresses[0].domain in ("xn--fsqu00a.xn--fiqs8s", "例子.中国")
    assert {status for status, _ in statuses(sessions).values()} == {"sent"}


def test_a_non_ascii_local_part_fails_clearly_when_the_relay_lacks_smtputf8(sessions, config, ascii_smtp):
    config = config.model_copy(update=dict(smtp_url=f"smtp://127.0.0.1:{ascii_smtp.port}?timeout=2"))
    emails = queue(sessions, config, UTF8_LOCAL)
    counts = send_outbox(sessions, config.mail, now_fn=lambda: NOW)
    assert (counts["sent"], counts["failed"]) == (len(emails) - 1, 1)
    status, error = statuses(sessions)[UTF8_LOCAL]
    assert status == "failed" and "SMTPUTF8" in error and "用户@example.com" in error
    assert UTF8_LOCAL not in [r.rcpt_tos[0] for r in ascii_smtp.handler.received]


def test_a_non_ascii_local_part_goes_out_when_the_relay_offers_smtputf8(sessions, config, smtp):
    emails = queue(sessions, config, UTF8_LOCAL)
    assert send_outbox(sessions, config.mail, now_fn=lambda: NOW)["sent"] == len(emails)
    [mail] = [r for r in smtp.handler.accepted() if r.rcpt_tos == [UTF8_LOCAL]]
    message = message_from_string(mail.data.decode("utf-8"), policy=policy.default)  # SMTPUTF8: raw UTF-8
    assert message["To"].addresses[0].addr_spec == UTF8_LOCAL
    assert "信息系统项目管理师" in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("bad", ["no-at-sign", "two@@example.com", "sp ace@example.com"])
def test_an_address_no_relay_could_take_fails_that_mail_alone(sessions, config, smtp, bad):
    emails = queue(sessions, config, "placeholder@example.com")
    with sessions.begin() as s:  # as an old row or a hand edit could leave it
        s.execute(update(Mail).where(Mail.recipient == "placeholder@example.com").values(recipient=bad))
    counts = send_outbox(sessions, config.mail, now_fn=lambda: NOW)
    assert (counts["sent"], counts["failed"]) == (len(emails) - 1, 1)
    status, error = statuses(sessions)[bad]
    assert status == "failed" and error
