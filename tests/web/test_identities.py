"""Identities are never reused: ids grow past deleted rows, and links bind a per-subscriber secret."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import create_engine, text, update

from store.db import alembic_config
from store.models import Subscriber
from store.subscribers import (
    CertificateData,
    SubscriberData,
    remove_subscriber,
    replace_preferences,
    upsert_subscriber,
)
from tests.web.helpers import START, form_token, subscriber
from tests.web.test_pages import EMAIL, make_subscriber, url
from web.security import CSRF_FIELD
from web.subscriptions import private_feed_links

TODAY = date(2026, 3, 2)


def test_subscriber_and_certificate_ids_are_never_reused(sessions):
    first = make_subscriber(sessions, "first@example.com")
    with sessions.begin() as s:
        assert remove_subscriber(s, "first@example.com")
    second = make_subscriber(sessions, "second@example.com")
    assert second > first
    with sessions.begin() as s:
        person = s.get(Subscriber, second)
        [old] = [c.id for c in person.certificates]
        data = SubscriberData(
            person.email, tuple(person.region_names), (CertificateData("网络工程师", "", "2022"),)
        )
        replace_preferences(s, person, data.validated(TODAY))
        [new] = [c.id for c in person.certificates]
    assert new > old


def test_a_deleted_subscribers_links_stay_dead_even_if_their_id_comes_back(client, sessions, config):
    gone = make_subscriber(sessions, "gone@example.com")
    links = [
        url(sessions, config, purpose, "gone@example.com") for purpose in ("confirm", "manage", "unsubscribe")
    ]
    feeds = private_feed_links(subscriber(sessions, "gone@example.com"), config=config.web)
    links += [link.removeprefix("http://testserver") for link in feeds.values()]
    with sessions.begin() as s:
        remove_subscriber(s, "gone@example.com")
    with sessions.begin() as s:  # no certificates or regions yet, so that its id can be moved below
        data = SubscriberData(EMAIL).validated(TODAY)
        newcomer = upsert_subscriber(s, data, status="pending", now=START).subscriber.id
    with sessions.begin() as s:  # the worst case: the next subscriber gets the same id
        s.execute(update(Subscriber).where(Subscriber.id == newcomer).values(id=gone))
    for link in links:
        assert client.get(link).status_code == 404, link
    confirm = links[0]
    r = client.post(confirm, data={CSRF_FIELD: form_token(client, confirm)})
    assert r.status_code == 404
    assert subscriber(sessions, EMAIL).status == "pending"
    assert subscriber(sessions, EMAIL).id == gone
    # Their own links work.
    assert client.get(url(sessions, config, "manage")).status_code == 200


def test_the_migration_keeps_every_row_and_gives_each_subscriber_its_own_secret(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    command.upgrade(alembic_config(url), "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        for n in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO subscriber (id, email, status, region, province, city, alert_kinds,"
                    " reminder_days, expiry_reminders, digest, token_version, created_at, hard_bounces)"
                    " VALUES (:n, :email, 'active', '', '', '', '[]', 3, 1, 1, 1, '2026-01-01', 0)"
                ),
                {"n": n, "email": f"p{n}@example.com"},
            )
            conn.execute(
                text(
                    "INSERT INTO certificate (subscriber_id, qualification, level, obtained, obtained_low,"
                    " obtained_high) VALUES (:n, '程序员', '初级', '2019', 20191, 20192)"
                ),
                {"n": n},
            )
    command.upgrade(alembic_config(url), "head")
    with engine.begin() as conn:
        secrets = conn.execute(text("SELECT link_secret FROM subscriber ORDER BY id")).scalars().all()
        assert conn.execute(text("SELECT count(*) FROM certificate")).scalar() == 2
        conn.execute(text("DELETE FROM certificate WHERE subscriber_id = 2"))
        conn.execute(text("DELETE FROM subscriber WHERE id = 2"))
        conn.execute(
            text(
                "INSERT INTO subscriber (email, status, alert_kinds, reminder_days,"
                " expiry_reminders, digest, link_secret, created_at, hard_bounces)"
                " VALUES ('p3@example.com', 'active', '[]', 3, 1, 1, 'x', '2026-01-01', 0)"
            )
        )
        assert conn.execute(text("SELECT max(id) FROM subscriber")).scalar() == 3
    engine.dispose()
    assert len(set(secrets)) == 2 and all(len(s) == 32 for s in secrets)
