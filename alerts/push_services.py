"""Push services through Apprise: which ones subscribers may use, their limits, and URLs kept secret.

An Apprise URL carries the service's key (``wecombot://KEY``), so it is shown only masked
(``mask_url``) and error messages are stripped of its secret parts (``redact``).
Subscribers may add only the services of ``SERVICES``, each reaching only its official
host: the fixed-host services ignore any host in the URL, and the two that name a host
(Bark, ntfy) must name the official one. Generic ``json://``, ``xml://``, ``form://`` and
any query parameter are refused, so nobody can make the server post to an address of
their choosing. Operator channels may use any Apprise URL: the operator owns the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import apprise

from alerts import push_plugins


@dataclass(frozen=True)
class Service:
    """A push service: its name for people, what one message may take, how often one may post."""

    label: str
    limit: int  # UTF-8 bytes for title and body together, below the service's own limit
    spacing: float  # seconds between two posts to one channel (the service's rate limit)
    hosts: tuple[str, ...] = ()  # for services whose URL names a host: the official ones
    example: str = ""


# The allow-list for subscribers' targets, by Apprise scheme. Limits: WeCom takes 2048 bytes
# of text, Telegram 4096 characters, Bark goes through APNs (4 KiB a payload); the others take
# far more than a push should say. WeCom, DingTalk and Telegram groups allow 20 posts a minute.
SERVICES: dict[str, Service] = {
    "wecombot": Service("企业微信群机器人", 2000, 3.1, example="wecombot://机器人key"),
    "dingtalk": Service("钉钉群机器人", 4000, 3.1, example="dingtalk://access_token"),
    "feishu": Service("飞书群机器人", 4000, 0.3, example="feishu://hook_token"),
    "lark": Service("Lark 群机器人", 4000, 0.3, example="lark://hook_token"),
    "schan": Service("Server酱", 4000, 1.0, example="schan://SendKey"),
    "pushplus": Service("PushPlus 推送加", 4000, 1.0, example="pushplus://token"),
    "barks": Service("Bark", 1500, 0.5, hosts=("api.day.app",), example="barks://api.day.app/设备key"),
    "tgram": Service("Telegram", 4000, 3.1, example="tgram://bot_token/chat_id"),
    "ntfys": Service("ntfy", 3500, 0.5, hosts=("ntfy.sh",), example="ntfys://ntfy.sh/主题"),
}
# WeCom and DingTalk posts are read by their answer's body, not its status alone.
push_plugins.install()
# Any other Apprise URL (operator channels only).
OTHER = Service("Apprise", 4000, 0.0)
MAX_URL = 1000
_TOKEN = re.compile(r"[^/:@?&=#,+;]+")


class InvalidTarget(ValueError):
    """A push URL a subscriber may not use; the message says why, in Chinese."""


def service_of(url: str) -> Service:
    """The service a URL posts to (``OTHER`` for a scheme outside the allow-list)."""
    return SERVICES.get(url.partition("://")[0].lower(), OTHER)


@lru_cache(maxsize=256)
def plugin(url: str):
    """Apprise's plugin for ``url``, or None when Apprise cannot read it."""
    return apprise.Apprise.instantiate(url, suppress_exceptions=True)


def allowed_names() -> str:
    return "、".join(f"{s.label}（{scheme}://）" for scheme, s in SERVICES.items())


def check_target_url(url: str) -> str:
    """A subscriber's push URL, checked against the allow-list; returns its scheme or raises InvalidTarget."""
    url = (url or "").strip()
    if not url:
        raise InvalidTarget("请填写推送地址")
    if len(url) > MAX_URL or any(c.isspace() or ord(c) < 32 for c in url):
        raise InvalidTarget("推送地址过长或含有空白字符")
    scheme = url.partition("://")[0].lower()
    service = SERVICES.get(scheme)
    if service is None or "://" not in url:
        raise InvalidTarget(f"不支持的推送地址；只支持：{allowed_names()}")
    if "?" in url or "#" in url:
        raise InvalidTarget("推送地址不能带参数（? 或 #）")
    found = plugin(url)
    if found is None:
        raise InvalidTarget(f"推送地址格式不正确，应如 {service.example}")
    if service.hosts:
        parts = urlsplit(url)
        if (parts.hostname or "").lower() not in service.hosts or parts.port not in (None, 443):
            raise InvalidTarget(f"{service.label} 只能使用官方服务器 {'、'.join(service.hosts)}")
        if not getattr(found, "secure", False) or getattr(found, "host", "") not in service.hosts:
            raise InvalidTarget(f"{service.label} 只能使用官方服务器 {'、'.join(service.hosts)}")
    return scheme


def _shown_host(found) -> str | None:
    """The host of a plugin's privacy URL, if it is a host (not a key standing in the host's place)."""
    host = str(getattr(found, "host", "") or "")
    if "." in host or ":" in host:
        return urlsplit(found.url(privacy=True)).netloc  # user and password already masked
    return None


@lru_cache(maxsize=256)
def mask_url(url: str) -> str:
    """The URL with every key hidden: ``wecombot://****``, ``barks://api.day.app/****``.

    Only a real host name (with its user, password masked by Apprise) and the scheme stay;
    a key, a topic, a path or a query never does.
    """
    scheme = url.partition("://")[0].lower() if "://" in (url or "") else "?"
    found = plugin(url) if url else None
    if found is None:
        return f"{scheme}://****"
    privacy = urlsplit(found.url(privacy=True))
    host = _shown_host(found)
    path = "/****" if privacy.path.strip("/") or host is None else ""
    return f"{privacy.scheme}://{host or '****'}{path if host else ''}"


def redact(text: str, url: str) -> str:
    """``text`` with every part of ``url`` that its masked form does not show replaced by ``***``."""
    shown = set(_TOKEN.findall(mask_url(url)))
    for token in sorted(set(_TOKEN.findall(url.partition("://")[2])) - shown, key=len, reverse=True):
        if len(token) >= 3:
            text = text.replace(token, "***")
    return text
