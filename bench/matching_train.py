"""Estimate the weights of the matcher on labelled synthetic registries.

    .venv/bin/python bench/matching_train.py            # print the estimates
    .venv/bin/python bench/matching_train.py --write    # and write data/matching/weights.json

Two steps, on registries from ``matching_data.py`` (seed 101, not a seed the benchmark or
the tests use).

1. m and u, as Fellegi–Sunter counts them. On 100,000 records, count each comparison's
levels over all true pairs (m) and over random pairs of different persons (u), and how
many other records a person has (the prior). Which reading of the names (straight or
swapped) a pair gets depends on the weights, so the estimate is repeated once from the
first. u is estimated in two parts. For the names, over random pairs: how often two
persons of the registry agree on a name at each level (the term-frequency adjustment
scales this u by how common the name is). For the other evidence (birth, sex,
nationality, phone, documents), over the pairs of different persons that blocking brings
together and whose names agree (both parts at "similar" or better): namesakes, siblings,
fathers and sons — among them the other evidence is not independent of the names
(siblings share a phone and a nationality, namesakes a decade of birth).

2. The weights, fitted (``fit_weights``): a logistic regression over the pairs blocking
brings together in 300,000 records (every true pair and a fifth of the others), one
weight per level, the term-frequency adjustment kept as it is, each weight pulled towards
its log2(m/u). Counting one comparison at a time assumes the evidence independent, and
it is not among the pairs that matter: a common name, a decade of birth and a missing
phone go together. Fitted, the weights rank those pairs better (bench/matching_quality.py
prints the figures). ``--fit-size 0`` keeps log2(m/u).

Counts are smoothed (add-one), and u is floored (``U_FLOOR``): evidence never seen among
different persons in a synthetic registry (two equal document numbers) still happens in a
real one (a relative's passport copied onto the wrong record).

The estimates are only as good as the generator's picture of the desks (how often a
phone changes, a year is approximate, a name is respelt): its rates are documented in
``matching_data.py`` and should be revisited against labelled real pairs when there are.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from matching_data import Registry, generate

from mouwakaba.people.matching import Matcher, MatchModel, PersonRecord, VariantTable, batch
from mouwakaba.people.matching.comparisons import (
    BIRTH_LEVELS,
    CLOSE,
    NAME_LEVELS,
    NAME_RANK,
    SIMILAR,
)
from mouwakaba.people.matching.matcher import (
    BIRTH,
    CROSS,
    DOCUMENTS,
    FAMILY_NAME,
    GIVEN_NAME,
    NAME_ORDER,
    NATIONALITY,
    PHONE,
    SEX,
    STRAIGHT,
    SWAPPED,
)
from mouwakaba.people.matching.model import DEFAULT_WEIGHTS_FILE, LevelWeight
from mouwakaba.people.matching.variants import DATA_DIR, DEFAULT_VARIANT_FILES

SEED = 101
SIZE = 100_000
# The registry the weights are fitted on (the same seed), and how it is sampled.
FIT_SIZE = 300_000
FIT_ROUNDS = 2
NEGATIVE_SHARE = 0.2  # of the blocked pairs of different persons, drawn at random
PULL = 1.0  # how strongly each fitted weight is held to its Fellegi–Sunter value
RANDOM_PAIRS = 600_000
ROUNDS = 2
U_FLOOR = 1e-4
M_FLOOR = 1e-4

# The weight tables: one per comparison, and for names a second one for pairs of names
# that share no script (Arabic only against Latin only).
LEVELS: dict[str, tuple[str, ...]] = {
    GIVEN_NAME: NAME_LEVELS,
    GIVEN_NAME + CROSS: NAME_LEVELS[1:],  # never "exact" across scripts
    FAMILY_NAME: NAME_LEVELS,
    FAMILY_NAME + CROSS: NAME_LEVELS[1:],
    NAME_ORDER: (STRAIGHT, SWAPPED),
    BIRTH: BIRTH_LEVELS,
    SEX: ("agree", "disagree"),
    NATIONALITY: ("agree", "disagree"),
    PHONE: ("agree", "disagree"),
    DOCUMENTS: ("agree", CLOSE, "disagree"),
}
TABLES = tuple(LEVELS)
# The evidence whose u is estimated among blocked pairs whose names agree.
CONDITIONAL = (BIRTH, SEX, NATIONALITY, PHONE, DOCUMENTS)
NAME_TABLES = (GIVEN_NAME, GIVEN_NAME + CROSS, FAMILY_NAME, FAMILY_NAME + CROSS)


def initial_model() -> MatchModel:
    """Rough guesses, only to choose name readings in the first round."""

    def ladder(levels: tuple[str, ...]) -> dict[str, LevelWeight]:
        n = len(levels)
        return {level: LevelWeight(m=(n - i) / n, u=(i + 1) / n) for i, level in enumerate(levels)}

    return MatchModel(duplicates_per_record=0.3, levels={c: ladder(LEVELS[c]) for c in TABLES})


def count_levels(
    matcher: Matcher, records: list[PersonRecord], pairs: Iterable[tuple[int, int]]
) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {c: Counter() for c in TABLES}
    for i, j in pairs:
        for comparison, level in matcher.levels(records[i], records[j]).items():
            if level is not None:
                counts[comparison][level] += 1
    return counts


def namesake_pairs(
    matcher: Matcher, records: list[PersonRecord], person_of: list[int]
) -> list[tuple[int, int]]:
    """Pairs of different persons that blocking compares and whose names agree."""
    prepared = [matcher.prepare(record) for record in records]
    found = []
    for i, j in matcher.candidate_pairs(prepared):
        if person_of[i] == person_of[j]:
            continue
        levels = matcher.levels(prepared[i], prepared[j])
        names = [levels[table] for table in NAME_TABLES if table in levels]
        if (
            all(level is not None and NAME_RANK[level] <= NAME_RANK[SIMILAR] for level in names)
            and len(names) == 2
        ):
            found.append((i, j))
    return found


def random_pairs(person_of: list[int], n: int, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    size = len(person_of)
    pairs: list[tuple[int, int]] = []
    while len(pairs) < n:
        i, j = rng.randrange(size), rng.randrange(size)
        if person_of[i] != person_of[j]:
            pairs.append((i, j))
    return pairs


def probabilities(counts: dict[str, Counter[str]], floor: float) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for comparison in TABLES:
        levels = LEVELS[comparison]
        seen = counts[comparison]
        total = sum(seen.values()) + len(levels)
        table[comparison] = {level: max(floor, (seen[level] + 1) / total) for level in levels}
    return table


# -- fitting the weights on the pairs blocking brings together ---------------------------


# The columns of the fit: one per (weight table, level) that a pair can reach; a missing
# value weighs 0, as in the matcher, so it has no column.
def _columns() -> list[tuple[str, str]]:
    columns = [(table, level) for table in NAME_TABLES for level in LEVELS[table]]
    for table in (NAME_ORDER, BIRTH, SEX, NATIONALITY, PHONE, DOCUMENTS):
        columns += [(table, level) for level in LEVELS[table]]
    return columns


def _design(levels: batch.PairLevels) -> tuple[np.ndarray, np.ndarray]:
    """The fit's columns for each pair (as (pair, column) positions) from the batch's
    level codes."""
    index = {column: k for k, column in enumerate(_columns())}

    def table(name: str, order: tuple[str, ...], missing: int) -> np.ndarray:
        codes = np.full(missing + 1, -1, dtype=np.int64)
        for code, level in enumerate(order):
            codes[code] = index.get((name, level), -1)
        return codes

    rows, cols = [], []
    n = len(levels.birth)
    pair = np.arange(n)
    for comparison, rank, cross in (
        (GIVEN_NAME, levels.given, levels.given_cross),
        (FAMILY_NAME, levels.family, levels.family_cross),
    ):
        for is_cross in (0, 1):
            name = comparison + (CROSS if is_cross else "")
            codes = table(name, NAME_LEVELS, len(NAME_LEVELS))
            at = cross == is_cross
            rows.append(pair[at])
            cols.append(codes[rank[at]])
    order = np.array([index[(NAME_ORDER, STRAIGHT)], index[(NAME_ORDER, SWAPPED)]])
    rows.append(pair)
    cols.append(order[levels.swapped.astype(np.int64)])
    rows.append(pair)
    cols.append(table(BIRTH, BIRTH_LEVELS, len(BIRTH_LEVELS))[levels.birth])
    for name, codes_of in (
        (SEX, levels.sex),
        (NATIONALITY, levels.nationality),
        (PHONE, levels.phone),
    ):
        rows.append(pair)
        cols.append(np.array([-1, index[(name, "agree")], index[(name, "disagree")]])[codes_of])
    rows.append(pair)
    cols.append(
        np.array(
            [
                -1,
                index[(DOCUMENTS, "agree")],
                index[(DOCUMENTS, CLOSE)],
                index[(DOCUMENTS, "disagree")],
            ]
        )[levels.documents]
    )
    r, c = np.concatenate(rows), np.concatenate(cols)
    known = c >= 0
    return r[known], c[known]


def fit_weights(model: MatchModel, variants: VariantTable, registry: Registry) -> MatchModel:
    """The weights that best tell apart, by logistic regression, the pairs blocking brings
    together in ``registry``: its true pairs and a random share of the others. Each level
    keeps one weight and term frequencies still adjust agreeing names and phones (the
    model's u), so the matcher computes scores as before; what changes is that the
    weights are fitted together, on the pairs the matcher actually sees, instead of one
    comparison at a time over random pairs, which counts twice the evidence that
    namesakes share (a common name and a decade of birth). Each weight is pulled towards
    its Fellegi–Sunter value (``PULL``), which is what a rare level keeps."""
    records = registry.records
    person = np.asarray(registry.person_of)
    columns = _columns()
    rng = np.random.default_rng(SEED)
    for round_ in range(FIT_ROUNDS):
        matcher = Matcher(model=model, variants=variants)
        state = batch.prepare_state(records, matcher=matcher, jobs=2)
        found = batch.score_state(state, jobs=2)
        i, j = found.i.astype(np.int64), found.j.astype(np.int64)
        same = person[i] == person[j]
        kept = same | (rng.random(len(same)) < NEGATIVE_SHARE)
        i, j, same = i[kept], j[kept], same[kept]
        sample_weight = np.where(same, 1.0, 1.0 / NEGATIVE_SHARE)
        levels = batch.pair_levels(state, i, j)
        rows, cols = _design(levels)
        x = np.zeros((len(i), len(columns)))
        x[rows, cols] = 1.0
        # What term frequencies add to agreeing names and phones, in bits: fixed.
        offset = batch.frequency_adjustment(state, i, j, levels)
        start = np.array([model.levels[table][level].weight for table, level in columns])
        # The prior of a pair of this registry is the matcher's; the order of the names
        # (always compared) carries the rest of the intercept.
        prior = model.prior_weight(len(records))
        beta = _logistic(x, same, sample_weight, offset + prior, start)
        fitted = dict(zip(columns, beta.tolist(), strict=True))
        # What the fit may not say, whatever this registry's accidents: agreeing on a
        # sex, a nationality, a phone or a document never counts against, disagreeing
        # never for; a crosswise reading of the names is never evidence for a match.
        for table in (SEX, NATIONALITY, PHONE, DOCUMENTS):
            fitted[(table, "agree")] = max(0.0, fitted[(table, "agree")])
            fitted[(table, "disagree")] = min(0.0, fitted[(table, "disagree")])
        fitted[(NAME_ORDER, SWAPPED)] = min(
            fitted[(NAME_ORDER, SWAPPED)], fitted[(NAME_ORDER, STRAIGHT)]
        )
        model = MatchModel(
            duplicates_per_record=model.duplicates_per_record,
            u_floor=model.u_floor,
            levels={
                table: {
                    level: LevelWeight(m=mu.m, u=mu.u, fitted=round(fitted[(table, level)], 4))
                    for level, mu in levels_.items()
                }
                for table, levels_ in model.levels.items()
            },
        )
        print(
            f"fit round {round_ + 1}: {len(i):,} pairs ({int(same.sum()):,} true)", file=sys.stderr
        )
    return model


def _logistic(
    x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, offset: np.ndarray, start: np.ndarray
) -> np.ndarray:
    """Weights in bits maximising the weighted log-likelihood of ``y`` given
    ``x @ beta + offset``, less ``PULL`` times the squared distance to ``start``
    (Newton's method)."""
    ln2 = math.log(2)
    beta = start.copy()
    target = y.astype(np.float64)
    for _ in range(50):
        p = 1 / (1 + np.exp(-ln2 * (x @ beta + offset)))
        gradient = ln2 * (x.T @ (sample_weight * (target - p))) - PULL * (beta - start)
        curvature = ln2 * ln2 * sample_weight * p * (1 - p)
        hessian = (x * curvature[:, None]).T @ x + PULL * np.eye(len(beta))
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-6:
            break
    return beta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write data/matching/weights.json")
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--fit-size",
        type=int,
        default=FIT_SIZE,
        help="records of the registry the weights are fitted on (0: Fellegi–Sunter weights)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_WEIGHTS_FILE)
    parser.add_argument(
        "--variants",
        nargs="*",
        default=list(DEFAULT_VARIANT_FILES),
        help="variant tables under data/matching/ (default: all)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    registry = generate(args.size, args.seed)
    records = registry.records
    truth = sorted(registry.true_pairs())
    others = random_pairs(registry.person_of, RANDOM_PAIRS, args.seed)
    duplicates_per_record = round(2 * len(truth) / len(records), 6)
    variants = VariantTable.from_files(DATA_DIR / name for name in args.variants)
    model = initial_model()
    comparisons: dict[str, dict[str, dict[str, float]]] = {}
    for round_ in range(ROUNDS):
        matcher = Matcher(model=model, variants=variants)
        m = probabilities(count_levels(matcher, records, truth), M_FLOOR)
        u = probabilities(count_levels(matcher, records, others), U_FLOOR)
        namesakes = namesake_pairs(matcher, records, registry.person_of)
        u_rest = probabilities(count_levels(matcher, records, namesakes), U_FLOOR)
        for comparison in CONDITIONAL:
            u[comparison] = u_rest[comparison]
        print(f"{len(namesakes)} blocked pairs of namesakes", file=sys.stderr)
        # The order of the names: u among the blocked pairs of different persons whose
        # names agree (one way or the other). A crosswise reading is never taken as
        # evidence FOR a match, whatever the synthetic registry says (real registries of
        # Mashreq names, where a family name is a father's given name, hold many
        # "Ahmed Osman" / "Osman Ahmed" pairs of two persons): u(swapped) is at least
        # m(swapped), so a swap costs between 0 bits and what its rarity says.
        order_u = u_rest[NAME_ORDER]
        u[NAME_ORDER] = {
            STRAIGHT: order_u[STRAIGHT],
            SWAPPED: max(
                order_u[SWAPPED],
                m[NAME_ORDER][SWAPPED] * order_u[STRAIGHT] / m[NAME_ORDER][STRAIGHT],
            ),
        }
        comparisons = {
            c: {
                level: {"m": round(m[c][level], 6), "u": round(u[c][level], 7)}
                for level in LEVELS[c]
            }
            for c in TABLES
        }
        model = MatchModel(
            duplicates_per_record=duplicates_per_record,
            u_floor=U_FLOOR,
            levels={
                c: {level: LevelWeight(**mu) for level, mu in levels.items()}
                for c, levels in comparisons.items()
            },
        )
        print(f"round {round_ + 1} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    if args.fit_size:
        fit_on = generate(args.fit_size, args.seed)
        model = fit_weights(model, variants, fit_on)
        for c in TABLES:
            for level in LEVELS[c]:
                comparisons[c][level]["weight"] = model.levels[c][level].weight
        print(f"weights fitted ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    output = {
        "about": (
            "weights of the duplicate matcher: m/u probabilities counted, and each level's "
            "weight fitted, by bench/matching_train.py on labelled synthetic registries; do "
            "not edit by hand, re-run the script."
        ),
        "registry": {
            "generator": "bench/matching_data.py",
            "seed": args.seed,
            "records": len(records),
            "true_pairs": len(truth),
            "random_pairs": len(others),
            "u_of_names": "random pairs of different persons",
            "u_of_the_rest": "blocked pairs of different persons whose names agree",
            "weights": (
                f"fitted on the blocked pairs of {args.fit_size} records of the same seed "
                "(logistic regression, each weight pulled towards log2(m/u))"
                if args.fit_size
                else "log2(m/u)"
            ),
        },
        "duplicates_per_record": duplicates_per_record,
        "u_floor": U_FLOOR,
        "comparisons": comparisons,
    }
    text = json.dumps(output, indent=2, ensure_ascii=False) + "\n"
    for comparison, levels in comparisons.items():
        weights = ", ".join(
            f"{level} {model.levels[comparison][level].weight:+.1f}" for level in levels
        )
        print(f"{comparison:12} {weights}")
    print(f"duplicates per record {duplicates_per_record}")
    if args.write:
        args.output.write_text(text, encoding="utf-8")
        print(f"written to {args.output}")


if __name__ == "__main__":
    main()
