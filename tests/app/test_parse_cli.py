"""``ruankao-watch parse``: HTML and text files, GBK bytes, several paths, the JSON shape in docs/architecture.md."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from parsers.types import EligibleRange, session_bounds
from testkit.site import sample_site_root
from tests.conftest import ROOT, cli

KEYS = {
    "title", "kind", "region", "published", "windows", "session", "eligible", "fees", "uncertain", "warnings",
    "warning_codes",
}  # fmt: skip
SAMPLE = sample_site_root() / "article" / "content" / "2602201000123456780000003.html"
TEXT = (
    "天津市人事考试中心关于2026年度软考证书登记的通知\n"
    "登记时间：２０２６年３月２日９︰００至３月２０日１７：００（星期五）。\n"
    "2022年度及以前取得证书的人员应当登记，登记费每人每次30元。\n"
)


def parse(cli_env, *args: str) -> subprocess.CompletedProcess:
    return cli(cli_env, "parse", *args)


def test_several_files_give_one_json_object_per_line(cli_env, tmp_path):
    gbk = tmp_path / "tianjin.txt"
    gbk.write_bytes(TEXT.encode("gbk"))
    proc = parse(cli_env, str(SAMPLE), str(gbk), "--json", "--published", "2026-02-20")
    assert proc.returncode == 0, proc.stderr
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    assert set(first) == KEYS == set(second)
    assert first["kind"] == "registration" and first["region"] == "national"
    assert first["windows"][0]["end"] == "2026-03-20T17:00"
    assert second["title"] == "天津市人事考试中心关于2026年度软考证书登记的通知"
    assert second["region"] == "天津"
    assert second["published"] == "2026-02-20"
    assert [(w["label"], w["start"], w["end"]) for w in second["windows"]] == [
        ("登记", "2026-03-02T09:00", "2026-03-20T17:00")
    ]
    assert second["eligible"][0]["from"] is None and second["eligible"][0]["to"] == "2022"
    assert second["fees"][0]["amount"] == 30 and second["fees"][0]["per"] == "人"


def test_region_option_and_plain_output(cli_env, tmp_path):
    text = tmp_path / "n.txt"
    text.write_text(TEXT.replace("天津市人事考试中心", ""), encoding="utf-8")
    as_json = json.loads(
        parse(cli_env, str(text), "--json", "--region", "天津", "--published", "2026-02-20").stdout
    )
    assert as_json["region"] == "天津"
    plain = parse(cli_env, str(text), "--published", "2026-02-20")
    assert "登记：2026年3月2日 09:00 至 2026年3月20日 17:00" in plain.stdout
    assert "费用：登记费 30元/人" in plain.stdout


def test_an_unreadable_file_is_named_and_the_others_still_parse(cli_env, tmp_path):
    text = tmp_path / "n.txt"
    text.write_text(TEXT, encoding="utf-8")
    proc = parse(cli_env, str(tmp_path / "missing.html"), str(text), "--json")
    assert proc.returncode == 1
    assert "missing.html" in proc.stderr
    assert len(proc.stdout.splitlines()) == 1


def test_the_registration_sentence_puts_a_2021_second_half_certificate_inside_the_range(cli_env, tmp_path):
    notice = tmp_path / "registration.txt"
    notice.write_text(
        "关于开展2024年度计算机技术与软件专业技术资格证书登记工作的通知\n"
        "一、登记对象\n"
        "2022年度（含2022年下半年）及以前取得计算机技术与软件专业技术资格（水平）证书、"
        "且登记有效期已满或从未登记的人员。\n"
        "二、登记时间\n2024年3月1日至3月20日。\n",
        encoding="utf-8",
    )
    proc = parse(cli_env, str(notice), "--json", "--published", "2024-02-20")
    assert proc.returncode == 0, proc.stderr
    (found,) = json.loads(proc.stdout)["eligible"]
    assert (found["from"], found["to"], found["condition"]) == (
        None,
        "2022下半年",
        "登记有效期已满或从未登记",
    )
    low, high = EligibleRange(found["from"], found["to"], found["evidence"]).bounds()
    certificate_low, certificate_high = session_bounds("2021下半年")
    assert low <= certificate_low and certificate_high <= high


def test_a_page_as_short_as_a_file_name_parses_without_library_advice_on_stderr(cli_env, tmp_path):
    page = tmp_path / "short.html"
    page.write_text("notice.html", encoding="utf-8")  # what a broken CMS served once: the body is a name
    proc = parse(cli_env, str(page), "--json", "--published", "2026-02-20")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["title"] == "notice.html"
    assert "Warning" not in proc.stderr and "Beautiful Soup" not in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b" \r\n\t\r\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", "not a text or HTML file"),
        ("关于证书登记的通知".encode("gbk") + b"\x00\xff\xfe\x00" * 64, "not a text or HTML file"),
    ],
    ids=["empty", "blank", "png", "gbk-then-binary"],
)
def test_an_empty_or_binary_file_is_named_with_why_and_the_others_still_parse(
    cli_env, tmp_path, content, reason
):
    bad = tmp_path / "notice.html"
    bad.write_bytes(content)
    good = tmp_path / "n.txt"
    good.write_text(TEXT, encoding="utf-8")
    proc = parse(cli_env, str(bad), str(good), "--json")
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"parse: {bad}: {reason}"
    assert [json.loads(line)["title"] for line in proc.stdout.splitlines()] == [
        "天津市人事考试中心关于2026年度软考证书登记的通知"
    ]


def _without_evidence(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_evidence(v) for k, v in value.items() if k != "evidence"}
    if isinstance(value, list):
        return [_without_evidence(v) for v in value]
    return value


def test_the_readme_example_is_what_parse_prints_for_the_demo_notice(cli_env):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", readme, re.S).group(1))
    proc = parse(cli_env, str(SAMPLE), "--json")
    assert proc.returncode == 0, proc.stderr
    assert _without_evidence(example) == _without_evidence(
        json.loads(proc.stdout)
    )  # evidence is shortened there
