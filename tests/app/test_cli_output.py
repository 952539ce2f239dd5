"""What commands print: scraped control and bidi characters never reach the terminal, a closed pipe
ends quietly, and a bad argument is one line naming it with exit 2."""

from __future__ import annotations

import argparse
import os
import subprocess
from datetime import UTC, date, datetime

import pytest

from parsers.types import ParsedNotice
from store.notices import FetchedNotice, record_fetch
from tests.conftest import PYTHON, ROOT, cli_in_process

HOSTILE = "关于\x1b]0;pwned\x07证书\x1b[31m登记\x9b2J的通知\u202egpj.exe\u2066"
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")


@pytest.fixture
def cli(cli_env, database_url):
    env = {**cli_env, "RUANKAO_WATCH_DATABASE_URL": database_url, "RUANKAO_WATCH_SECRET": "s" * 32}

    def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "-m", "app", *args], env=env, capture_output=True, text=True, check=False, **kwargs
        )

    cli.env = env
    return cli


@pytest.fixture
def hostile_notice(sessions) -> None:
    parsed = ParsedNotice(title=HOSTILE, kind="registration", region="national", published=date(2026, 2, 20))
    fetched = FetchedNotice(
        "ruankao", "https://www.ruankao.org.cn/article/content/9.html", HOSTILE, parsed.published, "正文",
        parsed, datetime(2026, 2, 20, tzinfo=UTC),
    )  # fmt: skip
    with sessions.begin() as session:
        record_fetch(session, fetched)


@pytest.mark.parametrize(
    "args", [("notices", "list"), ("notices", "list", "--json"), ("notices", "show", "1")]
)
def test_scraped_control_and_bidi_characters_never_reach_the_terminal(cli, hostile_notice, args):
    result = cli(*args)
    assert result.returncode == 0, result.stderr
    assert "关于" in result.stdout and "的通知" in result.stdout
    assert not [c for c in UNSAFE if c in result.stdout]


def test_a_closed_pipe_ends_quietly(cli, hostile_notice):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the command writes a byte, as with `| head -0`
    try:
        result = subprocess.run(
            [PYTHON, "-m", "app", "notices", "list"], env=cli.env, stdout=write_end, stderr=subprocess.PIPE,
            text=True, check=False,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("subscribers", "list", "--status", "nonsense"), "--status"),
        (("subscribers", "export", "--status", "nonsense"), "--status"),
        (("prune", "--older-than", "0"), "--older-than"),
        (("prune", "--older-than", "-3"), "--older-than"),
        (("prune", "--older-than", "99999999999"), "--older-than"),
        (("serve", "--port", "99999"), "--port"),
        (("notices", "list", "--limit", "-1"), "--limit"),
        (("crawl", "--source", "nosuch"), "--source"),
        (("run", "--source", "nosuch"), "--source"),
    ],
)
def test_a_bad_argument_exits_2_naming_it_without_a_traceback(cli, args, named):
    result = cli(*args)
    assert result.returncode == 2
    assert named in result.stderr and "Traceback" not in result.stderr
    assert named in result.stderr.strip().splitlines()[-1]  # one line says it (after argparse's usage)


@pytest.mark.parametrize(
    "args",
    [
        ("subscribers", "export", "--out", "{missing}/people.csv"),
        ("feeds", "--out", "{file}"),
        ("demo", "--out", "{file}"),
    ],
)
def test_an_output_path_that_cannot_be_written_is_one_line_naming_it(cli, tmp_path, args):
    file = tmp_path / "a-file"
    file.write_text("", encoding="utf-8")
    paths = {"missing": tmp_path / "no-such-folder", "file": file}
    args = tuple(arg.format(**paths) for arg in args)
    result = cli_in_process(cli.env, *args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("ruankao-watch: ") and str(tmp_path) in line, line


def test_the_help_says_what_send_and_prune_do_as_the_readme_does(cli):
    lines = cli("--help").stdout.splitlines()
    send = next(line for line in lines if line.split()[:1] == ["send"])
    prune = " ".join(lines[lines.index(next(x for x in lines if x.split()[:1] == ["prune"])) :][:2])
    assert "push" in send  # `send` delivers the push outbox too (README, docs/push.md)
    assert "runs" in prune and "sent mail" not in prune  # alert mail is kept: the de-duplication ledger


def _readme_usage() -> dict[str, str]:
    """The README's usage block, as command name → its lines (continuation lines joined on)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```\nruankao-watch [--config FILE]", 1)[1].split("```", 1)[0]
    entries: dict[str, str] = {}
    name = ""
    for line in block.splitlines()[1:]:
        if line[2:3].isalpha():
            name = line.split()[0]
        entries[name] = entries.get(name, "") + line
    return entries


def _options(parser: argparse.ArgumentParser) -> set[str]:
    found = {o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options(sub)
    return found


def test_the_readme_usage_and_docs_name_every_option_of_each_command():
    from app.cli import build_parser

    usage = _readme_usage()
    # The README points to docs/subscriptions.md for the options of `subscribers`.
    usage["subscribers"] = (
        (ROOT / "docs" / "subscriptions.md").read_text(encoding="utf-8").split("## Operators' CLI")[1]
    )
    (commands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    missing = {
        name: sorted(o for o in _options(parser) if o not in usage[name])
        for name, parser in commands.choices.items()
    }
    assert {name: options for name, options in missing.items() if options} == {}


def test_diff_of_a_notice_with_one_version_says_there_is_nothing_to_compare(cli, hostile_notice):
    result = cli_in_process(cli.env, "notices", "show", "1", "--diff")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "notice 1: only one version stored, nothing to compare\n"
