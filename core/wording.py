"""Parsed notice fields → the Chinese words people read: windows, fees, eligible ranges, and what changed.

Mails, feeds and ``notices show --diff`` all say the same things about the same data, so
they say them with these functions, in one wording. Pure: the ``parsed`` dicts of
``ParsedNotice.to_dict()`` in, strings out. Callers escape or sanitise for their medium.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable


def session_label(obtained: str | None) -> str:
    """``2021下半年`` → ``2021年下半年``; ``2021`` → ``2021年``."""
    if not obtained:
        return ""
    if obtained[4:]:
        return f"{obtained[:4]}年{obtained[4:]}"
    return f"{obtained}年"


def moment_label(text: str | None) -> str:
    """``2026-03-20T17:00`` → ``2026年3月20日 17:00``; None or unreadable → 未注明."""
    if not text:
        return "未注明"
    day, _, clock = text.partition("T")
    try:
        year, month, dom = (int(part) for part in day.split("-"))
    except ValueError:
        return "未注明"
    return f"{year}年{month}月{dom}日" + (f" {clock}" if clock else "")


def span_label(window: dict) -> str:
    """``2026年3月2日 至 2026年3月20日 17:00``; an open start is 截至…, an open end …起."""
    start, end = window.get("start"), window.get("end")
    if start and end:
        return f"{moment_label(start)} 至 {moment_label(end)}"
    if end:
        return f"截至 {moment_label(end)}"
    return f"{moment_label(start)} 起" if start else "时间待定"


def window_line(window: dict) -> str:
    """``登记：2026年3月2日 至 2026年3月20日 17:00``."""
    return f"{window.get('label') or '时间'}：{span_label(window)}"


def fee_amount(fee: dict) -> str:
    """``30元/人``."""
    currency = "元" if fee.get("currency", "CNY") == "CNY" else f" {fee.get('currency')}"
    per = f"/{fee['per']}" if fee.get("per") else ""
    return f"{fee.get('amount')}{currency}{per}"


def fee_line(fee: dict) -> str:
    """``登记费 30元/人``."""
    return f"{fee.get('item') or '费用'} {fee_amount(fee)}"


def eligible_line(rng: dict) -> str:
    """``2022年及以前取得的证书``, ``2019年至2021年取得的证书``, ``2023年上半年取得的证书``."""
    low, high = session_label(rng.get("from")), session_label(rng.get("to"))
    if low and high:
        return f"{low}取得的证书" if low == high else f"{low}至{high}取得的证书"
    if high:
        return f"{high}及以前取得的证书"
    return f"{low}及以后取得的证书" if low else "不限取得时间"


def _keyed(items: list[dict], key: Callable[[dict], object]) -> dict[tuple, dict]:
    """Items by a key plus its occurrence number, so two 登记 windows stay apart."""
    seen: Counter = Counter()
    keyed = {}
    for item in items:
        k = key(item)
        keyed[(k, seen[k])] = item
        seen[k] += 1
    return keyed


def describe_changes(before: dict, after: dict) -> list[str]:
    """What an amendment changed that a person acts on, one line each; empty when nothing did.

    Only windows, fees and eligible ranges are compared, so a reworded paragraph or a new
    evidence sentence is no change: ``登记截止：2026年3月20日 → 2026年3月27日``.
    """
    lines: list[str] = []
    old_windows = _keyed(before.get("windows", []), lambda w: w.get("label"))
    new_windows = _keyed(after.get("windows", []), lambda w: w.get("label"))
    for key, new in new_windows.items():
        old = old_windows.get(key)
        if old is None:
            lines.append(f"新增{window_line(new)}")
            continue
        for field, word in (("start", "开始"), ("end", "截止")):
            if old.get(field) != new.get(field):
                label = new.get("label") or "时间"
                lines.append(
                    f"{label}{word}：{moment_label(old.get(field))} → {moment_label(new.get(field))}"
                )
    lines += [f"取消{window_line(old)}" for key, old in old_windows.items() if key not in new_windows]
    old_fees = _keyed(before.get("fees", []), lambda f: f.get("item"))
    new_fees = _keyed(after.get("fees", []), lambda f: f.get("item"))
    for key, new in new_fees.items():
        old = old_fees.get(key)
        if old is None:
            lines.append(f"新增费用：{fee_line(new)}")
        elif (old.get("amount"), old.get("per")) != (new.get("amount"), new.get("per")):
            lines.append(f"{new.get('item') or '费用'}：{fee_amount(old)} → {fee_amount(new)}")
    lines += [f"取消费用：{fee_line(old)}" for key, old in old_fees.items() if key not in new_fees]
    old_ranges = [eligible_line(r) for r in before.get("eligible", [])]
    new_ranges = [eligible_line(r) for r in after.get("eligible", [])]
    if old_ranges != new_ranges:
        lines.append(f"适用范围：{'、'.join(old_ranges) or '未注明'} → {'、'.join(new_ranges) or '未注明'}")
    return lines
