"""The words of a push: a short Chinese title and plain-text body, within the service's length limit.

What a push says about a notice is what the alert mail says (``alerts.compose.alert_view``:
the same kind label, title, windows, fees and official link, in ``core.wording``'s words);
only the layout is shorter. An operator channel has no subscriber, so instead of "your
certificate is in range" it says whom the notice concerns: the eligible certificates and
the region. Plain text, never markdown: scraped titles cannot turn into links or markup.
Pure: no SQL, no network, no clock.
"""

from __future__ import annotations

from alerts.compose import alert_view
from core.places import region_label
from core.text import safe_line
from core.wording import eligible_line
from store.push_outbox import OutgoingPush

TITLE_LIMIT = 60  # characters: a chat preview shows about this much
BEIJING_NOTE = "（以上时间均为北京时间）"


def _fits(title: str, lines: list[str], limit: int) -> bool:
    return len(title.encode()) + len("\n".join(lines).encode()) + 2 <= limit


def _concerns(post: OutgoingPush, reason: str) -> list[str]:
    """Whom the notice concerns: the subscriber's reason, or for a channel its certificates and region."""
    item = post.item
    assert item is not None
    if post.subscriber is not None or item.detail.get("uncertain"):
        return [reason]
    ranges = [eligible_line(r) for r in item.parsed.get("eligible", [])]
    lines = [f"适用：{'、'.join(ranges)}"] if ranges else []
    return [*lines, f"地区：{region_label(item.region)}"]


def _fit(title: str, head: list[str], optional: list[str], tail: list[str], limit: int) -> str:
    """The body: ``head`` and ``tail`` always, as many ``optional`` lines as fit, then cut to ``limit``."""
    kept = list(optional)
    while kept and not _fits(title, [*head, *kept, *tail], limit):
        kept.pop()
    lines = [*head, *kept, *tail]
    while not _fits(title, lines, limit) and any(len(line) > 40 for line in lines):
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))
        lines[longest] = lines[longest][: max(40, len(lines[longest]) * 2 // 3)] + "…"
    return "\n".join(lines)


def notice_text(post: OutgoingPush, domains: tuple[str, ...], limit: int) -> tuple[str, str]:
    """Title and body of a post about a notice (new, changed, closing soon) or a lapsing registration."""
    item = post.item
    assert item is not None
    view = alert_view(item, post, domains)  # type: ignore[arg-type]  # a post has what a mail has
    title = safe_line(f"软考提醒｜{view.kind_label}：{view.title}", limit=TITLE_LIMIT)
    head = [f"变更：{line}" for line in view.changes[:3]]
    head += list(view.windows[:1])
    optional = list(view.windows[1:])
    if view.windows:
        optional.append(BEIJING_NOTE)
    optional += _concerns(post, view.reason)
    optional += [f"费用：{line}" for line in view.fees]
    optional += [f"变更：{line}" for line in view.changes[3:]]
    tail = [f"官方通知：{view.link}"] if view.link else ["请到官方网站查看通知原文，以原文为准。"]
    return title, _fit(title, head, optional, tail, limit)


def test_message_text(post: OutgoingPush, base_url: str) -> tuple[str, str]:
    """The test message of a new subscriber target: its link confirms the target."""
    link = f"{base_url.rstrip('/')}/push/confirm/{post.target_id}/{post.confirm_code}"
    body = "\n".join(
        (
            "这是一条测试消息：有人在软考提醒中添加了这个推送地址。",
            f"如果是您本人操作，请打开以下链接并点击“确认”，确认后才会推送提醒：{link}",
            "如果不是，请忽略本消息，此地址不会收到任何提醒。",
        )
    )
    return "软考提醒：请确认推送地址", body


def push_text(post: OutgoingPush, *, domains: tuple[str, ...], base_url: str, limit: int) -> tuple[str, str]:
    """Title and body of any post, chosen by its kind."""
    if post.kind == "confirm":
        return test_message_text(post, base_url)
    return notice_text(post, domains, limit)
