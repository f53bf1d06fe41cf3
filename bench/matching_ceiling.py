"""How far any scorer could go on the evidence the records hold: an upper bound.

    .venv/bin/python bench/matching_ceiling.py                 # 100,000 records
    .venv/bin/python bench/matching_ceiling.py --size 300000

Every pair the batch compares (``people.matching.batch``) is described by what a scorer
can know of it: the level of each comparison (given and family names, in which script,
straight or swapped; birth; sex; nationality; phone; documents) and how common the
given name, the family name and the phone are (a power of two of the registry's count).
Pairs alike in all of these cannot be told apart by any scorer that reads them. The
"oracle" is told, for each such group, how many of its pairs are truly one person, and
takes the purest groups first: the best it reaches is an upper bound (an optimistic
one, since it is told the answer) for any scorer, ours included, on these features.

It prints, for the oracle and for our scores side by side: the best F1 at any threshold,
the recall where precision is still ≥ 0.995 (the ``match`` target), and the same recall
for cross-script pairs.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Iterable

from matching_data import Registry, difficulties, generate

from mouwakaba.people.matching import default_matcher
from mouwakaba.people.matching.batch import score_registry

PRECISION = 0.995


def frequency_bin(count: int) -> int:
    return int(math.log2(max(1, count)))


def best_f1(groups: Iterable[tuple[int, int]], n_true: int) -> float:
    """Groups of (true, false) pairs taken in the order given: the best F1 on the way."""
    tp = fp = 0
    best = 0.0
    for true, false in groups:
        tp += true
        fp += false
        best = max(best, 2 * tp / (tp + fp + n_true))
    return best


def recall_at_precision(
    groups: Iterable[tuple[int, int, int]], n_true: int, n_cross: int
) -> tuple[float, float]:
    """Groups of (true, false, true cross-script) in the order given: the recall, and the
    cross-script recall, of the longest prefix whose precision stays ≥ ``PRECISION``."""
    tp = fp = cross = 0
    best = (0.0, 0.0)
    for true, false, true_cross in groups:
        tp += true
        fp += false
        cross += true_cross
        if tp and tp / (tp + fp) >= PRECISION:
            best = (tp / n_true, cross / max(1, n_cross))
    return best


Features = tuple[object, ...]


def describe(size: int, seed: int) -> tuple[Registry, list[tuple[Features, float, bool, bool]]]:
    """A registry of that size and seed, and each pair the batch compares: its features,
    our score, whether it is one person, and whether it is a cross-script such pair."""
    registry = generate(size, seed)
    records, person_of = registry.records, registry.person_of
    matcher = default_matcher()
    found = score_registry(records, matcher=matcher, jobs=2)
    counts = found.stats.counts
    truth = registry.true_pairs()
    cross_truth = {pair for pair in truth if "cross-script" in difficulties(registry, *pair)}
    prepared = [matcher.prepare(record) for record in records]
    pairs = []
    for i, j, score in zip(found.i.tolist(), found.j.tolist(), found.score.tolist(), strict=True):
        a, b = prepared[i], prepared[j]
        levels = matcher.levels(a, b)
        features = (
            tuple(sorted(levels.items())),
            frequency_bin(max(counts.get(a.given_key, 1), counts.get(b.given_key, 1))),
            frequency_bin(max(counts.get(a.family_key, 1), counts.get(b.family_key, 1))),
            frequency_bin(counts.get(f"p:{a.phone}", 1)) if levels["phone"] == "agree" else -1,
        )
        same = person_of[i] == person_of[j]
        pairs.append((features, score, same, same and (i, j) in cross_truth))
    return registry, pairs


def tally(pairs: list[tuple[Features, float, bool, bool]]) -> dict[Features, list[int]]:
    groups: dict[Features, list[int]] = {}
    for features, _score, same, cross in pairs:
        counts = groups.setdefault(features, [0, 0, 0])
        counts[0 if same else 1] += 1
        counts[2] += cross
    return groups


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    registry, pairs = describe(args.size, args.seed)
    truth = registry.true_pairs()
    n_true = len(truth)
    n_cross = sum(1 for pair in truth if "cross-script" in difficulties(registry, *pair))
    groups = tally(pairs)
    print(
        f"registry: {args.size:,} records, seed {args.seed}; {len(pairs):,} pairs compared; "
        f"{n_true:,} true pairs, {n_cross:,} of them cross-script; {len(groups):,} groups "
        f"({time.perf_counter() - started:.0f} s)"
    )
    by_purity = sorted(groups.values(), key=lambda t: (-t[0] / (t[0] + t[1]), -t[0]))
    ours = sorted(((score, same, cross) for _f, score, same, cross in pairs), key=lambda t: -t[0])
    blocked = sum(1 for _f, _s, same, _c in pairs if same)
    print(f"pairs compared that are true: {blocked:,} (blocking recall {blocked / n_true:.4f})")
    rows = {
        "oracle": [(t, f, c) for t, f, c in by_purity],
        "ours": [(int(s), 1 - int(s), int(c)) for _p, s, c in ours],
    }
    print(f"{'':32} " + " ".join(f"{name:>8}" for name in rows))
    f1s = [best_f1(((t, f) for t, f, _ in row), n_true) for row in rows.values()]
    print(f"{'best F1 at any threshold':32} " + " ".join(f"{v:8.4f}" for v in f1s))
    at = [recall_at_precision(row, n_true, n_cross) for row in rows.values()]
    print(f"{'recall at precision ≥ 0.995':32} " + " ".join(f"{r:8.4f}" for r, _ in at))
    print(f"{'  cross-script':32} " + " ".join(f"{c:8.4f}" for _, c in at))
    singletons = sum(1 for t in groups.values() if t[0] + t[1] == 1)
    print(
        f"(the oracle is told each group's answer; {singletons:,} groups hold a single pair, "
        f"which it always ranks right: its bound is loose, never tight)"
    )


if __name__ == "__main__":
    main()
