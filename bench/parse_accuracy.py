"""Parser accuracy on real published notices: precision, recall and F1 per field, per split.

Run: ``python bench/parse_accuracy.py`` (the ``tuned`` split), ``python bench/parse_accuracy.py blind``
(only once, when the parser is done: see BENCHMARKS.md), or ``corpus`` for the self-written unit
corpus. ``--batch NAME`` keeps the notices one round added (their ``source.batch``), ``--batch old``
those added before batches were named, so a round's fresh blind notices are scored on their own. Notices come from ``tests/parsers/real/<split>/`` (see its README); each is parsed from its
text file, with the stored copy's date as a hint only when the text states none.

Matching rules (a found item is right when an expected item of the same notice has equal keys;
duplicates count as often as they occur):
- windows: (start, end) as written in the JSON (a date, or a date and time); "windows +label" also
  requires the label.
- fees: (amount, per), per as a unit (goldens write it as the notice does: 生 and 人 are per person,
  科 and 人•科 per subject, 人·两科 a per-person total; see ``canonical_per``); the item is named as
  written in notices (快递费 / 邮寄费), so it is not compared.
- eligible: (from, to), only on notices whose golden kind is registration, late_registration or
  certificate_collection (the only kinds that carry eligibility); "eligible +condition" also
  requires the condition text.
- session: each session string of a notice, compared as a set per notice.
- kind: one fact per notice; precision = recall = accuracy.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.parsers.corpus_cases import load_cases
from tests.parsers.real_cases import SPLITS, canonical_per, load_real

ELIGIBLE_KINDS = ("registration", "late_registration", "certificate_collection")


def _items(keys: tuple[str, ...]) -> Callable[[str], Callable[[dict, dict], Counter]]:
    def for_field(field: str) -> Callable[[dict, dict], Counter]:
        def facts(notice: dict, golden: dict) -> Counter:
            if field == "eligible" and golden["kind"] not in ELIGIBLE_KINDS:
                return Counter()
            return Counter(
                tuple(canonical_per(item.get(key)) if key == "per" else item.get(key) for key in keys)
                for item in notice.get(field, [])
            )

        return facts

    return for_field


RULES: dict[str, Callable[[dict, dict], Counter]] = {
    "windows": _items(("start", "end"))("windows"),
    "windows +label": _items(("label", "start", "end"))("windows"),
    "fees": _items(("amount", "per"))("fees"),
    "eligible": _items(("from", "to"))("eligible"),
    "eligible +condition": _items(("from", "to", "condition"))("eligible"),
    "session": lambda notice, golden: Counter(set(notice.get("session", []))),
    "kind": lambda notice, golden: Counter([notice["kind"]]),
}


def score(pairs: list[tuple[dict, dict]]) -> dict[str, tuple[int, int, int]]:
    """(expected, found, right) per rule over (golden, parsed) pairs."""
    totals = {}
    for name, facts in RULES.items():
        expected = found = right = 0
        for golden, parsed in pairs:
            want, got = facts(golden, golden), facts(parsed, golden)
            expected += sum(want.values())
            found += sum(got.values())
            right += sum((want & got).values())
        totals[name] = (expected, found, right)
    return totals


def f1(expected: int, found: int, right: int) -> tuple[float, float, float]:
    precision = right / found if found else 1.0
    recall = right / expected if expected else 1.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def pairs_for(split: str, batch: str | None = None) -> list[tuple[dict, dict]]:
    """(golden, parsed) pairs of a split; ``batch`` keeps only the notices added in one round
    (``source.batch``, e.g. ``fresh-2026-11-29``), or ``old`` those added before any batch."""
    if split == "corpus":
        return [(case.golden, case.parse()) for case in load_cases()]
    cases = load_real(split)
    if batch is not None:
        cases = [case for case in cases if case.golden["source"].get("batch", "old") == batch]
    return [(case.golden, case.parse()) for case in cases]


def main(args: list[str]) -> None:
    batch = None
    if "--batch" in args:
        at = args.index("--batch")
        batch = args[at + 1] if at + 1 < len(args) else sys.exit("--batch needs a name (or 'old')")
        args = args[:at] + args[at + 2 :]
    split = args[0] if args else "tuned"
    if split not in (*SPLITS, "corpus"):
        sys.exit(f"usage: parse_accuracy.py [{'|'.join((*SPLITS, 'corpus'))}] [--batch NAME|old]")
    pairs = pairs_for(split, batch)
    print(f"parse accuracy on {len(pairs)} notices of {split!r}" + (f", batch {batch!r}" if batch else ""))
    print(f"{'field':<22}{'expected':>9}{'found':>7}{'right':>7}{'precision':>11}{'recall':>8}{'F1':>7}")
    for name, counts in score(pairs).items():
        precision, recall, f = f1(*counts)
        print(
            f"{name:<22}{counts[0]:>9}{counts[1]:>7}{counts[2]:>7}{precision:>11.3f}{recall:>8.3f}{f:>7.3f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
