"""Crawler benchmark: a 2,000-notice local mirror crawled with delays off, against ``scrapy bench``.

Absolute pages/s depend on the machine, so the figure that travels is the ratio to
``scrapy bench`` (Scrapy's own link-following spider with no pipelines) measured in the same
run, once before and once after our crawl (their mean), so that a change in machine load
during the run shows up as a spread rather than a skewed ratio. The second figure is what an unchanged re-crawl costs: how many bodies the server had
to send (goal: no detail body, only 304 answers).

    python bench/crawl_bench.py [--notices 2000] [--per-page 20] [--bench-seconds 10]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.config import CrawlSettings
from crawler.runner import crawl_in_subprocess
from testkit.site import LocalSite

BODY = (
    """<p>各省、自治区、直辖市及新疆生产建设兵团计算机技术与软件专业技术资格（水平）考试管理机构：</p>
<p>一、登记对象：{year}年度及以前取得证书的人员。</p>
<p>二、登记时间：2026年3月{day}日9:00至3月{end}日17:00。</p>
<p>三、登记费用：每人每次30元。</p>
<p>第{n}号通知，全文约一千字。</p>
"""
    + "<p>各地考试管理机构应做好宣传解释工作，及时审核登记材料，确保登记工作顺利进行。</p>\n" * 12
)


def build_mirror(root: Path, notices: int, per_page: int) -> int:
    """Write a ruankao-style list (``index/work.html``, ``index/work/<n>.html``) and its details."""
    pages = (notices + per_page - 1) // per_page
    (root / "index/work").mkdir(parents=True)
    (root / "article/content").mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    for n in range(notices):
        title = f"关于做好第{n}批计算机技术与软件专业技术资格（水平）证书登记工作的通知"
        body = BODY.format(year=2000 + n % 25, day=1 + n % 9, end=20 + n % 9, n=n)
        (root / f"article/content/{n:08d}.html").write_text(
            f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div class="nav">首页 软考动态</div><h1 class="title">{title}</h1>'
            f'<div id="contentTxt">{body}</div><div class="footer">京ICP备05006009号</div></body></html>',
            encoding="utf-8",
        )
    for page in range(1, pages + 1):
        items = "\n".join(
            f'<li><label class="time">[2026-02-{1 + n % 28:02d}]</label>'
            f'<a href="/article/content/{n:08d}.html" title="关于做好第{n}批证书登记工作的通知">第{n}批...</a></li>'
            for n in range((page - 1) * per_page, min(page * per_page, notices))
        )
        pager = f'<a href="/index/work/{page + 1}.html">下一页</a>' if page < pages else ""
        html = f'<html><head><meta charset="utf-8"></head><body><ul class="ui-item15 newsList">{items}</ul>{pager}</body></html>'
        path = root / ("index/work.html" if page == 1 else f"index/work/{page}.html")
        path.write_text(html, encoding="utf-8")
    return pages


def scrapy_bench(seconds: int, workdir: Path) -> float:
    """Pages/s of ``scrapy bench`` on this machine (run outside our project, with Scrapy's defaults)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "bench",
            "-s",
            f"CLOSESPIDER_TIMEOUT={seconds}",
            "-s",
            "LOG_LEVEL=INFO",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
    )
    pages = int(re.search(r"'response_received_count': (\d+)", proc.stderr).group(1))
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", proc.stderr).group(1))
    return pages / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--bench-seconds", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp:
        tmpdir = Path(tmp)
        pages = build_mirror(tmpdir / "site", args.notices, args.per_page)
        database_url = f"sqlite:///{tmpdir / 'bench.sqlite3'}"
        before = scrapy_bench(args.bench_seconds, tmpdir)
        overrides = [{"id": "ruankao", "max_pages": pages}]
        with LocalSite(tmpdir / "site") as site:

            def crawl() -> tuple[float, dict]:
                started = time.perf_counter()
                crawl = CrawlSettings(
                    database_url=database_url,
                    sources=overrides,
                    download_delay=0,
                    cache_dir=str(tmpdir / "cache"),
                )
                code, report = crawl_in_subprocess(crawl, source="ruankao", url=site.url("index/work.html"))
                if code != 0:
                    raise SystemExit(f"crawl failed ({code}): {json.dumps(report, ensure_ascii=False)}")
                return time.perf_counter() - started, report

            first_seconds, first = crawl()
            fetched = len([r for r in site.requests if r.path != "/robots.txt"])
            mark = len(site.requests)
            second_seconds, second = crawl()
            again = site.requests[mark:]

        after = scrapy_bench(args.bench_seconds, tmpdir)

    ours = fetched / first_seconds
    baseline = (before + after) / 2
    detail_bodies = sum(1 for r in again if r.path.startswith("/article/") and r.status == 200)
    list_bodies = sum(1 for r in again if r.path.startswith("/index/") and r.status == 200)
    revalidated = sum(1 for r in again if r.status == 304)
    print(f"mirror: {args.notices} notices on {pages} list pages, served by testkit.site on 127.0.0.1")
    print(
        f"first crawl: {fetched} pages ({first['new']} notices stored) in {first_seconds:.1f} s "
        f"= {ours:.1f} pages/s (wall time incl. process start, CONCURRENT_REQUESTS_PER_DOMAIN=1, delay 0)"
    )
    print(
        f"scrapy bench (same machine, same run): {baseline:.1f} pages/s (before {before:.1f}, after {after:.1f})"
    )
    print(f"ratio ours / scrapy bench: {ours / baseline:.3f}")
    print(
        f"unchanged re-crawl: {second_seconds:.1f} s, {len(again)} requests, {revalidated} answered 304; "
        f"bodies downloaded: {detail_bodies} detail, {list_bodies} list; "
        f"{second['new']} new, {second['changed']} changed, {second['unchanged']} unchanged"
    )


if __name__ == "__main__":
    main()
