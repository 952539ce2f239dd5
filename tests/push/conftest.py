"""Fixtures for push tests: a webhook receiver on loopback, and official service hosts routed to it.

Operator channels post through Apprise's ``json://`` to the receiver. The allow-listed
services post to fixed official hosts (qyapi.weixin.qq.com, oapi.dingtalk.com …) that
Apprise does not let a URL change, so ``official_hosts`` stubs the transport at Apprise's
boundary only: the HTTP adapter of ``requests`` (what every Apprise plugin posts through)
sends each request to the loopback receiver instead, under a path that starts with the
host it was meant for. The plugins themselves run unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests.adapters

from testkit.site import LocalSite


@pytest.fixture
def hook(tmp_path) -> Iterator[LocalSite]:
    """A loopback HTTP server that records every POST (``hook.posts()``) and answers 200."""
    with LocalSite(tmp_path) as site:
        yield site


@pytest.fixture
def official_hosts(hook, monkeypatch) -> LocalSite:
    """Every HTTPS request goes to ``hook`` as ``/<host><path>`` over plain HTTP; returns ``hook``."""
    real_send = requests.adapters.HTTPAdapter.send

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.url = f"{hook.base_url}/{parts.hostname}{parts.path}" + (
            f"?{parts.query}" if parts.query else ""
        )
        kwargs["verify"] = False
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return hook
