"""The region a notice applies to: ``national`` or a short province/city name (天津, 广东, 深圳).

Read from the title, then from the issuer (信息来源 lines, the signature). Names come
from the project's one table of places (``core.places``), so they are the short forms
subscribers' regions reduce to (天津, 深圳); a district (天津市红桥区) gives its city.
"""

from __future__ import annotations

import re

from core.places import CITY_PROVINCE, NATIONAL, PROVINCES

_ALIASES = {"新疆生产建设兵团": "兵团"}
_NAMES = re.compile("|".join(sorted((*PROVINCES, *CITY_PROVINCE, *_ALIASES), key=len, reverse=True)))
_ISSUER = re.compile(r"(?:信息来源|来源|发布单位|发布机构|发文机关)\s*[:：]\s*(\S{2,40})")
_ISSUER_LINE = re.compile(r"(?:局|院|中心|厅|办公室|委员会|委|站|办|网)\s*$")


def _place(text: str) -> str | None:
    """The most local place named: a city before a province (广东省…深圳市… → 深圳)."""
    names = [_ALIASES.get(match.group(), match.group()) for match in _NAMES.finditer(text)]
    return next((name for name in names if name in CITY_PROVINCE), names[0] if names else None)


def find_region(title: str, meta: str, body: str) -> str:
    """Region from the title, the page's metadata (source lines, ``<title>`` site name), the issuer
    lines at the top of the body, then the signature at the end; else ``national``."""
    for text in (title, meta):
        if (place := _place(text)) is not None:
            return place
    for issuer in _ISSUER.finditer(body[:400]):
        if (place := _place(issuer.group(1))) is not None:
            return place
    tail = [line for line in body.splitlines()[-4:] if len(line) <= 40]
    for line in reversed(tail):
        if _ISSUER_LINE.search(line):
            return _place(line) or NATIONAL
    return NATIONAL
