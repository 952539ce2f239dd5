"""End to end through the CLI: the real spider over loopback HTTP, SQL matching, aiosmtplib to a real SMTP server.

The eligible subscriber gets exactly one mail with the registration window, the ineligible one only
the sign-up notice (topics default to every kind), the feed parses, and a second run with nothing new
sends nothing. Runs on SQLite and PostgreSQL. Each step of the cycle is a child process, as cron
starts it; importing the subscribers and reading the notices back (``notices list`` / ``show``)
call the CLI in this process.
"""

from __future__ import annotations

import email
import email.policy
import json

import feedparser

from testkit.site import Behaviour, sample_site_root
from tests.conftest import cli, cli_in_process

CSV = """email,name,region,qualification,level,obtained,last_registered
holder@example.com,张伟,天津市红桥区,信息系统项目管理师,高级,2021下半年,
newcomer@example.com,李娜,天津市河西区,软件设计师,中级,2024上半年,
"""


def _mails_by_recipient(sink) -> dict[str, email.message.EmailMessage]:
    """The sink's mails keyed by their one recipient; a second mail to anyone fails the test."""
    mails = {}
    for path in sink.messages:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        [address] = message["To"].addresses
        assert address.addr_spec not in mails, f"two mails to {address.addr_spec}"
        mails[address.addr_spec] = message
    return mails


def test_one_run_alerts_the_eligible_once_and_a_rerun_sends_nothing(app_env, site, sink, tmp_path):
    env = {
        **app_env,
        "RUANKAO_WATCH_MAIL_FROM": "软考提醒 <alerts@watch.example.cn>",
        "RUANKAO_WATCH_BASE_URL": "https://watch.example.cn",
    }
    (tmp_path / "people.csv").write_text(CSV, encoding="utf-8")
    imported = cli_in_process(env, "subscribers", "import", "people.csv", "--confirmed")
    assert imported.returncode == 0, imported.stderr
    run_args = (
        "run",
        "--source",
        "ruankao",
        "--url",
        site.url("/index/work.html"),
        "--today",
        "2026-03-05",
        "--feeds-out",
        "feeds",
    )
    first = cli(env, *run_args)
    assert first.returncode == 0, first.stdout + first.stderr

    mails = _mails_by_recipient(sink)
    # Topics default to every kind: both hear of the national sign-up notice; only the holder, whose
    # 2021下半年 certificate is inside "2022年度及以前", is told to register.
    assert set(mails) == {"holder@example.com", "newcomer@example.com"}
    holder = mails["holder@example.com"]
    body = holder.get_body(("plain",)).get_content()
    assert "2026年3月2日 09:00 至 2026年3月20日 17:00" in body
    assert "您2021年下半年取得的信息系统项目管理师证书" in body
    assert holder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    newcomer = mails["newcomer@example.com"].get_body(("plain",)).get_content()
    assert "2026年上半年计算机技术与软件专业技术资格（水平）考试报名工作的通知" in newcomer
    assert "2026年3月20日 17:00" not in newcomer

    feed = feedparser.parse((tmp_path / "feeds" / "rss.xml").read_bytes())
    assert feed.bozo == 0
    assert any("证书登记" in entry.title for entry in feed.entries)

    notices = json.loads(cli_in_process(env, "notices", "list", "--json").stdout)
    registration = next(n for n in notices if n["kind"] == "registration")
    assert registration["versions"] == 1
    assert registration["windows"][0]["end"] == "2026-03-20T17:00"
    assert registration["eligible"][0]["to"] == "2022"
    assert registration["fees"][0]["amount"] == 30

    second = cli(env, *run_args)
    assert second.returncode == 0, second.stdout + second.stderr
    assert len(sink.messages) == 2
    assert "mail: 0 sent" in second.stdout
    notices_again = json.loads(cli_in_process(env, "notices", "list", "--json").stdout)
    assert [n["versions"] for n in notices_again] == [n["versions"] for n in notices]


def test_the_steps_one_by_one_and_a_second_alert_and_send_sends_nothing(app_env, site, sink, tmp_path):
    env = app_env
    (tmp_path / "people.csv").write_text(CSV, encoding="utf-8")
    assert cli_in_process(env, "subscribers", "import", "people.csv", "--confirmed").returncode == 0
    crawl = cli(env, "crawl", "--source", "ruankao", "--url", site.url("/index/work.html"))
    assert crawl.returncode == 0, crawl.stderr
    assert "crawl: 6 new, 0 changed, 0 unchanged notices" in crawl.stdout
    for _ in range(2):
        alert = cli(env, "alert", "--today", "2026-03-05")
        assert alert.returncode == 0, alert.stderr
        send = cli(env, "send")
        assert send.returncode == 0, send.stderr
        assert set(_mails_by_recipient(sink)) == {"holder@example.com", "newcomer@example.com"}
        assert len(sink.messages) == 2
    feeds = cli(env, "feeds", "--out", "out")
    assert feeds.returncode == 0, feeds.stderr
    assert feedparser.parse((tmp_path / "out" / "atom.xml").read_bytes()).bozo == 0


def test_an_amended_notice_is_a_new_version_that_notices_show_diffs(app_env, site):
    detail = "/article/content/2602201000123456780000003.html"
    original = (sample_site_root() / detail.lstrip("/")).read_bytes()
    env = app_env
    crawl = ("crawl", "--source", "ruankao", "--url", site.url("/index/work.html"))
    assert cli(env, *crawl).returncode == 0
    amended = original.replace("至3月20日17:00".encode(), "至3月27日17:00（已延长）".encode())
    site.behaviours[detail] = Behaviour(body=amended, content_type="text/html")
    again = cli(env, *crawl)
    assert again.returncode == 0, again.stderr
    assert "1 changed" in again.stdout
    notice = next(
        n
        for n in json.loads(cli_in_process(env, "notices", "list", "--json").stdout)
        if n["url"].endswith(detail)
    )
    assert notice["versions"] == 2
    shown = cli_in_process(env, "notices", "show", str(notice["id"]), "--diff")
    assert shown.returncode == 0, shown.stderr
    assert "登记截止：2026年3月20日 17:00 → 2026年3月27日 17:00" in shown.stdout
    assert "+" in shown.stdout and "3月27日17:00（已延长）" in shown.stdout
