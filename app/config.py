"""Configuration: the TOML file, overridden key by key by ``RUANKAO_WATCH_<KEY>`` variables.

Everything is validated once at start, and an error names the key, because a scheduled
job that fails at 3 a.m. on a typo should say which line to fix.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from store.db import DEFAULT_SQLITE_URL

ENV_PREFIX = "RUANKAO_WATCH_"
DEFAULT_FILE = "ruankao-watch.toml"


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the key."""


@dataclass(frozen=True)
class Config:
    """The effective configuration. Field names are the TOML keys, lower-case."""

    database_url: str = DEFAULT_SQLITE_URL
    smtp_url: str = "smtp://127.0.0.1:25"
    mail_from: str = "ruankao-watch <noreply@localhost>"
    confirm_from: str = ""  # sender of confirmation mails; empty: mail_from
    base_url: str = "http://127.0.0.1:8000"
    secret: str = ""
    admin_email: str = ""
    # Who runs this instance, shown on every page and in the privacy terms (个人信息保护法
    # asks that people know who holds their data and how to reach them).
    operator_name: str = ""
    contact_email: str = ""
    contact_url: str = "https://github.com/ruankao-watch/ruankao-watch"
    privacy_url: str = ""  # the operator's own privacy terms; empty: the built-in /privacy page
    # A mailbox the operator reads, offered as List-Unsubscribe's mailto; empty: the https one-click link only.
    unsubscribe_email: str = ""
    download_delay: float = 2.0
    send_concurrency: int = 2
    send_rate_per_second: float = 5.0
    send_rate_per_hour: int = 2000  # all senders together
    give_up_after_days: float = 3.0  # a mail not delivered by then fails with its last error
    feed_limit: int = 50
    expiry_reminder_days: list[int] = field(default_factory=lambda: [180, 30])  # before registration lapses
    sources: list[dict] = field(default_factory=list)  # overrides of the shipped source list
    # Push channels of the operator ([[channels]]: url, and optional name, regions, kinds, reminder_days).
    channels: list[dict] = field(default_factory=list)

    @property
    def mail_domain(self) -> str:
        """The domain Message-IDs are made under: the sender's."""
        address = self.mail_from.rsplit("<", 1)[-1].rstrip(">").strip()
        return address.rsplit("@", 1)[-1] or "localhost"

    def masked(self) -> dict:
        """The config with passwords and the secret hidden, for ``config check`` and logs."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "secret":
                value = "***" if value else ""
            elif f.name in ("smtp_url", "database_url"):
                value = _mask_password(value)
            elif f.name == "channels" and value:
                from alerts.push_services import mask_url

                value = [{**table, "url": mask_url(table["url"])} for table in value]
            out[f.name] = value
        return out


def require_secret(config: Config) -> None:
    """Refuse to compose mail without ``secret``: every mail carries signed links.

    Checked before anything is claimed, so a missing secret leaves the outbox as it was
    instead of failing each mail for good.
    """
    if not config.secret:
        raise ConfigError(
            "secret: must be set (RUANKAO_WATCH_SECRET, e.g. `openssl rand -hex 32`) to sign the links in mails;"
            " nothing was sent"
        )


def _mask_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def _coerce(name: str, value: object, target: object) -> object:
    """Convert a TOML or environment value to the type of the default, naming the key on error."""
    if isinstance(target, bool):
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name}: expected true or false, got {value!r}")
    if isinstance(target, int):
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a whole number, got {value!r}") from None
    if isinstance(target, float):
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a number, got {value!r}") from None
    if isinstance(target, list):
        if name == "expiry_reminder_days":
            return _day_list(name, value)
        if name == "channels":
            return _channels(value)
        if not isinstance(value, list):
            raise ConfigError(f"{name}: expected a list of tables ([[sources]] in TOML)")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{name}: expected a string, got {value!r}")
    return value


def _day_list(name: str, value: object) -> list[int]:
    """``[180, 30]`` from TOML, or ``180,30`` from the environment; empty turns the reminders off."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ConfigError(f"{name}: expected a list of whole numbers of days, e.g. [180, 30]")
    try:
        days = [int(str(item).strip()) for item in items if str(item).strip()]
    except ValueError:
        raise ConfigError(f"{name}: expected whole numbers of days, got {value!r}") from None
    if any(d < 1 or d > 1095 for d in days):
        raise ConfigError(f"{name}: each value must be between 1 and 1095 days")
    return days


CHANNEL_KEYS = ("url", "name", "regions", "kinds", "reminder_days")


def _channel(key: str, table: dict) -> dict:
    """One ``[[channels]]`` table checked and normalised; errors name ``channels[i].<key>``, never the URL's key."""
    from alerts.push_services import mask_url, plugin
    from core.places import office_region
    from core.vocab import NoticeKind

    unknown = sorted(set(table) - set(CHANNEL_KEYS))
    if unknown:
        raise ConfigError(f"{key}: unknown key(s): {', '.join(unknown)} (known: {', '.join(CHANNEL_KEYS)})")
    url = table.get("url")
    if not isinstance(url, str) or "://" not in url:
        raise ConfigError(f"{key}.url: expected an Apprise URL such as wecombot://KEY")
    if plugin(url.strip()) is None:
        raise ConfigError(
            f"{key}.url: Apprise cannot read {mask_url(url)} (see its documentation for the form)"
        )
    name = table.get("name", "")
    if not isinstance(name, str) or (name and not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", name)):
        raise ConfigError(f"{key}.name: letters, digits, - and _ only (at most 40), got {name!r}")
    regions = table.get("regions", [])
    if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
        raise ConfigError(f'{key}.regions: expected a list of places, e.g. ["天津"]')
    places = [office_region(r) for r in regions]
    if None in places:
        bad = regions[places.index(None)]
        raise ConfigError(f"{key}.regions: unknown place {bad!r} (a province or city, e.g. 天津, 广东, 深圳)")
    kinds = table.get("kinds", [])
    if not isinstance(kinds, list) or any(k not in NoticeKind.values() for k in kinds):
        raise ConfigError(f"{key}.kinds: expected a list of {', '.join(NoticeKind.values())}, got {kinds!r}")
    days = table.get("reminder_days", 3)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 60:
        raise ConfigError(f"{key}.reminder_days: a whole number of days from 0 to 60, got {days!r}")
    return {"url": url.strip(), "name": name, "regions": places, "kinds": kinds, "reminder_days": days}


def _channels(value: object) -> list[dict]:
    """``[[channels]]``: each table checked; two channels may not share a name or a URL."""
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise ConfigError("channels: expected a list of tables ([[channels]] in TOML)")
    channels = [_channel(f"channels[{i}]", table) for i, table in enumerate(value)]
    seen: dict[str, int] = {}
    for i, channel in enumerate(channels):
        for ident in (f"name:{channel['name']}" if channel["name"] else "", f"url:{channel['url']}"):
            if ident and ident in seen:
                what = "name" if ident.startswith("name:") else "url"
                raise ConfigError(f"channels[{i}].{what}: the same as channels[{seen[ident]}].{what}")
            seen.setdefault(ident, i)
    return channels


def _validate(config: Config) -> Config:
    scheme = urlsplit(config.smtp_url).scheme
    if scheme not in ("smtp", "smtps"):
        raise ConfigError(f"smtp_url: scheme must be smtp:// or smtps://, got {config.smtp_url!r}")
    if urlsplit(config.base_url).scheme not in ("http", "https"):
        raise ConfigError(f"base_url: must start with http:// or https://, got {config.base_url!r}")
    if "@" not in config.mail_from:
        raise ConfigError(f"mail_from: must contain an address, got {config.mail_from!r}")
    for name in ("contact_email", "unsubscribe_email"):
        value = getattr(config, name)
        if value and ("@" not in value or any(c in value for c in "<>\r\n ?")):
            raise ConfigError(f"{name}: must be a plain address (name@example.cn), got {value!r}")
    for name in ("contact_url", "privacy_url"):
        value = getattr(config, name)
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ConfigError(f"{name}: must start with http:// or https://, got {value!r}")
    if config.confirm_from and "@" not in config.confirm_from:
        raise ConfigError(f"confirm_from: must contain an address, got {config.confirm_from!r}")
    if "://" not in config.database_url:
        raise ConfigError(f"database_url: not a database URL: {config.database_url!r}")
    for name in ("send_concurrency", "send_rate_per_hour", "feed_limit"):
        if getattr(config, name) < 1:
            raise ConfigError(f"{name}: must be at least 1, got {getattr(config, name)}")
    if config.send_rate_per_second <= 0:
        raise ConfigError(f"send_rate_per_second: must be above 0, got {config.send_rate_per_second}")
    if config.give_up_after_days <= 0:
        raise ConfigError(f"give_up_after_days: must be above 0, got {config.give_up_after_days}")
    if config.download_delay < 0:
        raise ConfigError("download_delay: must not be negative")
    return config


def load_config(path: str | os.PathLike | None = None, environ: dict[str, str] | None = None) -> Config:
    """Read ``path`` (or ``ruankao-watch.toml`` if present), then apply the environment.

    An explicit path that does not exist is an error; the default file is optional.
    """
    environ = dict(os.environ if environ is None else environ)
    config = Config()
    values: dict[str, object] = {}
    file = Path(path) if path else Path(DEFAULT_FILE)
    if path and not file.exists():
        raise ConfigError(f"config file not found: {file}")
    if file.exists():
        try:
            values = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    known = {f.name for f in fields(Config)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"{file}: unknown key(s): {', '.join(unknown)}")
    for name in known:
        env_value = environ.get(ENV_PREFIX + name.upper())
        if env_value is not None and name not in ("sources", "channels"):
            values[name] = env_value
    changes = {name: _coerce(name, value, getattr(config, name)) for name, value in values.items()}
    return _validate(replace(config, **changes))
