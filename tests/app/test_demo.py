"""``ruankao-watch demo``: says why each subscriber got mail or not; with ``--serve`` its mail links open."""

from __future__ import annotations

import re
import subprocess
import time
from email import message_from_bytes, policy

import httpx

from tests.conftest import PYTHON


def test_the_demo_says_why_each_subscriber_got_mail_or_not(cli_env, tmp_path):
    result = subprocess.run(
        [PYTHON, "-m", "app", "demo", "--out", str(tmp_path / "demo")],
        env=cli_env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = result.stdout.split("每位订阅者为什么收到或没有收到邮件：", 1)[1].split("收到的邮件", 1)[0]
    for name in ("张伟", "李娜", "王芳", "赵敏", "陈杰"):
        line = next(line for line in report.splitlines() if name in line)
        assert re.search(r"收到 \d+ 条提醒|没有收到邮件", line), line
    # An exam candidate gets the sign-up notice of the exam they sit; one who sits another exam
    # gets nothing, and is told why, notice by notice.
    assert re.search(
        r"赵敏 .*备考，关注2026年上半年考试.*收到 1 条提醒：\n\s+新通知：关于2026年上半年", report
    )
    chen = report.split("陈杰", 1)[1]
    assert chen.split("\n", 1)[0].endswith("没有收到邮件：")
    assert "考试报名工作的通知：涉及2026年上半年的考试，不是您关注的考试" in chen
    assert "ruankao-watch demo --serve" in result.stdout
    # Each notice is listed under its kind in Chinese, as the mails and the feeds name it.
    assert "  [补登记] 关于开展2026年度" in result.stdout and "[late_registration]" not in result.stdout


def test_demo_serve_keeps_the_web_app_up_so_the_mail_links_open(cli_env, tmp_path):
    out = tmp_path / "demo"
    demo = subprocess.Popen(
        [PYTHON, "-m", "app", "demo", "--serve", "--out", str(out)],
        env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        url = None
        for line in demo.stdout:
            if m := re.search(r"演示网页：(http://127\.0\.0\.1:\d+)/", line):
                url = m.group(1)
                break
        assert url, "the demo printed no web address"
        message = message_from_bytes((out / "mail" / "0001.eml").read_bytes(), policy=policy.default)
        text = message.get_body(("plain",)).get_content()
        manage = re.search(rf"{re.escape(url)}/manage/\S+", text).group(0)
        for _ in range(600):  # uvicorn binds right after the line is printed
            try:
                page = httpx.get(manage, timeout=5)
                break
            except httpx.TransportError:
                assert demo.poll() is None, "the demo's web app stopped"
                time.sleep(0.1)
        assert page.status_code == 200 and "管理订阅" in page.text
    finally:
        demo.terminate()
        demo.wait(30)
        demo.stdout.close()
