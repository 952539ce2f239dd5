"""Sending benchmark: 5,000 alert mails to a loopback aiosmtpd sink, as a ratio to bare aiosmtplib.

    python bench/send_bench.py [--mails 5000] [--concurrency 4]

The sink runs in its own process (``python -m aiosmtpd``), so it does not share this
process's interpreter lock. The baseline sends the very same message bytes (composed
beforehand, outside the clock) over the same number of reused aiosmtplib connections.
``send_outbox`` then sends the outbox for real: claim, compose, send, record, on an
SQLite file. The two alternate ``--rounds`` times (the outbox reset to pending in
between) and each keeps its best, since a shared 2-core machine is noisy. The ratio is
messages per second of ``send_outbox`` over the baseline's.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiosmtplib
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from match_bench import NOW, TODAY, _fill

from alerts.compose import message_bytes
from alerts.queue import queue_alerts
from alerts.send import send_outbox
from core.config import Settings
from store.db import make_engine, make_sessionmaker, upgrade
from store.outbox import pending_mails
from testkit.ports import free_port


def _start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return sink
        except OSError:
            time.sleep(0.05)
    sink.kill()
    raise SystemExit("the aiosmtpd sink did not start")


async def _bare(port: int, messages: list[tuple[str, bytes]], concurrency: int) -> None:
    queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    for item in messages:
        queue.put_nowait(item)

    async def worker() -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await client.connect()
        while not queue.empty():
            recipient, data = queue.get_nowait()
            await client.sendmail("alerts@example.org", [recipient], data)
        await client.quit()

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mails", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--rounds", type=int, default=2, help="each side's best of this many runs, interleaved"
    )
    args = parser.parse_args()
    port = free_port()
    sink = _start_sink(port)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.sqlite3"
            config = Settings(
                database_url=url,
                smtp_url=f"smtp://127.0.0.1:{port}",
                mail_from="软考提醒 <alerts@example.org>",
                base_url="https://watch.example.org",
                secret="bench",
                send_concurrency=args.concurrency,
                send_rate_per_second=1e6,
                send_rate_per_hour=10**9,
            )
            upgrade(url)
            engine = make_engine(url)
            sessions = make_sessionmaker(engine)
            _fill(sessions, args.mails, postgres=False)
            counts = queue_alerts(sessions, config.alerting, today=TODAY, now=NOW)
            assert counts["mails"] == args.mails, counts
            with sessions() as s:
                messages = [(m.recipient, message_bytes(m, config.mail)) for m in pending_mails(s, now=NOW)]
            size = sum(len(data) for _, data in messages) / len(messages)

            bare = ours = bare_cpu = ours_cpu = float("inf")
            for _ in range(args.rounds):
                started, cpu = time.perf_counter(), time.process_time()
                asyncio.run(_bare(port, messages, args.concurrency))
                bare = min(bare, time.perf_counter() - started)
                bare_cpu = min(bare_cpu, time.process_time() - cpu)
                with sessions.begin() as s:  # the outbox back to pending: the yardstick's SQL, here
                    s.execute(text("UPDATE mail SET status = 'pending', attempts = 0, sent_at = NULL"))
                started, cpu = time.perf_counter(), time.process_time()
                result = send_outbox(sessions, config.mail)
                ours = min(ours, time.perf_counter() - started)
                ours_cpu = min(ours_cpu, time.process_time() - cpu)
                assert result["sent"] == args.mails, result
            engine.dispose()
    finally:
        sink.terminate()
        sink.wait()
    print(f"{args.mails:,} mails of {size / 1024:.1f} KiB, {args.concurrency} connections")
    print(f"bare aiosmtplib: {bare:6.2f} s  {args.mails / bare:7.0f} mails/s  CPU {bare_cpu:6.2f} s")
    print(f"send_outbox:     {ours:6.2f} s  {args.mails / ours:7.0f} mails/s  CPU {ours_cpu:6.2f} s")
    print(f"ratio (throughput, send_outbox / bare): {bare / ours:.2f}")
    print(f"peak memory (this process): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
