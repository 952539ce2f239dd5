"""The sources as data: the shipped list (``sources.toml``), operator overrides, and the host allowlist.

A source is configuration, not code, so that an operator can fix a moved list page or a
renamed CSS class from ``ruankao-watch.toml`` without waiting for a release, and so that one
spider class serves a whole family of sites (the gov.cn CMS of many provinces).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib.resources import files
from urllib.parse import urlsplit

_ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Source:
    """One official notice list and how to read it.

    ``spider`` names a class in ``crawler.spiders``; ``selectors`` override that class's
    defaults key by key; ``max_pages`` caps pagination even when every notice is new.
    """

    id: str
    name: str
    list_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    region: str = "national"
    spider: str = "GovCmsSpider"
    selectors: dict[str, str] = field(default_factory=dict)
    max_pages: int = 3
    enabled: bool = True
    # What list_urls and selectors rest on (a stored copy, a public scraper, the official list
    # of examining institutions), and whether that evidence shows this very list page and markup.
    evidence: str = ""
    verified: bool = False

    def allows(self, url: str) -> bool:
        """Whether ``url`` may be fetched or stored for this source (see ``host_allowed``)."""
        return host_allowed(url, self.allowed_domains)


def host_allowed(url: str, domains: tuple[str, ...] | list[str]) -> bool:
    """True for an http(s) URL whose host is one of ``domains`` or a subdomain of one.

    The host is what a browser would connect to (``urlsplit().hostname``), so
    ``https://ruankao.org.cn@evil.com/`` is evil.com; the match is on whole labels, so
    ``evilruankao.org.cn`` and ``ruankao.org.cn.evil.com`` are rejected.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    host = host.rstrip(".")
    for domain in domains:
        domain = domain.lower().rstrip(".")
        if host == domain or host.endswith("." + domain):
            return True
    return False


def default_sources() -> list[Source]:
    """The sources shipped in ``crawler/sources.toml``."""
    data = tomllib.loads(files("crawler").joinpath("sources.toml").read_text(encoding="utf-8"))
    return [_build(entry) for entry in data.get("sources", [])]


def load_sources(overrides: list[dict] | None = None) -> list[Source]:
    """The shipped sources with an operator's ``[[sources]]`` tables applied, by id.

    A table whose id is shipped overrides the fields it names (``selectors`` are merged key
    by key, ``enabled = false`` disables); a new id adds a source. Disabled sources are kept
    in the list so that ``--source ID`` can say it is disabled rather than unknown.
    Raises ValueError naming the offending key.
    """
    by_id = {source.id: source for source in default_sources()}
    for position, entry in enumerate(overrides or []):
        if not isinstance(entry, dict) or "id" not in entry:
            raise ValueError(f"sources[{position}]: each [[sources]] table needs an id")
        source_id = entry["id"]
        if source_id in by_id:
            by_id[source_id] = _override(by_id[source_id], entry)
        else:
            by_id[source_id] = _build(entry)
    return list(by_id.values())


_FIELDS = {f.name for f in fields(Source)}


def _check_keys(entry: dict) -> str:
    label = f"sources[id={entry.get('id')!r}]"
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise ValueError(
            f"{label}: unknown key(s): {', '.join(unknown)} (known: {', '.join(sorted(_FIELDS))})"
        )
    return label


def _build(entry: dict) -> Source:
    label = _check_keys(entry)
    for required in ("id", "name", "list_urls"):
        if required not in entry:
            raise ValueError(f"{label}: missing key {required}")
    values = dict(entry)
    if "allowed_domains" not in values:
        values["allowed_domains"] = sorted({urlsplit(u).hostname or "" for u in values["list_urls"]})
    return _validate(Source(**_coerce(label, values)), label)


def _override(source: Source, entry: dict) -> Source:
    label = _check_keys(entry)
    values = _coerce(label, {k: v for k, v in entry.items() if k != "id"})
    if "selectors" in values:
        values["selectors"] = {**source.selectors, **values["selectors"]}
    return _validate(replace(source, **values), label)


def _coerce(label: str, values: dict) -> dict:
    out = dict(values)
    for key in ("list_urls", "allowed_domains"):
        if key in out:
            value = out[key]
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ValueError(f"{label}: {key} must be a list of strings")
            out[key] = tuple(value)
    for key in ("id", "name", "region", "spider", "evidence"):
        if key in out and not isinstance(out[key], str):
            raise ValueError(f"{label}: {key} must be a string")
    if "max_pages" in out and (not isinstance(out["max_pages"], int) or isinstance(out["max_pages"], bool)):
        raise ValueError(f"{label}: max_pages must be a whole number")
    for key in ("enabled", "verified"):
        if key in out and not isinstance(out[key], bool):
            raise ValueError(f"{label}: {key} must be true or false")
    if "selectors" in out:
        selectors = out["selectors"]
        if not isinstance(selectors, dict) or not all(isinstance(v, str) for v in selectors.values()):
            raise ValueError(f"{label}: selectors must be a table of strings")
        out["selectors"] = dict(selectors)
    return out


def _validate(source: Source, label: str) -> Source:
    from crawler.spiders import SPIDERS  # the spiders import this module

    if not _ID.match(source.id):
        raise ValueError(f"{label}: id must be lower-case letters, digits, _ and - (it names the spider)")
    if source.spider not in SPIDERS:
        raise ValueError(f"{label}: spider {source.spider!r} is not one of {', '.join(sorted(SPIDERS))}")
    known = list(SPIDERS[source.spider].selectors)
    unknown = sorted(set(source.selectors) - set(known))
    if unknown:
        raise ValueError(
            f"{label}: unknown selector key(s): {', '.join(unknown)} (known to {source.spider}: {', '.join(known)})"
        )
    if source.max_pages < 1:
        raise ValueError(f"{label}: max_pages must be at least 1")
    if not source.list_urls:
        raise ValueError(f"{label}: list_urls must not be empty")
    for url in source.list_urls:
        if not source.allows(url):
            raise ValueError(
                f"{label}: list URL {url!r} is not on the allowed domains {list(source.allowed_domains)}"
            )
    return source
