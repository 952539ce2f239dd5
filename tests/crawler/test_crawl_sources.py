"""Sources as data: the shipped list, operator overrides, and the host allowlist."""

from __future__ import annotations

import pytest

from crawler.sources import default_sources, host_allowed, load_sources


def test_the_shipped_sources():
    sources = {s.id: s for s in default_sources()}
    assert set(sources) == {"ruankao", "guangdong", "shenzhen", "tianjin"}
    assert sources["ruankao"].list_urls == ("https://www.ruankao.org.cn/index/work.html",)
    assert sources["ruankao"].allowed_domains == ("ruankao.org.cn",)
    assert sources["ruankao"].spider == "RuankaoSpider"
    assert {sources[i].spider for i in ("guangdong", "shenzhen", "tianjin")} == {"GovCmsSpider"}
    assert sources["tianjin"].region == "天津"
    assert all(s.enabled for s in sources.values())


def test_an_override_changes_fields_and_merges_selectors():
    [ruankao] = [
        s
        for s in load_sources([{"id": "ruankao", "max_pages": 2, "selectors": {"content": "#main"}}])
        if s.id == "ruankao"
    ]
    assert ruankao.max_pages == 2
    assert ruankao.selectors == {"content": "#main"}
    assert ruankao.list_urls == ("https://www.ruankao.org.cn/index/work.html",)


def test_an_operator_can_disable_and_add_sources():
    sources = {
        s.id: s
        for s in load_sources(
            [
                {"id": "shenzhen", "enabled": False},
                {
                    "id": "beijing",
                    "name": "北京市人事考试中心",
                    "region": "北京",
                    "list_urls": ["https://rsj.beijing.gov.cn/ks/index.html"],
                },
            ]
        )
    }
    assert not sources["shenzhen"].enabled
    assert sources["beijing"].allowed_domains == ("rsj.beijing.gov.cn",)
    assert sources["beijing"].spider == "GovCmsSpider"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"id": "ruankao", "max_page": 2}, "unknown key(s): max_page"),
        ({"id": "ruankao", "selectors": {"body": "#x"}}, "unknown selector key(s): body"),
        ({"id": "ruankao", "spider": "NoSuchSpider"}, "spider 'NoSuchSpider'"),
        ({"id": "ruankao", "list_urls": ["https://evil.example/index.html"]}, "not on the allowed domains"),
        ({"id": "ruankao", "max_pages": 0}, "max_pages must be at least 1"),
        ({"id": "ruankao", "enabled": "no"}, "enabled must be true or false"),
        ({"id": "new", "name": "x"}, "missing key list_urls"),
        ({"id": "Bad Id", "name": "x", "list_urls": ["https://x.cn/"]}, "id must be"),
        ({"name": "x"}, "needs an id"),
    ],
)
def test_a_bad_override_names_the_key(override, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_sources([override])


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://www.ruankao.org.cn/article/content/1.html", True),
        ("https://ruankao.org.cn/", True),
        ("http://bm.ruankao.org.cn/sign/welcome", True),
        ("https://WWW.RUANKAO.ORG.CN./x", True),
        ("https://ruankao.org.cn.evil.com/", False),
        ("https://evilruankao.org.cn/", False),
        ("https://ruankao.org.cn@evil.com/", False),
        ("https://www.ruankaо.org.cn/", False),  # Cyrillic о
        ("https://ruankao-org.cn/", False),
        ("https://xn--ruankao-9of.org.cn/", False),
        ("javascript:alert(1)", False),
        ("mailto:a@ruankao.org.cn", False),
        ("file:///etc/passwd", False),
        ("//ruankao.org.cn/x", False),  # not resolved yet: no scheme
        ("http://[::1/", False),
    ],
)
def test_host_allowed(url, allowed):
    assert host_allowed(url, ["ruankao.org.cn"]) is allowed
