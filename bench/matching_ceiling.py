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
import sys
import time

import numpy as np
from matching_data import Registry, difficulties, generate, names_script

from mouwakaba.people.matching import batch, default_matcher
from mouwakaba.people.matching.batch import BoolArray, FloatArray, IntArray

PRECISION = 0.995


def frequency_bin(count: FloatArray) -> IntArray:
    """A power of two of how many records carry a value."""
    return np.floor(np.log2(np.maximum(1.0, count))).astype(np.int64)


def best_f1(true: IntArray, false: IntArray, n_true: int) -> float:
    """Groups of ``true`` and ``false`` pairs taken in the order given: the best F1 on
    the way."""
    tp, fp = np.cumsum(true), np.cumsum(false)
    return float((2 * tp / (tp + fp + n_true)).max(initial=0.0))


def recall_at_precision(
    true: IntArray, false: IntArray, cross: IntArray, n_true: int, n_cross: int
) -> tuple[float, float]:
    """Groups in the order given: the recall, and the cross-script recall, of the
    longest prefix whose precision stays ≥ ``PRECISION``."""
    tp, fp, found = np.cumsum(true), np.cumsum(false), np.cumsum(cross)
    ok = np.flatnonzero((tp > 0) & (tp >= PRECISION * (tp + fp)))
    if not len(ok):
        return 0.0, 0.0
    last = ok[-1]
    return float(tp[last] / n_true), float(found[last] / max(1, n_cross))


# Bits of each feature in a pair's code (the frequency bins are under 2^6 for any
# registry under 2^63 records; the phone's bin is shifted by one, -1 when phones differ).
_FIELDS = (
    ("given", 4),
    ("given_cross", 1),
    ("family", 4),
    ("family_cross", 1),
    ("swapped", 1),
    ("birth", 4),
    ("sex", 2),
    ("nationality", 2),
    ("phone", 2),
    ("documents", 2),
)


def pair_codes(state: batch._State, i: IntArray, j: IntArray) -> IntArray:
    """One integer per pair holding its features: every comparison's level and how
    common the given name, the family name and (when they agree) the phone are."""
    levels = batch.pair_levels(state, i, j)
    c = state.columns
    code = np.zeros(len(i), dtype=np.int64)
    for name, bits in _FIELDS:
        code = (code << bits) | getattr(levels, name).astype(np.int64)
    given = frequency_bin(np.maximum(c.given_count[i], c.given_count[j]))
    family = frequency_bin(np.maximum(c.family_count[i], c.family_count[j]))
    phone = np.where(levels.phone == 1, frequency_bin(c.phone_count[i]), -1) + 1
    for value in (given, family, phone):
        code = (code << 6) | value
    return code


def describe(size: int, seed: int) -> tuple[Registry, IntArray, FloatArray, BoolArray, BoolArray]:
    """A registry of that size and seed, and each pair the batch compares: its features
    (``pair_codes``), our score, whether it is one person, and whether it is a
    cross-script such pair."""
    registry = generate(size, seed)
    records = registry.records
    matcher = default_matcher()
    state = batch.prepare_state(records, matcher=matcher, jobs=2)
    found = batch.score_state(state, jobs=2)
    i, j = found.i.astype(np.int64), found.j.astype(np.int64)
    step = 2_000_000
    codes = np.concatenate(
        [pair_codes(state, i[k : k + step], j[k : k + step]) for k in range(0, len(i), step)]
    )
    person = np.asarray(registry.person_of)
    same = person[i] == person[j]
    scripts = np.array([names_script(record) for record in records])
    cross = same & (
        ((scripts[i] == "ar") & (scripts[j] == "lat"))
        | ((scripts[i] == "lat") & (scripts[j] == "ar"))
    )
    return registry, codes, found.score, same, cross


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    registry, codes, scores, same, cross = describe(args.size, args.seed)
    truth = registry.true_pairs()
    n_true = len(truth)
    n_cross = sum(1 for pair in truth if "cross-script" in difficulties(registry, *pair))
    groups, group_of = np.unique(codes, return_inverse=True)
    true = np.bincount(group_of, weights=same, minlength=len(groups)).astype(np.int64)
    false = np.bincount(group_of, minlength=len(groups)) - true
    true_cross = np.bincount(group_of, weights=cross, minlength=len(groups)).astype(np.int64)
    print(
        f"registry: {args.size:,} records, seed {args.seed}; {len(codes):,} pairs compared; "
        f"{n_true:,} true pairs, {n_cross:,} of them cross-script; {len(groups):,} groups "
        f"({time.perf_counter() - started:.0f} s)"
    )
    blocked = int(same.sum())
    print(f"pairs compared that are true: {blocked:,} (blocking recall {blocked / n_true:.4f})")
    purity = true / (true + false)
    by_purity = np.lexsort((-true, -purity))  # the purest groups first, then the largest
    ours = np.argsort(-scores, kind="stable")
    one = same.astype(np.int64)
    rows = {
        "oracle": (true[by_purity], false[by_purity], true_cross[by_purity]),
        "ours": (one[ours], 1 - one[ours], cross[ours].astype(np.int64)),
    }
    print(f"{'':32} " + " ".join(f"{name:>8}" for name in rows))
    f1s = [best_f1(t, f, n_true) for t, f, _ in rows.values()]
    print(f"{'best F1 at any threshold':32} " + " ".join(f"{v:8.4f}" for v in f1s))
    at = [recall_at_precision(t, f, c, n_true, n_cross) for t, f, c in rows.values()]
    print(f"{'recall at precision ≥ 0.995':32} " + " ".join(f"{r:8.4f}" for r, _ in at))
    print(f"{'  cross-script':32} " + " ".join(f"{c:8.4f}" for _, c in at))
    singletons = int(((true + false) == 1).sum())
    print(
        f"(the oracle is told each group's answer; {singletons:,} groups hold a single pair, "
        f"which it always ranks right: its bound is loose, never tight; "
        f"{time.perf_counter() - started:.0f} s in all)"
    )


if __name__ == "__main__":
    main()
