"""The real spider, runner and pipelines against loopback sites: what is stored, fetched and reported."""

from __future__ import annotations

import gzip
import io
import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import CrawlSettings
from crawler.runner import CrawlPlan
from crawler.runner import main as runner_main
from store.db import make_engine, make_sessionmaker
from store.models import Notice, SourceState
from store.notices import list_notices
from testkit.site import Behaviour, LocalSite, sample_site_root, serve
from tests.factories import self_signed_certificate

GBK_TITLE = "关于做好2026年度证书登记工作的通知（天津·红桥区 张喆、朱镕）"
NOCHARSET_TITLE = "关于2026年上半年计算机技术与软件专业技术资格（水平）考试报名的通知"
HOSTILE_TITLE = "关于<script>alert(1)</script>的通知]]>"


def stored(database_url: str) -> dict[str, Notice]:
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            notices = list_notices(session)
            return {n.url.rsplit("/", 1)[-1]: n for n in notices}
    finally:
        engine.dispose()


def source_state(database_url: str, source_id: str = "ruankao") -> SourceState | None:
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            return session.get(SourceState, source_id)
    finally:
        engine.dispose()


def test_sample_site_crawl_then_an_incremental_recrawl_that_downloads_no_body(database_url, crawl):
    with serve(sample_site_root()) as site:
        code, report = crawl(database_url, site)
        assert code == 0, report
        assert report["sources"]["ruankao"] | {"problems": []} == {
            "items": 6, "new": 6, "changed": 0, "unchanged": 0, "errors": 0, "problems": [], "healthy": True,
        }  # fmt: skip
        first_run = len(site.requests)

        code, report = crawl(database_url, site)
        assert code == 0, report
        assert (report["new"], report["changed"], report["unchanged"]) == (0, 0, 4)
        again = site.requests[first_run:]

    paths = [r.path for r in again]
    assert "/index/work/2.html" not in paths, "page 1 was all known, so pagination stops there"
    details = [r for r in again if r.path.startswith("/article/")]
    assert len(details) == 4
    assert all(r.conditional and r.status == 304 for r in again), "no body was downloaded again"

    notices = stored(database_url)
    registration = notices["2602201000123456780000003.html"]
    assert registration.title == "关于做好2026年度计算机技术与软件专业技术资格（水平）证书登记工作的通知"
    assert registration.published_date.isoformat() == "2026-02-20"
    text = registration.current_version.text
    assert "2026年3月2日9:00至3月20日17:00" in text
    assert "2022年度及以前取得证书的人员" in text and "每人每次30元" in text
    assert "京ICP备" not in text, "only the body container is kept, not the page chrome"
    assert [a["name"] for a in registration.attachments] == [
        "1.计算机技术与软件专业技术资格（水平）证书登记表",
        "2.继续教育证明（样式）",
    ]
    assert registration.attachments[0]["url"].startswith(site.base_url + "/attachment/")
    state = source_state(database_url)
    assert state.healthy and state.problems == [] and state.last_item_count == 4


def test_faulty_site_is_crawled_safely_and_an_amendment_adds_a_version(
    database_url, crawl, site_dir, tmp_path
):
    elsewhere = LocalSite(tmp_path).start()  # what an off-domain redirect points to
    behaviours = {
        "/article/content/gbk.html": Behaviour(charset="gbk"),
        "/article/content/nocharset.html": Behaviour(charset=""),
        "/article/content/redirect.html": Behaviour(
            redirect=elsewhere.url("x.html").replace("127.0.0.1", "localhost")
        ),
        "/article/content/flaky.html": Behaviour(statuses=[500]),
        "/article/content/busy.html": Behaviour(statuses=[429], headers={"Retry-After": "1"}),
        "/article/content/huge.html": Behaviour(size=6 * 1024 * 1024),
        "/article/content/bomb.html": Behaviour(
            body=gzip.compress(b" " * (64 * 1024 * 1024)), headers={"Content-Encoding": "gzip"}
        ),
    }
    try:
        with serve(site_dir, behaviours=behaviours) as site:
            code, report = crawl(database_url, site)
            first_run = len(site.requests)
            again_code, again = crawl(database_url, site)
            second_run = site.requests[first_run:]
            amend = site_dir / "article/content/amend.html"
            amend.write_text(
                amend.read_text(encoding="utf-8").replace("4月24日", "4月30日"), encoding="utf-8"
            )
            _, amended = crawl(database_url, site)
            busy = site.requests_for("/article/content/busy.html")
            flaky = site.requests_for("/article/content/flaky.html")
            secret = site.requests_for("/private/secret.html")
    finally:
        elsewhere.stop()

    # First crawl: what was stored, and what was refused.
    assert code == 1, report
    ruankao = report["sources"]["ruankao"]
    assert ruankao["new"] == 6 and not ruankao["healthy"]
    notices = stored(database_url)
    assert sorted(notices) == [
        "amend.html",
        "busy.html",
        "flaky.html",
        "gbk.html",
        "hostile.html",
        "nocharset.html",
    ]
    assert all(n.url.startswith(site.base_url + "/") for n in notices.values()), (
        "only the allowed host is stored"
    )
    assert notices["gbk.html"].title == GBK_TITLE
    assert "2026年3月2日9:00至3月20日17:00" in notices["gbk.html"].current_version.text
    assert notices["nocharset.html"].title == NOCHARSET_TITLE
    assert "报名时间：2026年3月10日至4月3日" in notices["nocharset.html"].current_version.text
    assert notices["hostile.html"].title == HOSTILE_TITLE
    assert [a["name"] for a in notices["amend.html"].attachments] == ["补登记表", "说明"]
    assert not any("evil" in a["url"] for a in notices["amend.html"].attachments)
    assert elsewhere.requests == [], "the off-domain redirect was never followed"
    assert secret == [], "robots.txt disallows /private/"
    assert [r.status for r in flaky[:2]] == [500, 200], "a 500 is retried"
    assert [r.status for r in busy[:2]] == [429, 200]
    assert busy[1].at - busy[0].at >= 0.95, "Retry-After: 1 was honoured"

    problems = " | ".join(ruankao["problems"])
    for expected in (
        "404 ×1",
        "2 detail page(s) were larger than DOWNLOAD_MAXSIZE",
        "robots.txt",
        "429",
        "empty body",
    ):
        assert expected in problems

    # Second crawl: nothing changed, so every stored page is revalidated with a 304.
    assert (again["new"], again["changed"]) == (0, 0), again
    assert again_code == 1  # the same faults are still there
    for name in notices:
        [request] = [r for r in second_run if r.path == f"/article/content/{name}"]
        assert request.conditional and request.status == 304, name

    # Third crawl: the amended notice (window extended) becomes a second version.
    assert (amended["new"], amended["changed"]) == (0, 1), amended
    notice = stored(database_url)["amend.html"]
    assert len(notice.versions) == 2
    assert "4月30日" in notice.current_version.text
    state = source_state(database_url)
    assert not state.healthy and state.failing_since is not None
    assert state.problems == amended["sources"]["ruankao"]["problems"]


def test_an_empty_list_is_a_health_problem_and_deletes_nothing(database_url, crawl, tmp_path):
    root = Path(shutil.copytree(sample_site_root(), tmp_path / "sample"))
    with serve(root) as site:
        assert crawl(database_url, site)[0] == 0
        # The layout changes: the list container is gone (or a captcha page is served).
        (root / "index/work.html").write_text(
            "<html><body><p>请输入验证码</p></body></html>", encoding="utf-8"
        )
        code, report = crawl(database_url, site)

    assert code == 1
    assert report["new"] == report["changed"] == 0
    [problem] = report["sources"]["ruankao"]["problems"]
    assert "no notices (it had 4 last time)" in problem
    state = source_state(database_url)
    assert not state.healthy and state.last_item_count == 4, "an empty list is not the new baseline"
    assert len(stored(database_url)) == 6, "nothing is deleted"


def test_a_notice_back_to_its_first_text_is_a_change_and_later_crawls_store_it(database_url, crawl, tmp_path):
    root = Path(shutil.copytree(sample_site_root(), tmp_path / "sample"))
    [page] = [p for p in (root / "article/content").iterdir() if p.name.startswith("2603101000318842")]
    original = page.read_text(encoding="utf-8")
    amended = original.replace("2026年3月23日至4月30日", "2026年3月23日至5月15日", 1)
    assert amended != original
    reports = []
    with serve(root) as site:
        for html in (original, amended, original, original):
            page.write_text(html, encoding="utf-8")
            reports.append(crawl(database_url, site))
    assert [code for code, _ in reports] == [0, 0, 0, 0]
    assert [r["changed"] for _, r in reports] == [0, 1, 1, 0]
    versions = stored(database_url)[page.name].versions
    assert len(versions) == 3 and versions[0].text == versions[2].text != versions[1].text


def test_a_long_retry_after_ends_the_run_for_that_host(tmp_path, crawl):
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    behaviours = {"/index/work.html": Behaviour(statuses=[503, 503, 503], headers={"Retry-After": "3600"})}
    with serve(sample_site_root(), behaviours=behaviours) as site:
        code, report = crawl(database_url, site)
        lists = site.requests_for("/index/work.html")
    assert code == 1
    assert len(lists) == 1, "no second request inside the Retry-After period"
    assert any("come back later" in p for p in report["problems"])


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({"source": "ruankao", "url": "ftp://127.0.0.1/x"}, "--url must be an http(s) URL"),
        ({"url": "http://127.0.0.1/x"}, "--url needs --source"),
        ({"source": "nowhere"}, "unknown source 'nowhere'"),
    ],
)
def test_a_usage_error_is_reported_before_any_crawl(tmp_path, capsys, choice, message):
    plan = CrawlPlan(crawl=CrawlSettings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}"), **choice)
    assert runner_main(io.StringIO(plan.model_dump_json())) == 2
    report = json.loads(capsys.readouterr().out)
    assert message in report["problems"][0]


def test_scrapy_crawl_from_the_repository_root(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    root = Path(__file__).resolve().parents[2]
    with serve(sample_site_root()) as site:
        mirror = [
            {"id": "ruankao", "list_urls": [site.url("index/work.html")], "allowed_domains": ["127.0.0.1"]}
        ]
        options = {
            "NOTICES_SOURCES": json.dumps(mirror),
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "HTTPCACHE_DIR": tmp_path / "c",
            "NOTICES_DATABASE_URL": database_url,
        }
        subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "ruankao", *(f"-s{k}={v}" for k, v in options.items())],
            cwd=root,
            check=True,
            capture_output=True,
        )
    assert len(stored(database_url)) == 6
    assert source_state(database_url).healthy


def test_a_list_page_that_times_out_is_retried_then_reported_not_served_from_the_cache(tmp_path, crawl):
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with serve(sample_site_root()) as site:
        assert crawl(database_url, site)[0] == 0  # the list page is now in the HTTP cache
        slow = site.behaviours["/index/work.html"] = Behaviour(delay=1.5)
        code, report = crawl(database_url, site, DOWNLOAD_TIMEOUT=0.5, RETRY_TIMES=1)
    assert code == 1
    assert slow.arrivals == 2, "one retry after the time-out"
    problems = " | ".join(report["problems"])
    assert "no list page could be read" in problems and "could not be downloaded" in problems


def test_a_self_signed_certificate_fails_the_crawl(tmp_path, crawl):
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with serve(sample_site_root(), tls=self_signed_certificate(tmp_path)) as site:
        assert site.base_url.startswith("https://")
        code, report = crawl(database_url, site, RETRY_TIMES=0)
    assert code == 1
    assert any("no list page could be read" in p for p in report["problems"])
    assert stored(database_url) == {}


def test_requests_are_spaced_one_at_a_time_with_an_honest_user_agent(tmp_path, crawl):
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with serve(sample_site_root()) as site:
        code, _ = crawl(database_url, site, DOWNLOAD_DELAY=0.3, AUTOTHROTTLE_ENABLED=False)
        requests = list(site.requests)
    assert code == 0
    gaps = [b.at - a.at for a, b in itertools.pairwise(requests)]
    assert min(gaps) >= 0.14, gaps  # 0.3 s with ±50 % jitter
    agents = {r.headers["user-agent"] for r in requests}
    assert len(agents) == 1 and agents.pop().startswith("ruankao-watch/")
