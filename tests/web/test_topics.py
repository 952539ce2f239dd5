"""Topics are stored as chosen: the defaults, "all ticked" and an omitted ``alerts`` all store every kind."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import JSON, column, create_engine, insert, select, table

from core.vocab import Topic
from store.db import alembic_config
from store.models import Subscriber
from tests.web.helpers import START, body, form_token, subscriber
from tests.web.test_pages import EMAIL, form, url
from web.security import CSRF_FIELD

API = "/api/subscriptions"
# A subscriber row as schema 0001 stored it (before topics were stored explicitly).
OLD_ROW = {
    "status": "active", "region": "", "province": "", "city": "", "reminder_days": 3,
    "expiry_reminders": True, "digest": True, "token_version": 1,  # this schema's column
    "created_at": START, "hard_bounces": 0,
}  # fmt: skip


def test_an_api_request_without_alerts_stores_every_kind(client, sessions):
    assert client.post(API, json=body()).status_code == 202
    assert subscriber(sessions, "li.lei@example.com").alert_kinds == list(Topic.values())


def test_a_form_with_every_box_ticked_stores_every_kind_and_manage_and_export_show_them(
    client, sessions, config
):
    assert client.post("/subscribe", data=form(client)).status_code == 200
    s = subscriber(sessions, EMAIL)
    assert s.alert_kinds == list(Topic.values())
    with sessions.begin() as session:
        session.get(Subscriber, s.id).status = "active"
    manage = url(sessions, config, "manage")
    page = client.get(manage).text
    assert 'value="exam_signup" checked' in page
    exported = json.loads(client.get(manage + "/export").text)
    assert exported["alert_kinds"] == list(Topic.values())


def test_a_partial_choice_is_stored_in_the_canonical_order(client, sessions):
    client.post(API, json=body(alerts=["reminders", "exam_signup"]))
    assert subscriber(sessions, "li.lei@example.com").alert_kinds == ["exam_signup", "reminders"]


def test_the_manage_form_saves_every_box_ticked_as_every_kind(client, sessions, config):
    client.post("/subscribe", data=form(client))
    manage = url(sessions, config, "manage")
    r = client.post(manage, data={**form(client, manage), CSRF_FIELD: form_token(client, manage)})
    assert r.status_code == 200
    assert subscriber(sessions, EMAIL).alert_kinds == list(Topic.values())


def test_the_migration_turns_a_stored_empty_choice_into_every_kind(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    command.upgrade(alembic_config(url), "0001")
    old = table(
        "subscriber", *(column(name) for name in OLD_ROW), column("email"), column("alert_kinds", JSON)
    )
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            insert(old),
            [
                {**OLD_ROW, "email": "old@example.com", "alert_kinds": []},
                {**OLD_ROW, "email": "picky@example.com", "alert_kinds": ["registration"]},
            ],
        )
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as conn:
        stored = dict(conn.execute(select(old.c.email, old.c.alert_kinds)).all())
    engine.dispose()
    # Every topic there was when 0002 ran; 成绩公布 (results) came later and is not added to anyone.
    then = ["registration", "late_registration", "exam_signup", "certificate_collection", "reminders"]
    assert stored == {"old@example.com": then, "picky@example.com": ["registration"]}
