"""Matching benchmark: one notice against N certificates, as a ratio to a bare INSERT … SELECT.

    python bench/match_bench.py            # 100,000 certificates, SQLite and PostgreSQL
    python bench/match_bench.py --full     # also 1,000,000
    python bench/match_bench.py --instructions   # SQLite, 20,000, CPU instructions (callgrind)

Every subscriber holds one certificate inside the notice's eligible range. Two notices: a
national one concerns everybody; a 天津 one concerns the fifth of the subscribers whose region
is 天津, so matching must read the region table too (the baseline joins it the same way).
Matching and the baseline write the same rows into the same ``alert`` table (same indexes); the
ratio is what deciding "who is concerned" costs on top of writing the alerts at all.
Each figure is the best of ``--repeat`` runs (5), alerts deleted in between; for SQLite,
which runs inside this process, CPU time is printed too, being steadier than wall time
on a shared machine. The baseline's SQL lives here, not in ``store/``, because it is the
yardstick rather than the product.
PostgreSQL is skipped with a note when no server answers at ``RUANKAO_WATCH_TEST_PG``.

``--instructions`` counts CPU instructions with valgrind's callgrind (Debian package
``valgrind``) instead of timing: on a shared machine wall and CPU time of SQLite move by
±30 %, instruction counts by well under 1 %, so a change of a few percent can be seen at all.
Each notice gets one database of ``--count`` subscribers (20,000: callgrind runs Python ~50×
slower); three child processes each get a copy, warm up (both sides run once and are rolled
back, as the timed runs' best-of-N are warm), then do nothing (set-up), the bare insert, or
matching; the set-up's count is subtracted from the other two.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.vocab import Topic
from core.windows import Window
from parsers.types import EligibleRange, ParsedNotice
from store.db import make_engine, make_sessionmaker, upgrade
from store.notice_alerts import queue_notice_alerts
from store.notices import FetchedNotice, record_fetch

PG_URL = os.environ.get("RUANKAO_WATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 3, 1, 8, tzinfo=UTC)
TODAY = date(2026, 3, 1)
REGIONS = ("天津", "广东", "北京", "四川", "")
TOPICS = json.dumps(list(Topic.values()))  # every topic, as subscribers who keep the defaults


def _fill(sessions, count: int, postgres: bool, region: str) -> None:
    """``count`` active subscribers with one eligible certificate each, generated in SQL; one notice of ``region``."""
    series = (
        "SELECT generate_series(1, :n) AS n"
        if postgres
        else "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :n) SELECT n FROM seq"
    )
    place = "CASE n % 5 " + " ".join(f"WHEN {i} THEN '{r}'" for i, r in enumerate(REGIONS)) + " END"
    with sessions.begin() as s:
        s.execute(
            text(
                "INSERT INTO subscriber (id, email, status, alert_kinds, reminder_days,"
                " expiry_reminders, digest, link_secret, created_at, hard_bounces)"
                f" SELECT n, 'user' || n || '@example.com', 'active', '{TOPICS}', 3,"
                f" true, true, 'secret' || n, :now, 0 FROM ({series}) AS seq"
            ),
            {"n": count, "now": NOW},
        )
        s.execute(  # one region each, but for every fifth subscriber (national notices only)
            text(
                "INSERT INTO subscriber_region (subscriber_id, position, region, province, city)"
                f" SELECT n, 0, {place}, {place}, {place} FROM ({series}) AS seq WHERE n % 5 <> 4"
            ),
            {"n": count},
        )
        s.execute(
            text(
                "INSERT INTO certificate (subscriber_id, qualification, level, obtained, obtained_low, obtained_high)"
                " SELECT n, '信息系统项目管理师', '高级', (2010 + n % 12) || '上半年',"
                f" (2010 + n % 12) * 10 + 1, (2010 + n % 12) * 10 + 1 FROM ({series}) AS seq"
            ),
            {"n": count},
        )
        if postgres:
            s.execute(text("SELECT setval('subscriber_id_seq', :n)"), {"n": count})
        record_fetch(s, _notice(region))
    with sessions.begin() as s:
        s.execute(text("ANALYZE"))


def _notice(region: str) -> FetchedNotice:
    parsed = ParsedNotice(
        title="关于2026年证书登记的通知",
        kind="registration",
        region=region,
        published=date(2026, 2, 20),
        windows=(Window("登记", date(2026, 3, 2), date(2026, 3, 20), "登记时间"),),
        eligible=(EligibleRange(None, "2022", "2022年度及以前"),),
    )
    url = f"https://www.ruankao.org.cn/article/content/{region}.html"
    return FetchedNotice("ruankao", url, parsed.title, parsed.published, "正文", parsed, NOW)


INSERT = "INSERT INTO alert (subscriber_id, kind, about, notice_id, version_id, certificate_id, detail, created_at)"
_ROWS = "SELECT c.subscriber_id, 'new_window', '{about}', {notice}, {version}, c.id, '{{}}', :now FROM certificate AS c"
BARE = {  # notice region → the baseline: the same alert rows, chosen without any of matching's rules
    "national": f"{INSERT} {_ROWS}",
    "天津": f"{INSERT} {_ROWS} JOIN subscriber_region AS r ON r.subscriber_id = c.subscriber_id"
    " WHERE r.province = '天津'",
}


def _timed(sessions, action) -> tuple[float, float, int]:
    """Wall seconds, this process's CPU seconds (all of SQLite's work; none of PostgreSQL's), rows."""
    with sessions.begin() as s:
        s.execute(text("DELETE FROM alert"))
    started, cpu = time.perf_counter(), time.process_time()
    with sessions.begin() as s:
        rows = action(s)
    return time.perf_counter() - started, time.process_time() - cpu, rows


def _match(s) -> int:
    return sum(queue_notice_alerts(s, today=TODAY, now=NOW).values())


def _actions(sessions, region: str) -> dict:
    """The bare insert and matching as callables on a session of a filled database."""
    with sessions() as s:
        notice, version = s.execute(text("SELECT id, current_version_id FROM notice")).one()
    bare_sql = BARE[region].format(about=f"notice:{notice}", notice=notice, version=version)
    return {"bare": lambda s: s.execute(text(bare_sql), {"now": NOW}).rowcount, "match": _match}


def bench(url: str, count: int, repeat: int, postgres: bool, region: str) -> dict[str, float]:
    """Best wall and CPU seconds of the bare insert and of matching a ``region`` notice, over ``repeat`` runs."""
    upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    _fill(sessions, count, postgres, region)
    actions = _actions(sessions, region)
    concerned = count if region == "national" else count // len(REGIONS)
    best = dict.fromkeys(("bare", "match", "bare_cpu", "match_cpu"), float("inf"))
    for _ in range(repeat):
        for name, action in actions.items():
            seconds, cpu, rows = _timed(sessions, action)
            assert rows == concerned, (region, name, rows)
            best[name] = min(best[name], seconds)
            best[f"{name}_cpu"] = min(best[f"{name}_cpu"], cpu)
    engine.dispose()
    return best


CHILDREN = ("setup", "bare", "match")


def run_child(action: str, path: str, region: str) -> None:
    """One callgrind child: warm both sides up on ``path`` (rolled back), then run ``action`` once."""
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_sessionmaker(engine)
    actions = _actions(sessions, region)
    for warm in actions.values():
        with sessions() as s:
            warm(s)
            s.rollback()
    if action != "setup":
        with sessions.begin() as s:
            actions[action](s)
    engine.dispose()


def instructions(action: str, path: str, region: str) -> int:
    """Instructions callgrind counts for a child running ``action`` on a fresh copy of ``path``."""
    with tempfile.TemporaryDirectory() as folder:
        copy = shutil.copy(path, f"{folder}/copy.sqlite3")
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/out", sys.executable,
             __file__, "--child", action, copy, region],
            capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"},
        )  # fmt: skip
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def compare_instructions(count: int) -> None:
    """Print bare and matching instructions per notice region, set-up subtracted, and their ratio."""
    if shutil.which("valgrind") is None:
        sys.exit("--instructions needs valgrind (apt-get install valgrind)")
    print(f"SQLite, {count:,} subscribers, CPU instructions (callgrind), set-up subtracted")
    for region in BARE:
        with tempfile.TemporaryDirectory() as tmp:
            path = f"{tmp}/bench.sqlite3"
            upgrade(f"sqlite:///{path}")
            engine = make_engine(f"sqlite:///{path}")
            _fill(make_sessionmaker(engine), count, False, region)
            engine.dispose()
            counts = {action: instructions(action, path, region) for action in CHILDREN}
        bare, match = (counts[a] - counts["setup"] for a in ("bare", "match"))
        print(
            f"  {region:<8} bare {bare / 1e6:8.1f} M   match {match / 1e6:8.1f} M   ratio {match / bare:.3f}"
        )


def _row(backend: str, region: str, count: int, best: dict[str, float]) -> str:
    cpu = f"{best['match_cpu'] / best['bare_cpu']:>11.2f}" if backend == "sqlite" else f"{'-':>11}"
    return (
        f"{backend:<11}{region:<8}{count:>13,}{best['bare']:>9.2f}{best['match']:>9.2f}"
        f"{best['match'] / best['bare']:>7.2f}{cpu}"
    )


def _pg_schema() -> tuple[str, callable] | None:
    try:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"PostgreSQL skipped: {exc.__class__.__name__}")
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{PG_URL}?options=-csearch_path%3D{schema}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="also 1,000,000 certificates (minutes)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--instructions", action="store_true", help="SQLite only, callgrind instruction counts"
    )
    parser.add_argument("--count", type=int, default=20_000, help="subscribers for --instructions")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(*args.child)
        return
    if args.instructions:
        compare_instructions(args.count)
        return
    sizes = [100_000, 1_000_000] if args.full else [100_000]
    print(
        f"{'backend':<11}{'notice':<8}{'certificates':>13}{'bare s':>9}{'match s':>9}{'ratio':>7}{'CPU ratio':>11}"
    )
    for count, region in ((count, region) for count in sizes for region in ("national", "天津")):
        repeat = args.repeat if count <= 100_000 else 1
        with tempfile.TemporaryDirectory() as tmp:
            best = bench(f"sqlite:///{tmp}/bench.sqlite3", count, repeat, postgres=False, region=region)
            print(_row("sqlite", region, count, best))
        pg = _pg_schema()
        if pg:
            url, drop = pg
            try:
                best = bench(url, count, repeat, postgres=True, region=region)
            finally:
                drop()
            print(_row("postgresql", region, count, best))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (this process): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
