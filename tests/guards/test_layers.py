"""The package arrows and the size limits (400 lines a module, 80 a function), read from the source, so the architecture cannot drift silently.

``ALLOWED`` is the table in the README's architecture section: a package may import itself,
the standard library, third-party packages, and the project packages its row names. Imports
are read with ``ast`` (also those inside functions and under ``TYPE_CHECKING``: a type-only
import is still a dependency a reader has to follow).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Who may import whom. `app` is the only wiring layer and nothing imports it.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "parsers": {"core"},
    "store": {"core", "parsers"},  # parsers: the ParsedNotice data type it stores
    "crawler": {"core", "parsers", "store"},
    "alerts": {"core", "store"},
    "feeds": {"core", "store"},
    "web": {"core", "store", "alerts", "feeds"},
    "testkit": set(),
    "app": {"core", "parsers", "store", "crawler", "alerts", "feeds", "web", "testkit"},
}
PROJECT = set(ALLOWED) | {"bench", "tests"}
# The leaf package: the standard library and pydantic only, so every layer can afford to import it.
CORE_THIRD_PARTY = {"pydantic", "pydantic_settings"}


def modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def imported_tops(path: Path) -> set[str]:
    tops = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            tops |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    return tops


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_follow_the_architecture_table(package):
    wrong = []
    for path in modules(package):
        for top in imported_tops(path) & PROJECT - {package} - ALLOWED[package]:
            wrong.append(f"{path.relative_to(ROOT)} imports {top}")
    assert not wrong, f"{package} may import only {sorted(ALLOWED[package]) or 'nothing of ours'}: {wrong}"


def test_core_imports_only_the_standard_library_and_pydantic():
    wrong = [
        f"{path.relative_to(ROOT)} imports {top}"
        for path in modules("core")
        for top in imported_tops(path)
        if top not in sys.stdlib_module_names and top not in CORE_THIRD_PARTY and top != "core"
    ]
    assert not wrong, wrong


def test_the_table_has_no_cycles():
    def visit(package: str, path: tuple[str, ...]) -> None:
        assert package not in path, f"cycle: {' → '.join((*path, package))}"
        for dependency in ALLOWED[package]:
            visit(dependency, (*path, package))

    for package in ALLOWED:
        visit(package, ())


def test_the_readme_shows_the_same_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for package, allowed in ALLOWED.items():
        row = f"| `{package}` | {', '.join(f'`{p}`' for p in sorted(allowed)) or '—'} |"
        assert row in readme, f"README's architecture table lacks the row {row}"


MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def production_files() -> list[Path]:
    return [path for package in ALLOWED for path in modules(package)]


def test_no_module_is_longer_than_the_limit():
    long = {}
    for path in production_files():
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_MODULE_LINES:
            long[str(path.relative_to(ROOT))] = lines
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split by what each part owns): {long}"


def test_no_function_is_longer_than_the_limit():
    long = {}
    for path in production_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = length
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"
