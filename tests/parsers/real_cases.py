"""The real-notice corpus (``tests/parsers/real/<split>/<id>.txt`` + ``.json``), shared by the golden
tests and ``bench/parse_accuracy.py``.

A notice is parsed as the crawler would see it: the text file alone; only when the file itself
gives no published date is the stored copy's date (``source.published``) passed as a hint, the
way a list page's date is. The region is never given: it is read off the text like any field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from parsers import parse_notice

REAL = Path(__file__).parent / "real"
SPLITS = ("tuned", "blind")


@dataclass(frozen=True)
class RealCase:
    name: str
    text: Path
    golden: dict

    def parse(self) -> dict:
        document = self.text.read_text(encoding="utf-8")
        parsed = parse_notice(document, is_html=False)
        hint = self.golden.get("source", {}).get("published")
        if parsed.published is None and hint:
            parsed = parse_notice(document, published=date.fromisoformat(hint), is_html=False)
        return parsed.to_dict()


def load_real(split: str) -> list[RealCase]:
    """Every notice of one split, sorted by id; a split that has not landed yet is empty."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    folder = REAL / split
    return [
        RealCase(path.stem, path.with_suffix(".txt"), json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(folder.glob("*.json"))
        if path.with_suffix(".txt").exists()
    ]
