"""What ``ruankao-watch status`` prints: the last runs, each source's health, the outbox and its reasons.

Times are Beijing time with their offset; addresses in servers' answers come masked from
the store (``store.runs.status_report``).
"""

from __future__ import annotations

from core.vocab import MailStatus


def status_lines(report: dict) -> list[str]:
    """The report as the lines an operator reads, most useful first within each part."""
    lines = ["last runs:"]
    for run in report["runs"]:
        finished = f" → {run['finished_at']}" if run["finished_at"] else ""
        lines.append(
            f"  #{run['id']} {run['command']} {run['started_at']}{finished} {run['status']}"
            f" {len(run['errors'])} problem(s)"
        )
        lines += [f"    - {error}" for error in run["errors"]]
    if not report["runs"]:
        lines.append("  none yet")
    lines.append("sources:")
    for src in report["sources"]:
        state = "ok" if src["healthy"] else f"FAILING since {src['failing_since']}"
        lines.append(
            f"  {src['source']}: {state}; last crawl {src['last_crawl_at']};"
            f" last success {src['last_success_at']}; items {src['last_item_count']}"
        )
        lines += [f"    - {problem}" for problem in src["problems"]]
    if not report["sources"]:
        lines.append("  none crawled yet")
    lines.append("outbox: " + ", ".join(f"{k} {v}" for k, v in report["outbox"].items()))
    lines += _outbox_reasons(report)
    lines += _push_lines(report["push"])
    lines.append("subscribers: " + ", ".join(f"{k} {v}" for k, v in report["subscribers"].items()))
    return lines


def _outbox_reasons(report: dict) -> list[str]:
    lines = []
    for reason in report["outbox_reasons"]:
        state = "waiting for a retry" if reason["status"] == "pending" else MailStatus(reason["status"]).value
        lines.append(f"  {state} ×{reason['count']}: {reason['reason']}")
    return lines


def _push_lines(push: dict) -> list[str]:
    """The push outbox, and each channel's health by its masked label (the URLs are secret)."""
    lines = ["push outbox: " + ", ".join(f"{k} {v}" for k, v in push["outbox"].items())]
    for channel in push["channels"]:
        state = (
            "ok"
            if channel["healthy"]
            else f"FAILING since {channel['failing_since']}: {channel['last_error']}"
        )
        lines.append(f"  {channel['label']}: {state}; last success {channel['last_success_at']}")
    return lines
