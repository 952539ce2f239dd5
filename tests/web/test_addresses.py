"""Addresses: internationalised ones accepted, look-alikes of one mailbox one subscriber, the undeliverable refused.

Every door (the API, the form, ``subscribers add`` and ``import``) goes through
``normalise_email``; these tests knock on each.
"""

from __future__ import annotations

import pytest

from store.subscribers import InvalidSubscription, normalise_email
from tests.conftest import cli
from tests.web.helpers import body, subscriber, subscriber_count
from tests.web.test_pages import form

API = "/api/subscriptions"
LOOK_ALIKES = [
    "li@例子.中国",
    "LI@例子.中国",
    "li@xn--fsqu00a.xn--fiqs8s",  # the same domain as IDNA A-labels
    "l\u200bi@例子.中国",  # a zero-width space
    "\ufeffli@例子\u200d.中国",  # a BOM and a zero-width joiner
    "ｌｉ＠例子．中国",  # full-width letters, at-sign and dot
]
UNDELIVERABLE = [
    ("li@-bad-.com", "连字符"),
    ("li@localhost", "域名"),
    ("li@例子", "域名"),
    ("li@example.test", "域名"),
    ("li..lei@example.com", "点"),
    ("li@@example.com", "@"),
    ('"li lei"@example.com', "用户名"),
    ("li@exa..mple.com", "点"),
]


@pytest.mark.parametrize("typed", LOOK_ALIKES)
def test_look_alikes_normalise_to_one_stored_form(typed):
    assert normalise_email(typed) == "li@例子.中国"


@pytest.mark.parametrize(("typed", "reason"), UNDELIVERABLE)
def test_undeliverable_addresses_are_refused_in_chinese(typed, reason):
    with pytest.raises(InvalidSubscription, match="邮箱地址无效") as refused:
        normalise_email(typed)
    assert reason in str(refused.value)


def test_the_api_stores_look_alikes_as_one_subscriber(client, sessions):
    # Three, the per-address rate limit: look-alikes count as one address there too.
    for typed in ("LI@例子.中国", "l\u200bi@例子.中国", "ｌｉ＠例子．中国"):
        assert client.post(API, json=body(typed)).status_code == 202
    assert client.post(API, json=body("li@xn--fsqu00a.xn--fiqs8s")).status_code == 429
    assert subscriber_count(sessions) == 1
    assert subscriber(sessions, "li@例子.中国").email == "li@例子.中国"


def test_the_api_and_the_form_refuse_undeliverable_addresses_and_store_nothing(client, sessions):
    for typed, reason in UNDELIVERABLE:
        r = client.post(API, json=body(typed))
        assert r.status_code == 422 and "邮箱地址无效" in r.json()["detail"] and reason in r.json()["detail"]
        r = client.post("/subscribe", data=form(client, email=typed))
        assert r.status_code == 422 and "邮箱地址无效" in r.text
    assert subscriber_count(sessions) == 0


def test_the_cli_add_and_import_normalise_and_refuse_alike(app_env, sessions, tmp_path):
    def run(*args):
        return cli(app_env, "subscribers", *args)

    assert run("add", "ｌｉ＠例子．中国", "--cert", "程序员::2019").returncode == 0
    r = run("add", "li@-bad-.com", "--cert", "程序员::2019")
    assert r.returncode == 2 and "EMAIL: 邮箱地址无效" in r.stderr  # a bad argument
    (tmp_path / "people.csv").write_text(
        "email,name,region,qualification,level,obtained,last_registered\n"
        "LI@xn--fsqu00a.xn--fiqs8s,,,网络工程师,,2022,\n"
        "li@localhost,,,程序员,,2019,\n",
        encoding="utf-8",
    )
    r = run("import", "people.csv", "--skip-invalid")
    assert r.returncode == 0 and "line 3: 邮箱地址无效" in r.stderr
    assert subscriber_count(sessions) == 1
    assert [c.qualification for c in subscriber(sessions, "li@例子.中国").certificates] == [
        "程序员",
        "网络工程师",
    ]
