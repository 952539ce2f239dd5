"""The offline demo: the bundled sample site and an SMTP sink on loopback, a temporary database, one cycle.

It runs the real code paths (the Scrapy spider over HTTP, the SQL matching, aiosmtplib
to a real SMTP server, feedgen) so that a newcomer sees in a minute what a scheduled run
does, without touching the real site or sending a real mail.
"""

from __future__ import annotations

import secrets
import tempfile
from datetime import date
from pathlib import Path

from app.cycle import CycleOptions, run_cycle
from app.demo_why import Sample, why_lines
from core.config import Settings
from core.vocab import NoticeKind
from testkit.ports import free_port
from testkit.smtp import MailSink

# A day inside the sample notices' windows (they are written as of early 2026).
DEMO_TODAY = date(2026, 3, 5)

SAMPLES = (
    Sample("zhang.wei@example.com", "张伟", ("天津市红桥区",), ("信息系统项目管理师", "高级", "2021下半年")),
    Sample("li.na@example.com", "李娜", ("天津市河西区",), ("软件设计师", "中级", "2024上半年")),
    Sample("wang.fang@example.com", "王芳", ("广东省深圳市",), ("网络工程师", "中级", "2019")),
    # People preparing for the exam: no certificate, where they may sit it, the exams and kinds they follow.
    Sample("zhao.min@example.com", "赵敏", ("北京市", "天津市南开区"), None, ("exam_signup", "results", "reminders"), ("2026上半年",)),
    Sample("chen.jie@example.com", "陈杰", ("广东省广州市",), None, ("exam_signup", "results"), ("2026下半年",)),
)  # fmt: skip


def add_sample_subscribers(config: Settings, today: date) -> None:
    from app.wiring import utcnow
    from core.vocab import SubscriberStatus
    from store.db import make_engine, make_sessionmaker, upgrade
    from store.subscribers import CertificateData, SubscriberData, upsert_subscriber

    upgrade(config.database_url)
    engine = make_engine(config.database_url)
    with make_sessionmaker(engine).begin() as session:
        for sample in SAMPLES:
            certificates = (CertificateData(*sample.certificate),) if sample.certificate else ()
            data = SubscriberData(
                sample.email, sample.regions, certificates, sample.name,
                alert_kinds=sample.kinds, exam_sessions=sample.exams,
            )  # fmt: skip
            upsert_subscriber(session, data.validated(today), status=SubscriberStatus.ACTIVE, now=utcnow())
    engine.dispose()


def run_demo(out: Path | None = None, today: date | None = None, *, serve: bool = False) -> int:
    """One cycle against the sample site; with ``serve``, then the web app until Ctrl-C, so mail links work."""
    from testkit.site import LocalSite, sample_site_root

    today = today or DEMO_TODAY
    workdir = Path(out) if out else Path(tempfile.mkdtemp(prefix="ruankao-watch-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    mail_dir, feeds_dir = workdir / "mail", workdir / "feeds"
    port = free_port() if serve else 8000
    with LocalSite(sample_site_root()) as site, MailSink(mail_dir) as sink:
        config = Settings(
            database_url=f"sqlite:///{workdir / 'demo.sqlite3'}",
            smtp_url=f"smtp://127.0.0.1:{sink.port}",
            mail_from="ruankao-watch 演示 <demo@ruankao-watch.example>",
            base_url=f"http://127.0.0.1:{port}",
            secret=secrets.token_hex(16),
            download_delay=0.0,
            operator_name="ruankao-watch 演示",
        )
        add_sample_subscribers(config, today)
        print(f"sample site: {site.url('/index/work.html')}   SMTP sink: 127.0.0.1:{sink.port}")
        options = CycleOptions(
            today=today,
            source="ruankao",
            url=site.url("/index/work.html"),
            feeds_out=feeds_dir,
            cache_dir=str(workdir / "httpcache"),
        )
        result = run_cycle(config, options)
    _print_demo_report(config, result, workdir, mail_dir, feeds_dir, today)
    if serve:
        _serve(config, port)
    else:
        print(
            "邮件里的确认、管理和退订链接指向演示用的网页，它只在 `ruankao-watch demo --serve` 时运行；"
            f"或者：RUANKAO_WATCH_DATABASE_URL={config.database_url} RUANKAO_WATCH_SECRET={config.secret}"
            " ruankao-watch serve --port 8000"
        )
    return result.exit_code


def _serve(config: Settings, port: int) -> None:
    """The demo's web app on loopback until Ctrl-C: the links in the demo's mails open here."""
    from app.wiring import open_store
    from web import serve

    print(f"\n演示网页：{config.base_url}/ （邮件中的链接可以直接打开；按 Ctrl-C 结束）", flush=True)
    serve(config.web, open_store(config.database_url), "127.0.0.1", port)


def _print_demo_report(
    config: Settings, result, workdir: Path, mail_dir: Path, feeds_dir: Path, today: date
) -> None:
    from core.wording import window_line
    from store.db import make_engine, make_sessionmaker
    from store.explain import alerts_by_subscriber
    from store.notices import list_notices, notice_summary

    engine = make_engine(config.database_url)
    with make_sessionmaker(engine)() as session:
        notices = [notice_summary(n) for n in list_notices(session)]
        told = alerts_by_subscriber(session)
    engine.dispose()
    print(f"\n今天（演示）：{today.isoformat()}   找到 {len(notices)} 条通知：")
    for n in notices:
        print(f"  [{NoticeKind(n['kind']).label}] {n['title']}")
        for w in n["windows"]:
            print(f"      {window_line(w)}")
    print("\n每位订阅者为什么收到或没有收到邮件：")
    for line in why_lines(SAMPLES, told, notices, today):
        print(line)
    mails = sorted(mail_dir.glob("*.eml"))
    print(f"\n收到的邮件（{len(mails)} 封）：")
    for path in mails:
        print(f"  {path}")
    print("\n订阅源：")
    for path in sorted(feeds_dir.rglob("*")):
        if path.is_file():
            print(f"  {path}")
    for problem in result.problems:
        print(f"problem: {problem}")
    print(f"\n全部文件在 {workdir}")
    print(
        "（演示站点在 127.0.0.1 上，不是官方域名，所以邮件把通知地址标为“非官方域名”——这正是对仿冒链接的防护。）"
    )
