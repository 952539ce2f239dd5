"""The loopback server the demo, tests and benchmark use: files, validators and scripted faults."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from testkit.site import Behaviour, sample_site_root, serve


def get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_files_with_validators_and_304():
    with serve(sample_site_root()) as site:
        assert site.base_url.startswith("http://127.0.0.1:")
        status, headers, body = get(site.url("index/work.html"))
        assert status == 200 and "软考动态".encode() in body
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert get(site.url("index/work.html"), **{"If-None-Match": headers["ETag"]})[0] == 304
        assert get(site.url("index/work.html"), **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        assert get(site.url("robots.txt"))[2].startswith(b"User-agent: *")
        assert get(site.url("nothing.html"))[0] == 404
        assert get(site.url("../../etc/passwd"))[0] == 404
        assert [r.conditional for r in site.requests_for("/index/work.html")] == [False, True, True]


def test_scripted_behaviours():
    behaviours = {
        "/index/work.html": Behaviour(statuses=[500, 429], headers={"Retry-After": "7"}, charset=""),
        "/moved": Behaviour(redirect="http://localhost:1/elsewhere"),
        "/big": Behaviour(size=3000, validators=False),
        "/body": Behaviour(body=b"<p>\xc4\xe3\xba\xc3</p>", charset="gbk"),
    }
    with serve(sample_site_root(), behaviours=behaviours) as site:
        assert get(site.url("index/work.html"))[0] == 500
        status, headers, _ = get(site.url("index/work.html"))
        assert (status, headers["Retry-After"]) == (429, "7")
        status, headers, _ = get(site.url("index/work.html"))
        assert status == 200 and headers["Content-Type"] == "text/html"
        with pytest.raises(urllib.error.URLError):
            get(site.url("moved"))  # follows to a closed port
        assert site.requests_for("/moved")[0].status == 302
        assert len(get(site.url("big"))[2]) == 3000
        status, headers, body = get(site.url("body"))
        assert headers["Content-Type"] == "text/html; charset=gbk" and body.decode("gbk") == "<p>你好</p>"
