"""The sign-up table end to end: crawl the saved table over loopback HTTP, match, mail through a real SMTP server.

A subscriber in 天津市红桥区 gets Tianjin's 报名 and 缴费 windows and no other row; a 大连
subscriber gets 大连's row and not 辽宁's; a 兵团 subscriber gets nothing (its row has no
window yet, and 新疆's row is not theirs). Runs on SQLite and PostgreSQL, one crawl, alert and send
per backend that every test here reads.
"""

from __future__ import annotations

import email
import email.policy

import pytest

from store.db import make_engine, make_sessionmaker
from testkit.site import serve
from testkit.smtp import MailSink
from tests.conftest import BACKENDS, clean_env, cli, cycle_env, migrated_database
from tests.crawler.pagetools import PAGES
from tests.factories import add_subscriber

SUBSCRIBERS = {
    "tj@example.com": "天津市红桥区",
    "dl@example.com": "辽宁省大连市甘井子区",
    "bt@example.com": "新疆生产建设兵团第八师",
}


@pytest.fixture(scope="module", params=BACKENDS)
def mails(request, tmp_path_factory) -> dict[str, str]:
    """One crawl of the table, alert and send on 2026-03-05 through the CLI: the mails by recipient.

    Module-scoped: the tests only read the mails, so the cycle runs once per backend, not per test.
    """
    home = tmp_path_factory.mktemp("signup")
    with migrated_database(request, home) as database_url, MailSink(home / "inbox") as sink:
        engine = make_engine(database_url)
        for address, region in SUBSCRIBERS.items():
            add_subscriber(make_sessionmaker(engine), address, region=region, kinds=("exam_signup",))
        engine.dispose()
        env = cycle_env(clean_env(), database_url, sink.port)
        with serve(PAGES / "ruankao-signup") as site:
            url = site.url("sign/welcome.html")
            crawl = cli(env, "crawl", "--source", "ruankao-signup", "--url", url, cwd=home)
        assert crawl.returncode == 0, crawl.stdout + crawl.stderr
        assert "crawl: 37 new" in crawl.stdout
        for step in (("alert", "--today", "2026-03-05"), ("send",)):
            done = cli(env, *step, cwd=home)
            assert done.returncode == 0, done.stdout + done.stderr
        messages = sink.messages
    by_recipient = {}
    for path in messages:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        by_recipient[message["To"].addresses[0].addr_spec] = message.get_body(("plain",)).get_content()
    return by_recipient


def test_only_the_tianjin_and_dalian_subscribers_get_mail(mails):
    assert sorted(mails) == ["dl@example.com", "tj@example.com"]


def test_tianjin_gets_its_signup_window(mails):
    assert "2026年3月10日 09:00 至 2026年3月20日 17:00" in mails["tj@example.com"]


def test_tianjin_gets_its_payment_window(mails):
    assert "2026年3月10日 09:00 至 2026年3月22日 17:00" in mails["tj@example.com"]


def test_tianjin_gets_its_own_row_only(mails):
    assert mails["tj@example.com"].count("软考报名与缴费时间（") == 1


def test_dalian_gets_dalians_row_not_liaonings(mails):
    body = mails["dl@example.com"]
    assert ("（大连）" in body, "（辽宁）" in body) == (True, False)
