"""Sign-up table benchmark: the national table (37 institutions) read from one response, and its re-crawl cost.

Three figures. (1) Reading the whole table in-process — the spider's selection plus
``parsers.signup`` for every row — against a baseline in the same run: bare parsel selecting
the same rows' text with no reading at all. (2) A crawl through the real runner against a
loopback copy: how many requests reach the table page (goal: one). (3) The unchanged
re-crawl: how many requests, and whether the table's was conditional and answered 304
(goal: one conditional GET, no body).

    python bench/signup_bench.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parsel import Selector
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from core.config import CrawlSettings
from crawler.pipelines import ParseNoticePipeline
from crawler.runner import crawl_in_subprocess
from crawler.sources import load_sources
from crawler.spiderloader import spider_for
from testkit.site import LocalSite

PAGE = Path(__file__).resolve().parent.parent / "tests/crawler/pages/ruankao-signup"
URL = "https://bm.ruankao.org.cn/sign/welcome"


def median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def table_reader(tmp: Path):
    """A function reading a response into FetchedNotices with the spider and the parse pipeline, as a crawl does."""
    [source] = [s for s in load_sources() if s.id == "ruankao-signup"]
    cls = spider_for(source)
    crawler = get_crawler(cls, {"NOTICES_DATABASE_URL": f"sqlite:///{tmp / 'unused.sqlite3'}"})
    crawler.spider = spider = cls.from_crawler(crawler)
    pipeline = ParseNoticePipeline(crawler.stats)

    def read(body: bytes) -> int:
        response = HtmlResponse(
            URL, body=body, headers={"Content-Type": "text/html; charset=utf-8"}, request=Request(URL)
        )
        return len(
            [pipeline.process_item(item) for item in spider.parse_list(response, first_url=URL, page=1)]
        )

    return read


def bare(body: bytes) -> int:
    rows = Selector(text=body.decode("utf-8")).css("div.selectorg")
    return len([[" ".join(cell.css("::text").getall()) for cell in row.css("div")] for row in rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    body = (PAGE / "sign/welcome.html").read_bytes()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        read_table = table_reader(tmp)
        rows = read_table(body)
        baseline = median_ms(lambda: bare(body), args.repeat)
        ours = median_ms(lambda: read_table(body), args.repeat)
        print(f"table: {len(body)} bytes, {rows} rows")
        print(f"bare parsel row text (baseline): {baseline:.1f} ms")
        print(f"spider + parsers.signup, every row: {ours:.1f} ms ({ours / baseline:.2f}× baseline)")

        database = f"sqlite:///{tmp / 'bench.sqlite3'}"
        with LocalSite(PAGE) as site:

            def crawl() -> tuple[dict, float]:
                start = time.perf_counter()
                code, report = crawl_in_subprocess(
                    CrawlSettings(database_url=database, download_delay=0, cache_dir=str(tmp / "cache")),
                    source="ruankao-signup",
                    url=site.url("sign/welcome.html"),
                    timeout=120,
                )
                if code != 0:
                    raise SystemExit(f"crawl failed: {report}")
                return report, time.perf_counter() - start

            report, first_s = crawl()
            first = list(site.requests)
            again_report, again_s = crawl()
            again = site.requests[len(first) :]
        table = [r for r in first if r.path == "/sign/welcome.html"]
        table_again = [r for r in again if r.path == "/sign/welcome.html"]
        print(
            f"first crawl: {report['new']} new rows, {len(table)} request(s) for the table "
            f"({len(first)} in all, robots.txt included), {first_s:.1f} s with process start"
        )
        print(
            f"unchanged re-crawl: {again_report['unchanged']} unchanged rows, {len(table_again)} request(s) "
            f"for the table, conditional={[r.conditional for r in table_again]}, "
            f"status={[r.status for r in table_again]}, {len(again)} in all, {again_s:.1f} s with process start"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
