"""The labelled corpus: notice files with their hand-written golden ``to_dict()`` output.

Shared by the corpus test and ``bench/parse_accuracy.py``. Each case is
``corpus/<name>.html|.txt`` with ``corpus/<name>.json``; ``corpus/params.json`` gives the
``published``/``region`` arguments for notices that do not state them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from parsers import decode_html, parse_notice

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    golden: dict
    published: date | None
    region: str | None

    def parse(self) -> dict:
        data = self.path.read_bytes()
        document = decode_html(data) if self.path.suffix == ".html" else data.decode("utf-8")
        return parse_notice(document, published=self.published, region=self.region).to_dict()


def load_cases() -> list[Case]:
    params = json.loads((CORPUS / "params.json").read_text(encoding="utf-8"))
    cases = []
    for golden_path in sorted(CORPUS.glob("*.json")):
        if golden_path.name == "params.json":
            continue
        name = golden_path.stem
        notice = next(p for p in (CORPUS / f"{name}.html", CORPUS / f"{name}.txt") if p.exists())
        given = params.get(name, {})
        published = date.fromisoformat(given["published"]) if "published" in given else None
        cases.append(
            Case(
                name,
                notice,
                json.loads(golden_path.read_text(encoding="utf-8")),
                published,
                given.get("region"),
            )
        )
    return cases
