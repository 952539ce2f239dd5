"""``ruankao-watch subscribers``: a bad CSV imports nothing, import → export round-trips, opt-in is kept."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session, SessionTransaction

from app import subscribers_cli
from app.cli import main as cli_main
from core.vocab import Topic
from store.models import Subscriber
from tests.web.helpers import SECRET, body, confirm_mails, subscriber, subscriber_count

GOOD = """email,name,region,qualification,level,obtained,last_registered
li.lei@example.com,李雷,天津市红桥区,信息系统项目管理师,高级,2021下半年,2024-03-05
li.lei@example.com,,天津市红桥区,系统集成项目管理工程师,中级,2019,
Han.Meimei@Example.com,,广东省深圳市,程序员,,2018上半年,
"""


def test_import_without_confirmed_makes_pending_subscribers_and_queues_their_confirmations(
    run, sessions, tmp_path
):
    (tmp_path / "people.csv").write_text(GOOD, encoding="utf-8")
    r = run("import", "people.csv")
    assert r.returncode == 0, r.stderr
    assert "imported 2 subscriber(s) from UTF-8, 2 new, 2 confirmation mail(s) queued" in r.stdout
    li = subscriber(sessions, "li.lei@example.com")
    assert li.status == "pending" and li.name == "李雷" and len(li.certificates) == 2
    assert subscriber(sessions, "han.meimei@example.com").certificates[0].level == "初级"
    assert confirm_mails(sessions) == 2


def test_a_bad_row_imports_nothing_and_names_each_bad_line(run, sessions, tmp_path):
    bad = (
        GOOD
        + "wang@example,,,程序员,初级,2018,\nzhao@example.com,,,宇宙架构师,高级,2018,\nqian@example.com,,,程序员,初级,2099,\n"
    )
    (tmp_path / "people.csv").write_text(bad, encoding="utf-8")
    r = run("import", "people.csv")
    assert r.returncode == 1
    assert (
        "line 5: 邮箱地址无效" in r.stderr and "line 6: 未知的资格名称" in r.stderr and "line 7:" in r.stderr
    )
    assert "nothing imported" in r.stderr
    assert subscriber_count(sessions) == 0
    r = run("import", "people.csv", "--skip-invalid", "--confirmed")
    assert r.returncode == 0 and "3 bad line(s) skipped" in r.stdout
    assert subscriber(sessions, "li.lei@example.com").status == "active"
    assert confirm_mails(sessions) == 0


@pytest.mark.parametrize(
    ("encoding", "named"), [("utf-8-sig", "UTF-8 (with BOM)"), ("gb18030", "GB18030"), ("utf-8", "UTF-8")]
)
def test_excel_files_from_chinese_windows_import_and_the_encoding_is_named(
    run, sessions, tmp_path, encoding, named
):
    (tmp_path / "people.csv").write_bytes(GOOD.replace("\n", "\r\n").encode(encoding))
    r = run("import", "people.csv", "--confirmed")
    assert r.returncode == 0, r.stderr
    assert f"imported 2 subscriber(s) from {named}," in r.stdout
    assert subscriber(sessions, "li.lei@example.com").name == "李雷"


def test_export_neutralises_formulas_offers_gb18030_and_still_round_trips(run, sessions, tmp_path):
    hostile = GOOD.replace(",李雷,", ',=HYPERLINK("http://evil.example"),', 1)
    (tmp_path / "people.csv").write_text(hostile, encoding="utf-8")
    assert run("import", "people.csv", "--confirmed").returncode == 0
    r = run("export", "--encoding", "gb18030", "--out", "out.csv")
    assert r.returncode == 0
    text = (tmp_path / "out.csv").read_bytes().decode("gb18030")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "天津市红桥区" in text
    (tmp_path / "people.csv").unlink()
    with sessions.begin() as s:
        s.execute(delete(Subscriber))
    assert run("import", "out.csv", "--confirmed").returncode == 0
    assert subscriber(sessions, "li.lei@example.com").name == '=HYPERLINK("http://evil.example")'


def test_a_wrong_header_is_refused(run, tmp_path):
    (tmp_path / "people.csv").write_text("mail,region\nli@example.com,天津\n", encoding="utf-8")
    r = run("import", "people.csv")
    assert r.returncode == 1 and "line 1: the header must be" in r.stderr


def test_export_writes_the_import_format_and_round_trips(run, tmp_path):
    (tmp_path / "people.csv").write_text(GOOD, encoding="utf-8")
    run("import", "people.csv", "--confirmed")
    r = run("export")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    # A file of the old header imports; the export adds the topics, exams and reminder settings
    # (every topic: none was given; the defaults: 3 days, digest, expiry reminders).
    assert lines[0] == (
        "email,name,region,qualification,level,obtained,last_registered,alert_kinds,exam_sessions,"
        "reminder_days,digest,expiry_reminders"
    )
    every = "、".join(topic.label for topic in Topic)
    assert (
        f"li.lei@example.com,李雷,天津市红桥区,信息系统项目管理师,高级,2021下半年,2024-03-05,{every},,3,是,是"
        in lines
    )
    assert len(lines) == 4
    assert run("export", "--out", "again.csv").returncode == 0
    assert (tmp_path / "again.csv").read_text(encoding="utf-8") == r.stdout


def test_add_list_json_and_remove(run, sessions):
    r = run(
        "add",
        "zhang@example.com",
        "--region",
        "广东省深圳市",
        "--cert",
        "网络工程师:中级:2022上半年",
        "程序员::2015",
    )
    assert r.returncode == 0 and "added zhang@example.com, confirmation mail queued" in r.stdout
    r = run("add", "bad@example.com", "--cert", "网络工程师-2022")
    assert r.returncode == 2 and "--cert: 应为 资格:级别:取得时间" in r.stderr
    listed = json.loads(run("list", "--json").stdout)
    assert listed[0]["email"] == "zhang@example.com" and listed[0]["status"] == "pending"
    assert listed[0]["region"] == "广东省深圳市"
    assert [c["qualification"] for c in listed[0]["certificates"]] == ["网络工程师", "程序员"]
    assert json.loads(run("list", "--json", "--status", "active").stdout) == []
    assert run("remove", "zhang@example.com").returncode == 0
    assert run("remove", "zhang@example.com").returncode == 1
    assert subscriber_count(sessions) == 0


def test_a_long_import_commits_in_batches_and_the_web_app_answers_between_them(
    client, sessions, database_url, cli_env, monkeypatch, tmp_path
):
    """Each batch is its own transaction: after one commits, the web app writes while the import goes on."""
    monkeypatch.setattr(subscribers_cli, "IMPORT_BATCH", 100)
    for name, value in {
        "DATABASE_URL": database_url,
        "SECRET": SECRET,
        "SMTP_URL": "smtp://127.0.0.1:9",
    }.items():
        monkeypatch.setenv(f"RUANKAO_WATCH_{name}", value)
    rows = 250
    lines = [f"bulk{i}@example.com,,天津市红桥区,程序员,,2019," for i in range(rows)]
    (tmp_path / "bulk.csv").write_text(
        GOOD.splitlines()[0] + "\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    imported = select(func.count(Subscriber.id)).where(Subscriber.email.like("bulk%"))
    answers: list[tuple[int, int]] = []  # (imported so far, the web app's status) after each batch
    importer = threading.current_thread()  # the web app commits in threads of its own
    checking = []

    def between_batches(session: Session, transaction: SessionTransaction) -> None:
        """After each outermost transaction of the import (not its savepoints, not this check's own)."""
        if transaction.parent is not None or checking or threading.current_thread() is not importer:
            return
        checking.append(True)
        try:
            with sessions() as other:
                done = other.scalar(imported)
            if done < rows:  # the import goes on
                answer = client.post("/api/subscriptions", json=body(f"web{len(answers)}@example.com"))
                answers.append((done, answer.status_code))
        finally:
            checking.clear()

    event.listen(Session, "after_transaction_end", between_batches)
    try:
        assert cli_main(["subscribers", "import", str(tmp_path / "bulk.csv"), "--confirmed"]) == 0
    finally:
        event.remove(Session, "after_transaction_end", between_batches)
    assert answers and all(status == 202 for _, status in answers), answers
    assert [done for done, _ in answers] == [100, 200]
    assert subscriber_count(sessions) == rows + len(answers)
