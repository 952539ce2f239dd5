"""What changed between two versions of a notice, field by field, in words a reader can check.

Pure: two ``parsed`` dicts (``ParsedNotice.to_dict()``) in, Chinese lines out, such as
``登记截止：2026年3月20日 → 2026年3月27日`` or ``登记费：30元 → 35元``. Only the fields
a person acts on are compared (windows, eligible ranges, fees), so a reworded paragraph
is no change.
"""

from __future__ import annotations

from alerts.compose import fee_amount, fee_line, moment_label, window_line


def _by(items: list[dict], key: str) -> dict[str, dict]:
    keyed: dict[str, dict] = {}
    for item in items:
        name = item.get(key) or ""
        while name in keyed:  # two windows with one label keep both
            name += "'"
        keyed[name] = item
    return keyed


def _bound(value: str | None) -> str:
    return value or "不限"


def describe_changes(before: dict, after: dict) -> list[str]:
    """The differences a subscriber must know about, one line each; empty when none."""
    lines: list[str] = []
    old_windows, new_windows = _by(before.get("windows", []), "label"), _by(after.get("windows", []), "label")
    for label, new in new_windows.items():
        old = old_windows.get(label)
        if old is None:
            lines.append(f"新增{window_line(new)}")
            continue
        for field, word in (("start", "开始"), ("end", "截止")):
            if old.get(field) != new.get(field):
                lines.append(
                    f"{new.get('label')}{word}：{moment_label(old.get(field))} → {moment_label(new.get(field))}"
                )
    lines += [f"取消{window_line(old)}" for label, old in old_windows.items() if label not in new_windows]
    old_fees, new_fees = _by(before.get("fees", []), "item"), _by(after.get("fees", []), "item")
    for item, new in new_fees.items():
        old = old_fees.get(item)
        if old is None:
            lines.append(f"新增费用：{fee_line(new)}")
        elif (old.get("amount"), old.get("per")) != (new.get("amount"), new.get("per")):
            lines.append(f"{new.get('item') or '费用'}：{fee_amount(old)} → {fee_amount(new)}")
    lines += [f"取消费用：{fee_line(old)}" for item, old in old_fees.items() if item not in new_fees]

    def ranges(parsed: dict) -> list[str]:
        return [f"{_bound(r.get('from'))}至{_bound(r.get('to'))}" for r in parsed.get("eligible", [])]

    if ranges(before) != ranges(after):
        lines.append(
            f"适用范围：{'、'.join(ranges(before)) or '未注明'} → {'、'.join(ranges(after)) or '未注明'}"
        )
    return lines
