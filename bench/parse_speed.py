"""Parse speed on realistic pages, as a ratio to a bare BeautifulSoup pass over the same pages.

Run: ``python bench/parse_speed.py``. It generates 200 gov-CMS-like pages of 30–80 KB
(head with scripts and styles, menus, breadcrumb, a sidebar of related links, footer, and
a notice body built from the corpus' sentences), then times ``parse_notice(html)`` and the
baseline ``BeautifulSoup(html, "lxml").get_text()`` over all pages, alternating, and
reports medians. The goal is a ratio of at most 2.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bs4 import BeautifulSoup

from parsers import parse_notice

PAGES = 200
ROUNDS = 5
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "parsers" / "corpus"


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


def timed(function, pages: list[str]) -> float:
    started = time.perf_counter()
    for html in pages:
        function(html)
    return time.perf_counter() - started


def main() -> None:
    rng = random.Random(20261128)
    lines = body_lines()
    pages = [page(rng, lines, rng.randint(30_000, 80_000)) for _ in range(PAGES)]
    sizes = [len(html.encode("utf-8")) for html in pages]
    baseline, ours = [], []
    for _ in range(ROUNDS):
        baseline.append(timed(lambda html: BeautifulSoup(html, "lxml").get_text(), pages))
        ours.append(timed(parse_notice, pages))
    base, mine = statistics.median(baseline), statistics.median(ours)
    print(
        f"{PAGES} pages, {min(sizes) // 1024}–{max(sizes) // 1024} KB (mean {statistics.mean(sizes) / 1024:.0f} KB), "
        f"median of {ROUNDS} rounds"
    )
    print(
        f"baseline BeautifulSoup(html, 'lxml').get_text(): {base:.2f} s ({base / PAGES * 1000:.1f} ms/page)"
    )
    print(
        f"parse_notice(html):                              {mine:.2f} s ({mine / PAGES * 1000:.1f} ms/page)"
    )
    print(f"ratio: {mine / base:.2f}× (goal ≤ 2×)")


if __name__ == "__main__":
    main()
