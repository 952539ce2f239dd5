"""Configuration: the TOML file, overridden key by key by ``RUANKAO_WATCH_<KEY>`` variables.

Everything is validated once at start, and an error names the key, because a scheduled
job that fails at 3 a.m. on a typo should say which line to fix.
"""

from __future__ import annotations

import os
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
    download_delay: float = 2.0
    send_concurrency: int = 2
    send_rate_per_second: float = 5.0
    send_rate_per_hour: int = 2000
    feed_limit: int = 50
    expiry_reminder_days: list[int] = field(default_factory=lambda: [180, 30])  # before registration lapses
    sources: list[dict] = field(default_factory=list)  # overrides of the shipped source list

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


def _validate(config: Config) -> Config:
    scheme = urlsplit(config.smtp_url).scheme
    if scheme not in ("smtp", "smtps"):
        raise ConfigError(f"smtp_url: scheme must be smtp:// or smtps://, got {config.smtp_url!r}")
    if urlsplit(config.base_url).scheme not in ("http", "https"):
        raise ConfigError(f"base_url: must start with http:// or https://, got {config.base_url!r}")
    if "@" not in config.mail_from:
        raise ConfigError(f"mail_from: must contain an address, got {config.mail_from!r}")
    if config.contact_email and "@" not in config.contact_email:
        raise ConfigError(f"contact_email: must be an address, got {config.contact_email!r}")
    for name in ("contact_url", "privacy_url"):
        value = getattr(config, name)
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ConfigError(f"{name}: must start with http:// or https://, got {value!r}")
    if config.confirm_from and "@" not in config.confirm_from:
        raise ConfigError(f"confirm_from: must contain an address, got {config.confirm_from!r}")
    if "://" not in config.database_url:
        raise ConfigError(f"database_url: not a database URL: {config.database_url!r}")
    if config.send_concurrency < 1:
        raise ConfigError("send_concurrency: must be at least 1")
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
        if env_value is not None and name != "sources":
            values[name] = env_value
    changes = {name: _coerce(name, value, getattr(config, name)) for name, value in values.items()}
    return _validate(replace(config, **changes))
