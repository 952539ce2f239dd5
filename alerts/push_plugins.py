"""The two Apprise plugins replaced here: WeCom and DingTalk bots, which refuse a post with HTTP 200.

Both services answer every post with 200 and say in the body whether they took it
(``{"errcode": 0, "errmsg": "ok"}``); a revoked key, a bot removed from its group or a failed
signature is a non-zero ``errcode``. Apprise 2.3's plugins for them read only the status, so such
a post counted as sent and the alert was lost without a word (Feishu, Lark and PushPlus already
read their bodies). These subclasses send the same payload and read the body too: a non-zero code
fails the post with the service's own message, which ``alerts.push`` retries by age like any other
failure, and a code that says the key itself is refused is written ``refused errcode=N`` so that
the target stops at once, as it does for HTTP 401. ``install`` puts them in Apprise's place.
"""

from __future__ import annotations

import json

import requests
from apprise.manager_plugins import NotificationManager
from apprise.plugins.dingtalk import NotifyDingTalk
from apprise.plugins.wecombot import NotifyWeComBot

# Codes that mean the key will never work until its owner changes it, as opposed to a rate limit
# (WeCom 45009, DingTalk 130101) or a busy server (-1), which are worth waiting for.
# WeCom 93000: the webhook URL is invalid or the bot was removed from its group. DingTalk
# 300001: the access token does not exist; 310000: the bot's security setting (keyword,
# signature or IP list) refused the post.
REFUSING_CODES = {"wecombot": frozenset({93000}), "dingtalk": frozenset({300001, 310000})}


def _post_json(plugin, url: str, payload: dict, params: dict | None = None) -> bool:
    """POST ``payload`` for ``plugin``; True only when the service answered 200 with errcode 0.

    Failures are logged as Apprise's own plugins log them (``…error=401.`` for a status), since
    ``alerts.push`` reads the last warning as the post's failure reason.
    """
    plugin.throttle()
    name = plugin.service_name
    try:
        answer = requests.post(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            params=params,
            headers={"User-Agent": plugin.app_id, "Content-Type": "application/json; charset=utf-8"},
            verify=plugin.verify_certificate,
            timeout=plugin.request_timeout,
            allow_redirects=plugin.redirects,
        )
    except requests.RequestException as exc:
        plugin.logger.warning("A Connection error occurred sending %s notification: %s", name, exc)
        return False
    if answer.status_code != requests.codes.ok:
        plugin.logger.warning("Failed to send %s notification: error=%d.", name, answer.status_code)
        return False
    try:
        reply = json.loads(answer.content)
        code = int(reply.get("errcode", 0))
    except (ValueError, TypeError, AttributeError):
        plugin.logger.warning(
            "Failed to send %s notification: unreadable answer %r.", name, answer.content[:200]
        )
        return False
    if code:
        refused = "refused " if code in REFUSING_CODES[plugin.secure_protocol] else ""
        plugin.logger.warning(
            "Failed to send %s notification: %serrcode=%d: %s", name, refused, code, reply.get("errmsg", "")
        )
        return False
    plugin.logger.info("Sent %s notification.", name)
    return True


class CheckedWeComBot(NotifyWeComBot):
    """Apprise's WeCom bot, which also reads the answer's ``errcode``."""

    def send(self, body, title="", notify_type=None, **kwargs) -> bool:
        return _post_json(self, self.api_url, {"msgtype": "text", "text": {"content": body}})


class CheckedDingTalk(NotifyDingTalk):
    """Apprise's DingTalk bot (plain text, signed when the URL carries a secret), reading ``errcode``."""

    def send(self, body, title="", notify_type=None, **kwargs) -> bool:
        params = None
        if self.secret:
            timestamp, signature = self.get_signature()
            params = {"timestamp": timestamp, "sign": signature}
        payload = {
            "msgtype": "text",
            "at": {"atMobiles": self.targets, "isAtAll": False},
            "text": {"content": f"{title}\r\n{body}" if title else body},
        }
        return _post_json(self, self.notify_url.format(token=self.token), payload, params)


def install() -> None:
    """Make Apprise use these plugins for ``wecombot://`` and ``dingtalk://`` URLs."""
    for plugin in (CheckedWeComBot, CheckedDingTalk):
        NotificationManager().add(plugin, force=True)  # the one manager Apprise shares
