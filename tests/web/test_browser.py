"""A person in a real browser: fill in the form, get the mail on a real SMTP server, press confirm.

Runs the app with uvicorn on 127.0.0.1 in a thread, the scripted SMTP server on loopback and
Debian's chromium driven by Playwright; screenshots of ``/`` and ``/subscribe`` (desktop
and phone widths), the confirm and the manage page are saved under ``test-output/`` for a person to look at.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.db import make_engine, make_sessionmaker, upgrade
from store.notices import record_fetch
from testkit.asgi import serve_app
from tests.conftest import ROOT
from tests.factories import free_port, notice
from tests.web.helpers import SECRET, subscriber

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
OUT = ROOT / "test-output"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"Debian's chromium is not installed ({CHROMIUM}); apt-get install chromium",
    ),
]


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def server(tmp_path, smtp):
    """The app under uvicorn in a thread; yields (base URL, sessionmaker, access-log lines)."""
    from core.config import Settings
    from web.app import create_app

    url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        record_fetch(session, notice(start=datetime(2026, 3, 1, 9, 0), end=datetime(2026, 3, 15, 17, 0)))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = Settings(
        database_url=url, secret=SECRET, base_url=base, smtp_url=f"smtp://127.0.0.1:{smtp.port}",
        mail_from="软考提醒 <noreply@example.org>",
    )  # fmt: skip
    records = Records()
    with serve_app(create_app(config.web, sessions), port=port, log_level="info"):
        logging.getLogger("uvicorn.access").addHandler(records)
        yield base, sessions, records.lines
        logging.getLogger("uvicorn.access").removeHandler(records)
    engine.dispose()


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is not installed"
    )
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def test_subscribe_confirm_in_a_real_browser(server, smtp, browser):
    base, sessions, access_log = server
    OUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    page.goto(base + "/")
    assert "软考通知提醒" in page.title()
    page.screenshot(path=str(OUT / "home.png"), full_page=True)

    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    phone.goto(base + "/")
    phone.screenshot(path=str(OUT / "home-phone.png"), full_page=True)
    phone.goto(base + "/subscribe")
    phone.screenshot(path=str(OUT / "subscribe-phone.png"), full_page=True)
    phone.close()

    page.goto(base + "/subscribe")
    page.screenshot(path=str(OUT / "subscribe.png"), full_page=True)
    page.get_by_label("邮箱地址").fill("wang.fang@example.com")
    page.get_by_label("省、自治区、直辖市").select_option("天津")
    page.get_by_label("区、县").fill("红桥区")
    page.get_by_label("资格名称").select_option("信息系统项目管理师")
    page.get_by_label("取得年份").select_option("2021")
    page.get_by_label("考试批次").select_option("下半年")
    page.get_by_role("button", name="再添加一个证书").click()
    page.locator("#cert-1-qualification").select_option("软件设计师")
    page.locator("#cert-1-year").select_option("2016")
    page.get_by_label("区、县").press("Enter")  # Enter subscribes; it does not add a row
    page.get_by_role("heading", name="请查收确认邮件").wait_for()
    print(f"\nscreenshots: {OUT}")

    [message] = [received.message for received in smtp.handler.wait()]
    assert message["To"].addresses[0].addr_spec == "wang.fang@example.com"
    text = message.get_body(preferencelist=("plain",)).get_content()
    confirm_url = re.search(r"http://127\.0\.0\.1:\d+/confirm/\S+", text).group(0)

    page.goto(confirm_url)  # what a link scanner would do too: nothing changes
    assert subscriber(sessions, "wang.fang@example.com").status == "pending"
    page.screenshot(path=str(OUT / "confirm.png"))
    page.get_by_role("button", name="确认订阅").click()
    page.get_by_role("heading", name="订阅已确认").wait_for()
    page.get_by_role("link", name="管理订阅").click()
    page.get_by_role("heading", name="管理订阅").wait_for()
    assert page.get_by_label("区、县").input_value() == "红桥区"
    page.screenshot(path=str(OUT / "manage.png"), full_page=True)
    stored = subscriber(sessions, "wang.fang@example.com")
    assert stored.status == "active"
    assert [c.qualification for c in stored.certificates] == ["信息系统项目管理师", "软件设计师"]

    token = confirm_url.rsplit("/", 1)[1]
    assert any("/confirm/***" in line for line in access_log)
    assert not any(token in line or token.split(".")[0] in line for line in access_log)


def test_an_exam_candidate_subscribes_in_a_real_browser(server, smtp, browser):
    """No certificate; may sit the exam in 天津 or 北京; one exam ticked; sign-up and results only."""
    base, sessions, _ = server
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    page.goto(base + "/subscribe")
    page.get_by_label("邮箱地址").fill("han.meimei@example.com")
    page.get_by_label("省、自治区、直辖市").select_option("天津")
    page.get_by_role("button", name="再添加一个地区").click()
    page.locator("#region-1-province").select_option("北京")
    page.locator("#region-1-district").fill("海淀区")
    exam = page.locator("#exam-session-2")  # the next exam (the first is the last one held)
    exam.check()
    chosen = exam.get_attribute("value")
    for label in ("证书登记", "补登记", "证书领取"):
        page.get_by_label(label, exact=True).uncheck()
    page.get_by_label("成绩公布").check()
    page.screenshot(path=str(OUT / "subscribe-candidate.png"), full_page=True)
    page.get_by_role("button", name="订阅").last.click()
    page.get_by_role("heading", name="请查收确认邮件").wait_for()
    stored = subscriber(sessions, "han.meimei@example.com")
    assert stored.certificates == [] and stored.region_names == ["天津市", "北京市海淀区"]
    assert stored.alert_kinds == ["exam_signup", "results", "reminders"]
    assert stored.exam_sessions == [int(chosen[:4]) * 10 + (1 if chosen[4:] == "上半年" else 2)]


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"  # axe-core from npm, with its licence


def _axe_violations(page) -> list[str]:
    """axe-core's findings on the page as loaded: one line per rule and offending element."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node['failureSummary']}"
        for v in violations
        for node in v["nodes"]
    ]


def test_axe_core_finds_no_violation_on_any_page(server, browser):
    from core.config import Settings
    from store.subscribers import CertificateData, SubscriberData, upsert_subscriber
    from web.subscriptions import link

    base, sessions, _ = server
    config = Settings(secret=SECRET, base_url=base)
    now = datetime.now(UTC)
    data = SubscriberData(
        "li.lei@example.com", ("天津市红桥区",), (CertificateData("软件设计师", "", "2018"),)
    )
    with sessions.begin() as session:
        stored = upsert_subscriber(session, data.validated(now.date()), status="pending", now=now).subscriber
        confirm, manage, unsubscribe = (
            link(stored, p, config=config.web, now=now) for p in ("confirm", "manage", "unsubscribe")
        )
    # The pages' CSP forbids inline scripts, which is how Playwright injects axe: let the test's through.
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN", bypass_csp=True)
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = _axe_violations(page)

    def press(button: str, heading: str) -> None:
        page.get_by_role("button", name=button).last.click()
        page.get_by_role("heading", name=heading).wait_for()
        check(heading)

    for path in ("/", "/subscribe", "/privacy", "/no-such-page"):
        page.goto(base + path)
        check(path)
    page.goto(base + "/subscribe")
    page.get_by_label("省、自治区、直辖市").select_option("天津")
    page.get_by_role("button", name="再添加一个地区").click()
    page.locator("#region-1-province").select_option("北京")
    page.get_by_role("button", name="再添加一个证书").click()
    page.locator("#region-1-province").evaluate(
        "box => { box.add(new Option('火星', '火星')); box.value = '火星'; }"
    )
    page.locator("#cert-1-qualification").select_option("软件设计师")
    page.locator("#reminder_days").fill("99")
    page.locator("#exam-session-1").evaluate("box => { box.value = '2099上半年'; box.checked = true; }")
    # No address, a certificate without a year, 99 days, a far exam, a region not in the list.
    press("订阅", "请修改后重新提交")
    assert page.locator('[aria-invalid="true"]').count() >= 4
    assert page.locator("#exam_sessions-error").count() == 1
    assert page.locator("#region-1-province").get_attribute("aria-describedby") == "region-1-province-error"
    for url, button, heading in (
        (confirm, "确认订阅", "订阅已确认"),
        (manage, "删除我的订阅和全部数据…", "确定要删除吗？"),
        (unsubscribe, "退订全部提醒", "已退订"),
    ):
        page.goto(url)
        check(url)
        press(button, heading)
    page.goto(base + "/subscribe")
    page.get_by_label("邮箱地址").fill("han.meimei@example.com")
    press("订阅", "请查收确认邮件")
    page.goto(manage)  # saved, then deleted for good
    page.get_by_role("button", name="保存").last.click()
    page.get_by_role("status").get_by_text("已保存。").wait_for()
    check("manage: saved")
    page.get_by_role("button", name="删除我的订阅和全部数据…").click()
    page.get_by_role("heading", name="确定要删除吗？").wait_for()
    press("确认删除", "已删除")
    assert len(found) == 14
    assert {name: lines for name, lines in found.items() if lines} == {}
