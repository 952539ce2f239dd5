"""Sources as data: the shipped list, operator overrides, and the host allowlist."""

from __future__ import annotations

import pytest

from crawler.sources import default_sources, host_allowed, load_sources
from tests.crawler.pagetools import PAGES

SHIPPED = default_sources()


def test_the_shipped_sources():
    sources = {s.id: s for s in SHIPPED}
    assert {s.id for s in SHIPPED if s.enabled} == {"ruankao", "ruankao-signup", "guangdong", "shenzhen"}
    assert sources["ruankao"].list_urls == ("https://www.ruankao.org.cn/index/work.html",)
    assert sources["ruankao"].allowed_domains == ("ruankao.org.cn",)
    assert sources["ruankao"].spider == "RuankaoSpider"
    assert sources["ruankao-signup"].list_urls == ("https://bm.ruankao.org.cn/sign/welcome",)
    assert sources["ruankao-signup"].spider == "SignupTableSpider"
    assert {sources[i].spider for i in ("guangdong", "shenzhen", "tianjin")} == {"GovCmsSpider"}
    assert sources["tianjin"].region == "天津"


def test_the_examining_institutions_are_all_recorded():
    # The national site's 各地考试机构 list (docs/architecture.md, "The source sites") names about 35; 山西, 浙江 and 西藏 link
    # to no office site of their own, and 厦门 and 青岛 are only known from the sign-up table.
    regional = [s.region for s in SHIPPED if s.region != "national"]
    assert len(regional) == 32
    assert len(set(regional)) == 32, "one source per office"


@pytest.mark.parametrize("source", SHIPPED, ids=lambda s: s.id)
def test_every_shipped_source_says_what_it_rests_on(source):
    assert source.evidence.strip(), f"{source.id}: no evidence recorded"


@pytest.mark.parametrize("source", [s for s in SHIPPED if s.enabled], ids=lambda s: s.id)
def test_every_enabled_source_has_saved_pages(source):
    assert [p for p in (PAGES / source.id).rglob("*") if p.is_file()], f"no tests/crawler/pages/{source.id}/"


@pytest.mark.parametrize("source", [s for s in SHIPPED if s.enabled], ids=lambda s: s.id)
def test_every_enabled_source_has_its_fixture_test(source):
    test_file = PAGES.parent / f"test_{source.id.replace('-', '_')}.py"
    assert test_file.is_file(), f"no {test_file.name}"


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
