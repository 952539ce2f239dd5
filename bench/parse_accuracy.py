"""Parser accuracy on the labelled corpus: precision, recall and F1 per field.

Run: ``python bench/parse_accuracy.py``. Windows, eligible ranges and fees are compared
as sets of facts (label+start+end, from+to, amount+item+per), first without and then with
their evidence sentence; kind, region and published date are one fact per notice. The goldens are the
hand-written ``tests/parsers/corpus/*.json``; case names as arguments restrict the run to them.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.parsers.corpus_cases import load_cases


def facts(parsed: dict, field: str, with_evidence: bool) -> Counter:
    if field in ("kind", "region", "published"):
        return Counter([parsed[field]])
    keys = {
        "windows": ("label", "start", "end"),
        "eligible": ("from", "to"),
        "fees": ("amount", "item", "per"),
    }
    names = keys[field] + (("evidence",) if with_evidence else ())
    return Counter(tuple(item[name] for name in names) for item in parsed[field])


def main(names: list[str]) -> None:
    cases = [case for case in load_cases() if not names or case.name in names]
    results = [(case.golden, case.parse()) for case in cases]
    rows = [(field, False) for field in ("windows", "eligible", "fees")]
    rows += [(field, True) for field in ("windows", "eligible", "fees")]
    rows += [("kind", False), ("region", False), ("published", False)]
    print(f"parse accuracy on {len(cases)} corpus notices")
    print(f"{'field':<22}{'expected':>9}{'found':>7}{'right':>7}{'precision':>11}{'recall':>8}{'F1':>7}")
    for field, with_evidence in rows:
        expected = found = right = 0
        for golden, parsed in results:
            want, got = facts(golden, field, with_evidence), facts(parsed, field, with_evidence)
            expected += sum(want.values())
            found += sum(got.values())
            right += sum((want & got).values())
        precision = right / found if found else 1.0
        recall = right / expected if expected else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        name = field + (" +evidence" if with_evidence else "")
        print(f"{name:<22}{expected:>9}{found:>7}{right:>7}{precision:>11.3f}{recall:>8.3f}{f1:>7.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
