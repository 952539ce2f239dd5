"""``ruankao-watch sources check`` against loopback servers: a good source, a broken one, nothing stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawler.check import check_verdict
from testkit.site import sample_site_root, serve
from tests.conftest import ROOT, cli
from tests.crawler.pagetools import PAGES


def write_config(path: Path, database: Path, sources: list[str]) -> Path:
    path.write_text(
        f'database_url = "sqlite:///{database}"\ndownload_delay = 0\n' + "\n".join(sources), encoding="utf-8"
    )
    return path


def source(source_id: str, url: str) -> str:
    return f'[[sources]]\nid = "{source_id}"\nlist_urls = ["{url}"]\nallowed_domains = ["127.0.0.1"]\n'


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """Every shipped, enabled source checked once: ruankao and ruankao-signup on good copies, guangdong
    on a server that has no such list page, shenzhen disabled; returns the run and the database path."""
    tmp_path = tmp_path_factory.mktemp("check")
    cli_env = {k: v for k, v in os.environ.items() if not k.startswith("RUANKAO_WATCH_")}
    cli_env["PYTHONPATH"] = str(ROOT)
    cli_env["PYTHONIOENCODING"] = "utf-8"
    database = tmp_path / "db.sqlite3"
    broken = tmp_path / "broken"
    broken.mkdir()
    with serve(sample_site_root()) as good, serve(PAGES / "ruankao-signup") as table, serve(broken) as bad:
        config = write_config(
            tmp_path / "ruankao-watch.toml",
            database,
            [
                source("ruankao", good.url("index/work.html")),
                source("ruankao-signup", table.url("sign/welcome.html")),
                source("guangdong", bad.url("zwgk/gzdt/index.html")),
                '[[sources]]\nid = "shenzhen"\nenabled = false\n',
            ],
        )
        run = cli(cli_env, "--config", str(config), "sources", "check")
    return run, database


def test_some_source_failing_is_exit_code_1(checked):
    run, _ = checked
    assert run.returncode == 1, run.stderr


def test_one_line_per_enabled_source(checked):
    run, _ = checked
    assert sorted(line.split()[1] for line in run.stdout.splitlines()) == [
        "guangdong:", "ruankao-signup:", "ruankao:",
    ]  # fmt: skip


def test_the_good_list_source_is_ok_with_a_parsed_notice(checked):
    run, _ = checked
    [line] = [line for line in run.stdout.splitlines() if " ruankao:" in line]
    assert line.startswith("ok") and "1 parsed" in line, line


def test_the_signup_table_is_ok_with_every_row(checked):
    run, _ = checked
    [line] = [line for line in run.stdout.splitlines() if " ruankao-signup:" in line]
    assert line == "ok    ruankao-signup: list reachable, 37 items, 37 parsed"


def test_the_broken_source_says_why(checked):
    run, _ = checked
    [line] = [line for line in run.stdout.splitlines() if " guangdong:" in line]
    assert line == (
        "FAIL  guangdong: list NOT reachable — no list page could be read (see the HTTP errors and the log); "
        "1 list page(s) answered an HTTP error (404 ×1)"
    )


def test_nothing_is_written_to_the_database(checked):
    _, database = checked
    assert not database.exists()


def test_all_good_is_exit_code_0(cli_env, tmp_path):
    with serve(PAGES / "ruankao-signup") as table:
        config = write_config(
            tmp_path / "ruankao-watch.toml",
            tmp_path / "db.sqlite3",
            [source("ruankao-signup", table.url("x"))],
        )
        run = cli(
            cli_env,
            "--config", str(config), "sources", "check",
            "--source", "ruankao-signup", "--url", table.url("sign/welcome.html"),
        )  # fmt: skip
    assert (run.returncode, run.stdout.split()[0]) == (0, "ok"), run.stderr


def test_an_unknown_source_is_a_usage_error(cli_env, tmp_path):
    run = cli(cli_env, "sources", "check", "--source", "nosuch")
    assert (run.returncode, "unknown source 'nosuch'" in run.stderr) == (2, True)


def test_a_list_without_items_fails():
    verdict = check_verdict("x", {"notices/list/downloaded": 1, "finish_reason": "finished"})
    assert verdict["line"].startswith(
        "FAIL  x: list reachable, 0 items, 0 parsed — the list page had no notices"
    )


def test_a_list_whose_notice_does_not_parse_fails():
    stats = {
        "notices/list/downloaded": 1,
        "notices/list/first_page_entries": 5,
        "notices/detail/http_error/404": 1,
    }
    assert check_verdict("x", stats)["ok"] is False
