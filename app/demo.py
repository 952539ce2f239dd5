"""The offline demo: the bundled sample site and an SMTP sink on loopback, a temporary database, one cycle.

It runs the real code paths (the Scrapy spider over HTTP, the SQL matching, aiosmtplib
to a real SMTP server, feedgen) so that a newcomer sees in a minute what a scheduled run
does, without touching the real site or sending a real mail.
"""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from app.config import Config
from app.cycle import CycleOptions, run_cycle
from testkit.smtp import MailSink

# A day inside the sample notices' windows (they are written as of early 2026).
DEMO_TODAY = date(2026, 3, 5)

SAMPLE_SUBSCRIBERS = (
    ("zhang.wei@example.com", "张伟", "天津市红桥区", "信息系统项目管理师", "高级", "2021下半年"),
    ("li.na@example.com", "李娜", "天津市河西区", "软件设计师", "中级", "2024上半年"),
    ("wang.fang@example.com", "王芳", "广东省深圳市", "网络工程师", "中级", "2019"),
)


def add_sample_subscribers(config: Config, today: date) -> None:
    from app.cycle import utcnow
    from store.db import make_engine, make_sessionmaker, upgrade
    from store.subscribers import CertificateData, SubscriberData, upsert_subscriber

    upgrade(config.database_url)
    engine = make_engine(config.database_url)
    with make_sessionmaker(engine).begin() as session:
        for email, name, region, qualification, level, obtained in SAMPLE_SUBSCRIBERS:
            data = SubscriberData(email, region, (CertificateData(qualification, level, obtained),), name)
            upsert_subscriber(session, data.validated(today), status="active", now=utcnow())
    engine.dispose()


def run_demo(out: Path | None = None, today: date | None = None) -> int:
    from testkit.site import LocalSite, sample_site_root

    today = today or DEMO_TODAY
    workdir = Path(out) if out else Path(tempfile.mkdtemp(prefix="ruankao-watch-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    mail_dir, feeds_dir = workdir / "mail", workdir / "feeds"
    with LocalSite(sample_site_root()) as site, MailSink(mail_dir) as sink:
        config = replace(
            Config(),
            database_url=f"sqlite:///{workdir / 'demo.sqlite3'}",
            smtp_url=f"smtp://127.0.0.1:{sink.port}",
            mail_from="ruankao-watch 演示 <demo@ruankao-watch.example>",
            base_url="http://127.0.0.1:8000",
            secret=secrets.token_hex(16),
            download_delay=0.0,
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
    return result.exit_code


def _print_demo_report(
    config: Config, result, workdir: Path, mail_dir: Path, feeds_dir: Path, today: date
) -> None:
    from core.wording import window_line
    from store.db import make_engine, make_sessionmaker
    from store.notices import list_notices, notice_summary

    engine = make_engine(config.database_url)
    with make_sessionmaker(engine)() as session:
        notices = [notice_summary(n) for n in list_notices(session)]
    engine.dispose()
    print(f"\n今天（演示）：{today.isoformat()}   找到 {len(notices)} 条通知：")
    for n in notices:
        print(f"  [{n['kind']}] {n['title']}")
        for w in n["windows"]:
            print(f"      {window_line(w)}")
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
