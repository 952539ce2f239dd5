"""The operator's push channels in the configuration (``[[channels]]``), and what posting needs.

Checked here as far as the standard library can: the URL's form, the places, the notice
kinds, each with the key it came from. Whether Apprise can read the URL is asked by the
wiring (``app``), which may import Apprise. A URL carries its service's key: only
``mask_channel_url`` may show it here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Narrow(BaseModel):
    model_config = ConfigDict(frozen=True)


class ChannelSettings(_Narrow):
    """An operator's push channel (``[[channels]]``): an Apprise URL, and what it is sent (docs/push.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    name: str = Field("", pattern=r"^[A-Za-z0-9_-]{0,40}$")
    regions: tuple[str, ...] = ()  # national notices always pass
    kinds: tuple[str, ...] = ()  # notice kinds; none: every kind
    reminder_days: int = Field(3, ge=0, le=60)

    @field_validator("url")
    @classmethod
    def _apprise_url(cls, value: str) -> str:
        value = value.strip()
        scheme = value.partition("://")[0]
        if (
            "://" not in value
            or not scheme.isascii()
            or not scheme.isalnum()
            or any(c.isspace() for c in value)
        ):
            raise ValueError("expected an Apprise URL such as wecombot://KEY")
        return value

    @field_validator("regions")
    @classmethod
    def _places(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from core.places import office_region

        places = tuple(office_region(region) for region in value)
        if None in places:
            bad = value[places.index(None)]
            raise ValueError(f"unknown place {bad!r} (a province or city, e.g. 天津, 广东, 深圳)")
        return places  # type: ignore[return-value]

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from core.vocab import NoticeKind

        if any(kind not in NoticeKind.values() for kind in value):
            raise ValueError(
                f"expected notice kinds among {', '.join(NoticeKind.values())}, got {list(value)}"
            )
        return value


def mask_channel_url(url: str) -> str:
    """``wecombot://****``: a push URL carries its service's key, so only the scheme is ever shown here."""
    return f"{url.partition('://')[0] or '?'}://****"


class PushSettings(_Narrow):
    """What posting to push channels needs: the channels, the links in test messages, the pace."""

    channels: tuple[ChannelSettings, ...]
    base_url: str
    give_up_after_days: float
    send_concurrency: int
    official_domains: tuple[str, ...]
