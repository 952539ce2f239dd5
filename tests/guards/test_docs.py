"""Nothing in the repository points at a document it does not ship.

The project began from design notes kept outside the repository; a docstring or README that
cites them sends a newcomer looking for a file that is not there. Every ``*.md`` name the
code and docs mention must be a file of the repository.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MENTION = re.compile(r"[\w./-]*[A-Za-z_]\.md\b")


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if name.endswith((".py", ".md", ".toml", ".cfg", ".txt", ".j2"))]


def test_every_document_mentioned_is_shipped():
    files = tracked_text_files()
    shipped = {path.name for path in files} | {str(path.relative_to(ROOT)) for path in files}
    missing = set()
    for path in files:
        if not path.exists():
            continue
        for mention in MENTION.findall(path.read_text(encoding="utf-8", errors="replace")):
            name = mention.lstrip("./")
            if name not in shipped and Path(name).name not in shipped:
                missing.add(f"{path.relative_to(ROOT)} mentions {mention}")
    assert not missing, sorted(missing)
