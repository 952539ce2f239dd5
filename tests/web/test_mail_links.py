"""The links in the mails the alerts engineer composes lead to working pages here.

Each mail is composed by ``alerts.compose`` exactly as the sender would, then its links
are followed: the confirmation mail's button confirms, the alert mail's List-Unsubscribe
takes the RFC 8058 POST with no cookie, and its manage link opens the manage page.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from alerts.compose import compose
from store.models import Mail
from store.outgoing import AlertItem, OutgoingMail, Recipient, load_mails
from tests.web.helpers import body, form_token, subscriber
from web.security import CSRF_FIELD

BASE = "http://testserver"


def _links(message, path: str) -> list[str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return [u.removeprefix(BASE) for u in re.findall(rf"{BASE}/{path}/[A-Za-z0-9_.\-]+", text)]


def test_the_confirmation_mail_link_confirms(client, sessions, config):
    client.post("/api/subscriptions", json=body())
    with sessions() as s:
        mail_id = s.scalar(select(Mail.id).where(Mail.purpose == "confirm"))
        [outgoing] = load_mails(s, [mail_id])
    [confirm] = _links(compose(outgoing, config.mail), "confirm")
    assert client.get(confirm).status_code == 200
    assert subscriber(sessions, "li.lei@example.com").status == "pending"
    r = client.post(confirm, data={CSRF_FIELD: form_token(client, confirm)})
    assert "订阅已确认" in r.text
    assert subscriber(sessions, "li.lei@example.com").status == "active"


def test_an_alert_mails_one_click_unsubscribe_and_manage_links_work(app, client, sessions, config, clock):
    client.post("/api/subscriptions", json=body())
    s = subscriber(sessions, "li.lei@example.com")
    recipient = Recipient(s.id, s.email, s.name, "active", s.link_secret, tuple(s.region_names))
    item = AlertItem(id=1, kind="new_window", about="notice:1", detail={}, notice_title="关于证书登记的通知")
    outgoing = OutgoingMail(1, "<a@example.org>", s.email, "alert", {}, 0, clock(), recipient, (item,))
    message = compose(outgoing, config.mail)
    [manage] = set(_links(message, "manage"))
    assert client.get(manage).status_code == 200
    unsubscribe = re.search(r"<(http://[^>]+)>", message["List-Unsubscribe"]).group(1).removeprefix(BASE)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with TestClient(app) as mail_client:  # no cookie, no CSRF token: RFC 8058
        r = mail_client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200
    assert subscriber(sessions, "li.lei@example.com").status == "unsubscribed"
