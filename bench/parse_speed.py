"""Parse speed on realistic pages, as a ratio to a bare BeautifulSoup pass over the same pages.

Run: ``python bench/parse_speed.py``. Two page sets, each timed against the baseline
``BeautifulSoup(html, "lxml").get_text()`` over the same pages, alternating, medians reported:
- small notice pages of 3–10 KB: a plain page holding one real notice of
  ``tests/parsers/real/tuned`` (the text most pages carry: little markup, all notice), where
  the parser's own reading weighs most;
- large gov-CMS-like pages of 30–80 KB (head with scripts and styles, menus, breadcrumb, a
  sidebar of related links, footer, and a notice body built from the corpus' sentences).
The goal is a ratio of at most 2 on both.

``--instructions`` counts CPU instructions instead (valgrind's callgrind, Debian package
``valgrind``): the same pages are handled by three child processes, one doing only the set-up,
one the baseline, one the parser; set-up is subtracted. The counts repeat to within a fraction
of a percent whatever else the machine runs, where wall times on a shared 2-core machine
wander by ±20 %.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bs4 import BeautifulSoup

from parsers import parse_notice

PAGES = 200
ROUNDS = 5
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "parsers" / "corpus"
REAL = Path(__file__).resolve().parent.parent / "tests" / "parsers" / "real" / "tuned"


def body_lines() -> list[str]:
    lines = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines.extend(line for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip())
    return lines


def page(rng: random.Random, lines: list[str], target: int) -> str:
    menu = "".join(
        f'<li><a href="/col{i}/index.html" title="栏目{i}">栏目名称{i}</a></li>' for i in range(40)
    )
    body = "".join(
        f'<p style="font-family:仿宋_GB2312;font-size:16pt">　　{rng.choice(lines)}</p>'
        for _ in range(rng.randint(8, 25))
    )
    head = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于开展考试报名工作的通知_某省人事考试网</title>'
        '<link rel="stylesheet" href="/css/base.css"><style>' + ".a{color:#333}" * 200 + "</style>"
        "<script>var _hmt=_hmt||[];" + "function f(){return 1}" * 100 + "</script></head><body>"
        '<div class="topbar"><a href="#">无障碍阅读</a> | <a href="#">进入关怀版</a></div>'
        f'<div class="nav"><ul>{menu}</ul></div><div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 工作动态</div>'
        '<div class="conTit"><h1>关于开展计算机技术与软件专业技术资格考试报名工作的通知</h1></div>'
        '<div class="property"><span>发布时间：2024-03-01</span><span>来源：某省人事考试局</span></div>'
        f'<div class="conTxt"><div id="fontzoom">{body}</div></div>'
    )
    tail = '<div class="footer">主办单位：某省人事考试局 版权所有 ICP备00000000号</div></body></html>'
    sidebar = []
    size = len(head) + len(tail)
    while size < target:
        item = (
            f'<li><span>2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}</span><a href="/content/post_'
            f'{rng.randint(10**6, 10**7)}.html" target="_blank" title="{rng.choice(lines)[:40]}">'
            f"{rng.choice(lines)[:25]}...</a></li>"
        )
        sidebar.append(item)
        size += len(item.encode("utf-8"))
    return head + '<div class="side"><ul class="newsList">' + "".join(sidebar) + "</ul></div>" + tail


def small_pages(rng: random.Random) -> list[str]:
    """Real notices as small pages of 3–10 KB: a heading, the body's paragraphs, a little chrome."""
    texts = [path.read_text(encoding="utf-8").splitlines() for path in sorted(REAL.glob("*.txt"))]
    pages = []
    while len(pages) < PAGES:
        lines = rng.choice(texts)
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
        page = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(lines[0])}</title></head>'
            f'<body><div class="nav"><a href="/">首页</a> | <a href="/tz">通知公告</a></div>'
            f'<h1>{html.escape(lines[0])}</h1><div class="property">发布时间：2024-03-01</div>'
            f'<div id="zoom">{body}</div><div class="footer">版权所有</div></body></html>'
        )
        target = rng.randint(3_000, 10_000)
        while len(page.encode("utf-8")) < target:
            page = page.replace("</body>", "<p>" + html.escape(rng.choice(lines)) + "</p></body>")
        if len(page.encode("utf-8")) <= 10_000:
            pages.append(page)
    return pages


def timed(function, pages: list[str]) -> float:
    started = time.perf_counter()
    for document in pages:
        function(document)
    return time.perf_counter() - started


def compare(name: str, pages: list[str]) -> None:
    sizes = [len(page.encode("utf-8")) for page in pages]
    baseline, ours = [], []
    for _ in range(ROUNDS):
        baseline.append(timed(lambda page: BeautifulSoup(page, "lxml").get_text(), pages))
        ours.append(timed(parse_notice, pages))
    base, mine = statistics.median(baseline), statistics.median(ours)
    print(
        f"{name}: {len(pages)} pages, {min(sizes) / 1024:.1f}–{max(sizes) / 1024:.1f} KB "
        f"(mean {statistics.mean(sizes) / 1024:.1f} KB), median of {ROUNDS} rounds"
    )
    print(
        f"  baseline BeautifulSoup(html, 'lxml').get_text(): {base:.2f} s ({base / len(pages) * 1000:.2f} ms/page)"
    )
    print(
        f"  parse_notice(html):                              {mine:.2f} s ({mine / len(pages) * 1000:.2f} ms/page)"
    )
    print(f"  ratio: {mine / base:.2f}× (goal ≤ 2×)")


def page_sets(rng: random.Random, only: str | None = None) -> dict[str, list[str]]:
    """Both sets from one random stream (small first), or just ``only`` (a child needs one)."""
    sets = {"small notice pages": small_pages(rng)}
    if only != "small notice pages":
        lines = body_lines()
        sets["large CMS pages"] = [page(rng, lines, rng.randint(30_000, 80_000)) for _ in range(PAGES)]
    return sets


RUNNERS = {
    "setup": lambda page: None,
    "baseline": lambda page: BeautifulSoup(page, "lxml").get_text(),
    "parser": parse_notice,
}
# Under callgrind Python runs ~50× slower: a slice of each set keeps the run to a few minutes.
INSTRUCTION_PAGES = {"small notice pages": 60, "large CMS pages": 8}


def run_child(runner: str, page_set: str) -> None:
    """One callgrind child: warm both sides up (imports, OpenCC's dictionaries), then run one side."""
    parse_notice("<p>warm-up</p>")
    BeautifulSoup("<p>warm-up</p>", "lxml").get_text()
    pages = page_sets(random.Random(20261128), only=page_set)[page_set][: INSTRUCTION_PAGES[page_set]]
    for document in pages:
        RUNNERS[runner](document)


def instructions(runner: str, page_set: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={folder}/out",
                sys.executable,
                __file__,
                "--child",
                runner,
                page_set,
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def compare_instructions(page_set: str) -> None:
    counts = {runner: instructions(runner, page_set) for runner in RUNNERS}
    base = counts["baseline"] - counts["setup"]
    mine = counts["parser"] - counts["setup"]
    pages = INSTRUCTION_PAGES[page_set]
    print(f"{page_set}: first {pages} pages, CPU instructions (callgrind), set-up subtracted")
    print(f"  baseline BeautifulSoup(html, 'lxml').get_text(): {base / pages / 1e6:.1f} M/page")
    print(f"  parse_notice(html):                              {mine / pages / 1e6:.1f} M/page")
    print(f"  ratio: {mine / base:.2f}× (goal ≤ 2×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", action="store_true", help="count instructions with callgrind")
    parser.add_argument("--child", nargs=2, metavar=("RUNNER", "SET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(*args.child)
        return
    if args.instructions:
        if shutil.which("valgrind") is None:
            sys.exit("--instructions needs valgrind (apt-get install valgrind)")
        for page_set in INSTRUCTION_PAGES:
            compare_instructions(page_set)
        return
    parse_notice("<p>warm-up: OpenCC's dictionaries load on first use</p>")
    for name, pages in page_sets(random.Random(20261128)).items():
        compare(name, pages)


if __name__ == "__main__":
    main()
