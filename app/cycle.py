"""The run cycle: crawl → alert → send → feeds under one lock, recorded as one Run row.

Each step is safe to repeat on its own (the store de-duplicates), so a cycle killed
half-way is finished by the next one; the lock only stops two cycles overlapping.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.wiring import EXIT_OK, EXIT_PARTIAL, upgrade_store, utcnow
from core.config import ConfigError, Settings
from store.db import make_engine, make_sessionmaker
from store.locks import run_lock
from store.runs import finish_run, start_run

log = logging.getLogger("ruankao_watch.run")


@dataclass
class CycleOptions:
    today: date
    dry_run: bool = False
    source: str | None = None
    url: str | None = None
    feeds_out: Path | None = None
    eml_out: Path | None = None
    cache_dir: str | None = None
    progress: bool = False


@dataclass
class CycleResult:
    counts: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    feeds: list[Path] = field(default_factory=list)
    emls: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.problems else EXIT_OK


def check_source(config: Settings, source: str | None) -> None:
    """Refuse an unknown ``--source`` (or a broken ``[[sources]]`` table) before anything runs.

    Otherwise ``run --source nosuch`` crawls nothing and goes on to alert and send.
    """
    from crawler.sources import load_sources

    try:
        known = [s.id for s in load_sources(config.sources)]
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if source is not None and source not in known:
        raise ConfigError(f"--source: no source {source!r}; known: {', '.join(known)}")


def crawl_step(config: Settings, options: CycleOptions, result: CycleResult) -> None:
    """Run the spiders in a child process (Scrapy's reactor cannot be restarted in this one)."""
    from crawler.runner import crawl_in_subprocess

    check_source(config, options.source)

    with _terminal_status("正在抓取通知页面…", enabled=options.progress):
        code, report = crawl_in_subprocess(
            config.crawl(cache_dir=options.cache_dir), source=options.source, url=options.url
        )
    result.counts["crawl"] = {k: report.get(k, 0) for k in ("new", "changed", "unchanged")}
    result.counts["sources"] = report.get("sources", {})
    result.problems.extend(f"crawl: {p}" for p in report.get("problems", []))
    if code != 0 and not report.get("problems"):
        result.problems.append(f"crawl: exited with code {code}")


def _terminal_status(message: str, *, enabled: bool):
    """A rich spinner on a terminal (the crawl is polite, so it takes minutes); nothing in cron logs."""
    if not enabled:
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def alert_step(config: Settings, sessions, options: CycleOptions, result: CycleResult) -> None:
    from alerts.health import queue_health_mails
    from alerts.queue import queue_alerts

    result.counts["alerts"] = queue_alerts(sessions, config.alerting, today=options.today, now=utcnow())
    result.counts["health_mails"] = queue_health_mails(sessions, config.alerting, now=utcnow())


def send_step(config: Settings, sessions, options: CycleOptions, result: CycleResult) -> None:
    from alerts.send import send_outbox, write_eml

    config.mail.require_secret()
    if options.dry_run:
        out = options.eml_out or Path("dry-run-mail")
        result.emls = write_eml(sessions, config.mail, out, now=utcnow())
        result.counts["send"] = {"would_send": len(result.emls)}
        return
    counts = send_outbox(sessions, config.mail, progress=options.progress)
    result.counts["send"] = counts
    if counts.get("failed"):
        result.problems.append(f"send: {counts['failed']} mail(s) failed (see `status`)")
    if counts.get("retried") or counts.get("released"):
        # Not lost (the next run retries them), but the operator should know the relay is down.
        waiting = counts.get("retried", 0) + counts.get("released", 0)
        result.problems.append(f"send: {waiting} mail(s) could not be sent now and will be retried")
    else:
        from store.runs import waiting_for_retry

        with sessions() as session:
            waiting, reason = waiting_for_retry(session)
        if waiting:
            result.problems.append(f"send: {waiting} mail(s) still wait for a retry; last error: {reason}")
    if counts.get("unknown"):
        result.problems.append(
            f"send: {counts['unknown']} mail(s) lost their connection after DATA; resent in 10 minutes at the earliest"
        )


def push_step(config: Settings, sessions, options: CycleOptions, result: CycleResult) -> None:
    """Deliver the push outbox (operator channels, subscribers' targets); after the mail, apart from it."""
    from alerts.push import send_pushes

    if options.dry_run:
        return
    try:
        counts = send_pushes(sessions, config.push)
    except Exception as exc:  # `send` runs this after the mail: recorded, as `run` records a step
        log.exception("push step failed")
        result.problems.append(f"push: {type(exc).__name__}: {exc}")
        return
    result.counts["push"] = counts
    if counts.get("failed"):
        result.problems.append(f"push: {counts['failed']} post(s) failed (see `status`)")
    waiting = counts.get("retried", 0) + counts.get("released", 0) + counts.get("unknown", 0)
    if waiting:
        result.problems.append(f"push: {waiting} post(s) could not be sent now and will be retried")


def feeds_step(config: Settings, sessions, options: CycleOptions, result: CycleResult) -> None:
    from feeds.publish import write_feeds

    if options.feeds_out is None:
        return
    with sessions() as session:
        result.feeds = write_feeds(
            session, options.feeds_out, base_url=config.base_url, limit=config.feed_limit
        )
    result.counts["feeds"] = len(result.feeds)


STEPS: tuple[tuple[str, Callable], ...] = (
    ("alert", alert_step),
    ("send", send_step),
    ("push", push_step),
    ("feeds", feeds_step),
)


def run_cycle(config: Settings, options: CycleOptions) -> CycleResult:
    """One full cycle; raises store.locks.AlreadyRunning when another cycle holds the lock,
    and ConfigError before doing anything when mails could not be signed.

    A failing step is recorded and the next steps still run: a source being down must not
    stop the reminders for windows we already know about.
    """
    config.mail.require_secret()
    check_source(config, options.source)
    upgrade_store(config.database_url)
    result = CycleResult()
    with run_lock(config.database_url):
        engine = make_engine(config.database_url)
        sessions = make_sessionmaker(engine)
        with sessions.begin() as session:
            run_id = start_run(session, "run", utcnow()).id
        try:
            _guarded("crawl", lambda: crawl_step(config, options, result), result)
            for name, step in STEPS:
                _guarded(name, lambda step=step: step(config, sessions, options, result), result)
        finally:
            with sessions.begin() as session:
                finish_run(
                    session,
                    run_id,
                    status="partial" if result.problems else "ok",
                    counts=result.counts,
                    errors=result.problems,
                    now=utcnow(),
                )
            engine.dispose()
    return result


def _guarded(name: str, step: Callable[[], None], result: CycleResult) -> None:
    try:
        step()
    except Exception as exc:  # a step's failure is recorded, never swallowed
        log.exception("step %s failed", name)
        result.problems.append(f"{name}: {type(exc).__name__}: {exc}")
