"""Configuration: the TOML file, overridden key by key by ``RUANKAO_WATCH_<KEY>`` variables.

Everything is validated once at start, and an error names the key, because a scheduled job
that fails at 3 a.m. on a typo should say which line to fix. ``Settings`` is the whole
configuration and is read only by ``app/``; every other layer receives the narrow part it
needs (``MailSettings``, ``FeedSettings``, ``WebSettings``, ``CrawlSettings``,
``AlertSettings``), so a layer cannot grow a dependency on a key it has no business reading.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    InitSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from core.channels import ChannelSettings, PushSettings, mask_channel_url

ENV_PREFIX = "RUANKAO_WATCH_"
DEFAULT_FILE = "ruankao-watch.toml"
DEFAULT_SQLITE_URL = "sqlite:///ruankao-watch.sqlite3"
DEFAULT_CONTACT_URL = "https://github.com/ruankao-watch/ruankao-watch"
# Domains whose pages count as official when no source list says otherwise: the national exam
# office and the Chinese government's own domain (only public bodies can hold one).
DEFAULT_OFFICIAL_DOMAINS = ("ruankao.org.cn", "gov.cn")


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the key."""


class _Narrow(BaseModel):
    model_config = ConfigDict(frozen=True)


class MailSettings(_Narrow):
    """What composing and sending mail needs: the relay, the senders, link signing, the pace."""

    smtp_url: str
    mail_from: str
    confirm_from: str
    base_url: str
    secret: str
    unsubscribe_email: str
    send_concurrency: int
    send_rate_per_second: float
    send_rate_per_hour: int
    give_up_after_days: float
    official_domains: tuple[str, ...]

    @property
    def mail_domain(self) -> str:
        """The domain Message-IDs are made under: the sender's."""
        return mail_domain(self.mail_from)

    def require_secret(self) -> None:
        """Refuse to compose mail without ``secret``: every mail carries signed links.

        Checked before anything is claimed, so a missing secret leaves the outbox as it was
        instead of failing each mail for good.
        """
        if not self.secret:
            raise ConfigError(
                "secret: must be set (RUANKAO_WATCH_SECRET, e.g. `openssl rand -hex 32`) to sign the links"
                " in mails; nothing was sent"
            )


class AlertSettings(_Narrow):
    """What filling the outbox needs: reminder days, the operator's address, the Message-ID domain, channels."""

    expiry_reminder_days: tuple[int, ...]
    admin_email: str
    mail_domain: str
    channels: tuple[ChannelSettings, ...] = ()


class FeedSettings(_Narrow):
    """What rendering feeds needs: where they live, how long they are, the private-link key."""

    base_url: str
    feed_limit: int
    secret: str


class WebSettings(_Narrow):
    """What the web app needs: its address and key, who runs it, and the mail and feed parts."""

    base_url: str
    secret: str
    operator_name: str
    contact_email: str
    contact_url: str
    privacy_url: str
    mail: MailSettings
    feeds: FeedSettings
    push: PushSettings


class CrawlSettings(_Narrow):
    """What a crawl needs; ``crawler.settings.scrapy_settings`` turns it into Scrapy settings."""

    database_url: str | None = None  # None: a check crawl, which stores nothing
    contact_url: str = DEFAULT_CONTACT_URL
    download_delay: float = 2.0
    retry_backoff: float = 2.0
    sources: tuple[dict[str, Any], ...] = ()
    cache_dir: str | None = None


def mail_domain(mail_from: str) -> str:
    """The domain of the address in ``Name <user@domain>`` (or a bare address)."""
    address = mail_from.rsplit("<", 1)[-1].rstrip(">").strip()
    return address.rsplit("@", 1)[-1] or "localhost"


def mask_password(url: str) -> str:
    """``scheme://user:***@host``: the URL as it may be shown in logs and ``config check``."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def _address(value: str, *, plain: bool) -> str:
    if value and ("@" not in value or (plain and any(c in value for c in "<>\r\n ?"))):
        shape = "a plain address (name@example.cn)" if plain else "an address"
        raise ValueError(f"must be {shape}, got {value!r}")
    return value


def _http_url(value: str) -> str:
    if value and urlsplit(value).scheme not in ("http", "https"):
        raise ValueError(f"must start with http:// or https://, got {value!r}")
    return value


class Settings(BaseSettings):
    """The effective configuration. Field names are the TOML keys, lower-case."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

    database_url: str = DEFAULT_SQLITE_URL
    smtp_url: str = "smtp://127.0.0.1:25"
    mail_from: str = "ruankao-watch <noreply@localhost>"
    confirm_from: str = ""  # sender of confirmation mails; empty: mail_from
    base_url: str = "http://127.0.0.1:8000"
    secret: str = ""
    admin_email: str = ""
    # Who runs this instance, shown on every page and in the privacy terms (个人信息保护法 asks
    # that people know who holds their data and how to reach them).
    operator_name: str = ""
    contact_email: str = ""
    contact_url: str = DEFAULT_CONTACT_URL
    privacy_url: str = ""  # the operator's own privacy terms; empty: the built-in /privacy page
    # A mailbox the operator reads, offered as List-Unsubscribe's mailto; empty: the https link only.
    unsubscribe_email: str = ""
    download_delay: float = Field(2.0, ge=0)
    # Seconds before a failed page is asked again (doubling each retry); 0 only for loopback mirrors.
    retry_backoff: float = Field(2.0, ge=0)
    send_concurrency: int = Field(2, ge=1)
    send_rate_per_second: float = Field(5.0, gt=0)
    send_rate_per_hour: int = Field(2000, ge=1)  # all senders together
    give_up_after_days: float = Field(3.0, gt=0)  # a mail not delivered by then fails with its last error
    feed_limit: int = Field(50, ge=1)
    # Days before a registration lapses; ``180,30`` in the environment; empty turns the reminders off.
    expiry_reminder_days: Annotated[tuple[int, ...], NoDecode] = (180, 30)
    sources: tuple[dict[str, Any], ...] = ()  # overrides of the shipped source list ([[sources]])
    channels: tuple[ChannelSettings, ...] = ()  # the operator's push channels ([[channels]])

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("smtp", "smtps"):
            raise ValueError(f"scheme must be smtp:// or smtps://, got {value!r}")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https"):
            raise ValueError(f"must start with http:// or https://, got {value!r}")
        return value

    @field_validator("contact_url", "privacy_url")
    @classmethod
    def _urls(cls, value: str) -> str:
        return _http_url(value)

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str) -> str:
        if "@" not in value:
            raise ValueError(f"must contain an address, got {value!r}")
        return value

    @field_validator("confirm_from")
    @classmethod
    def _confirm_from(cls, value: str) -> str:
        return _address(value, plain=False)

    @field_validator("contact_email", "unsubscribe_email", "admin_email")
    @classmethod
    def _plain_addresses(cls, value: str) -> str:
        return _address(value, plain=True)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError(f"not a database URL: {value!r}")
        return value

    @field_validator("expiry_reminder_days", mode="before")
    @classmethod
    def _day_list(cls, value: object) -> object:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise ValueError("expected a list of whole numbers of days, e.g. [180, 30]")
        try:
            days = [int(str(item).strip()) for item in items if str(item).strip()]
        except ValueError:
            raise ValueError(f"expected whole numbers of days, got {value!r}") from None
        if any(d < 1 or d > 1095 for d in days):
            raise ValueError("each value must be between 1 and 1095 days")
        return days

    @field_validator("sources", mode="before")
    @classmethod
    def _source_tables(cls, value: object) -> object:
        if not isinstance(value, list | tuple) or not all(isinstance(item, dict) for item in value):
            raise ValueError("expected a list of tables ([[sources]] in TOML)")
        return value

    @field_validator("channels")
    @classmethod
    def _distinct_channels(cls, value: tuple[ChannelSettings, ...]) -> tuple[ChannelSettings, ...]:
        seen: set[str] = set()
        for channel in value:
            for ident in (f"the name {channel.name!r}" if channel.name else "", "the same URL"):
                key = ident if ident != "the same URL" else channel.url
                if ident and key in seen:
                    raise ValueError(f"two channels have {ident}; each needs its own")
                seen.add(key)
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # load_config() layers the file and the environment itself

    # -- the narrow parts each layer receives -------------------------------------------------
    # Plain properties, rebuilt on each access (microseconds): a cached_property would be copied
    # by ``model_copy(update=…)`` and hand the copy its original's stale part.

    @property
    def mail_domain(self) -> str:
        """The domain Message-IDs are made under: the sender's."""
        return mail_domain(self.mail_from)

    @property
    def mail(self) -> MailSettings:
        extra = [d for source in self.sources for d in source.get("allowed_domains", [])]
        return MailSettings(
            official_domains=tuple(dict.fromkeys([*DEFAULT_OFFICIAL_DOMAINS, *extra])),
            **self.model_dump(include=set(MailSettings.model_fields) - {"official_domains"}),
        )

    @property
    def alerting(self) -> AlertSettings:
        return AlertSettings(
            expiry_reminder_days=self.expiry_reminder_days,
            admin_email=self.admin_email,
            mail_domain=self.mail_domain,
            channels=self.channels,
        )

    @property
    def push(self) -> PushSettings:
        return PushSettings(
            channels=self.channels,
            base_url=self.base_url,
            give_up_after_days=self.give_up_after_days,
            send_concurrency=self.send_concurrency,
            official_domains=self.mail.official_domains,
        )

    @property
    def feeds(self) -> FeedSettings:
        return FeedSettings(base_url=self.base_url, feed_limit=self.feed_limit, secret=self.secret)

    @property
    def web(self) -> WebSettings:
        fields = set(WebSettings.model_fields) - {"mail", "feeds", "push"}
        return WebSettings(
            mail=self.mail, feeds=self.feeds, push=self.push, **self.model_dump(include=fields)
        )

    def crawl(self, *, cache_dir: str | None = None) -> CrawlSettings:
        return CrawlSettings(
            database_url=self.database_url,
            contact_url=self.contact_url,
            download_delay=self.download_delay,
            retry_backoff=self.retry_backoff,
            sources=self.sources,
            cache_dir=cache_dir,
        )

    def masked(self) -> dict[str, Any]:
        """The configuration with passwords and the secret hidden, for ``config check`` and logs."""
        out = self.model_dump(mode="json")
        out["secret"] = "***" if self.secret else ""
        for name in ("smtp_url", "database_url"):
            out[name] = mask_password(out[name])
        out["channels"] = [{**c, "url": mask_channel_url(c["url"])} for c in out["channels"]]
        return out


class _Environ(EnvSettingsSource):
    """The ``RUANKAO_WATCH_*`` variables of a given mapping (tests pass their own)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: dict[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> dict[str, str | None]:
        return {key.lower(): value for key, value in self._environ.items()}


def read_file(path: str | os.PathLike[str] | None) -> dict[str, Any]:
    """The TOML table of ``path`` (or ``ruankao-watch.toml`` if present); missing explicit path: error."""
    file = Path(path) if path else Path(DEFAULT_FILE)
    if path and not file.exists():
        raise ConfigError(f"config file not found: {file}")
    if not file.exists():
        return {}
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot be read: {exc}") from None


def load_config(
    path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Read ``path`` (or ``ruankao-watch.toml`` if present), then apply the environment over it."""
    file_values = read_file(path)
    environ = dict(os.environ if environ is None else environ)

    class _Loaded(Settings):
        @classmethod
        def settings_customise_sources(cls, settings_cls, **_sources):  # type: ignore[override]
            return (_Environ(settings_cls, environ), InitSettingsSource(settings_cls, file_values))

    try:
        loaded = _Loaded()
    except ValidationError as exc:
        raise ConfigError(describe(exc)) from None
    except SettingsError as exc:
        raise ConfigError(f"{exc} ({exc.__cause__})") from None
    return Settings.model_construct(**dict(loaded))


def describe(error: ValidationError) -> str:
    """One line per problem, each starting with the key (``sources.0.id: …``)."""
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "configuration"
        message = "unknown key" if item["type"] == "extra_forbidden" else item["msg"]
        lines.append(f"{key}: {message.removeprefix('Value error, ')}")
    return "; ".join(lines)
