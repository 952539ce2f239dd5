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

    def parse(self, document: str | None = None, *, is_html: bool = False) -> dict:
        """The notice's file read as the crawler would (or ``document`` in its place: a re-worded copy,
        an HTML page when ``is_html``)."""
        if document is None:
            document = self.text.read_text(encoding="utf-8")
        parsed = parse_notice(document, is_html=is_html)
        hint = self.golden.get("source", {}).get("published")
        if parsed.published is None and hint:
            parsed = parse_notice(document, published=date.fromisoformat(hint), is_html=is_html)
        return parsed.to_dict()


_PER_PERSON = {"人", "生", "考生", "位", "名", "人次"}
_PER_SUBJECT = {"科", "科目", "门", "每科"}
_PER_CERTIFICATE = {"本", "张", "份", "证书", "证"}


def canonical_per(per: str | None) -> str | None:
    """The unit a fee is charged per, as one of the parser's words: goldens write it as the notice
    does (生, 科, 人•科, 人·两科), the parser as a unit (人, 科目, 科次, 件, 证书). A count of
    subjects (人·两科) is a per-person total; 人•科 is per subject."""
    if per is None:
        return None
    plain = per.strip("()（） ")
    if "科次" in plain:
        return "科次"
    if any(count in plain for count in ("两科", "二科", "三科", "四科")):
        return "人"
    if "科" in plain or plain in _PER_SUBJECT:
        return "科目"
    if plain in _PER_PERSON:
        return "人"
    if plain in _PER_CERTIFICATE:
        return "证书"
    return plain


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
