"""Estimate the m and u probabilities of the matcher from a labelled synthetic registry.

    .venv/bin/python bench/matching_train.py            # print the estimates
    .venv/bin/python bench/matching_train.py --write    # and write data/matching/weights.json

On a registry from ``matching_data.py`` (seed 101, not a seed the benchmark or the tests
use), count each comparison's levels over all true pairs (m) and over random pairs of
different persons (u), and how many other records a person has (the prior). Which
reading of the names (straight or swapped) a pair gets depends on the weights, so the
estimate is repeated once from the first (a third round changes nothing visible).

u is estimated in two parts. For the names, over random pairs: how often two persons of
the registry agree on a name at each level. For the other evidence (birth, sex,
nationality, phone, documents), over the pairs of different persons that blocking brings
together and whose names agree (both parts at "similar" or better): namesakes, siblings,
fathers and sons. Those are the pairs the weights must tell apart, and among them the
other evidence is not independent of the names — siblings share a phone and a
nationality, namesakes a decade of birth — so weighing it by its frequency among random
pairs (a shared phone +12.7 bits, a shared nationality +2.6) is what let families through
as "match". The factorisation is P(names | different) · P(rest | names agree, different).

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
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from matching_data import generate

from mouwakaba.people.matching import Matcher, MatchModel, PersonRecord, VariantTable
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write data/matching/weights.json")
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--seed", type=int, default=SEED)
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
    output = {
        "about": (
            "m/u probabilities of the duplicate matcher, estimated by bench/matching_train.py "
            "on a labelled synthetic registry; do not edit by hand, re-run the script."
        ),
        "registry": {
            "generator": "bench/matching_data.py",
            "seed": args.seed,
            "records": len(records),
            "true_pairs": len(truth),
            "random_pairs": len(others),
            "u_of_names": "random pairs of different persons",
            "u_of_the_rest": "blocked pairs of different persons whose names agree",
        },
        "duplicates_per_record": duplicates_per_record,
        "u_floor": U_FLOOR,
        "comparisons": comparisons,
    }
    text = json.dumps(output, indent=2, ensure_ascii=False) + "\n"
    for comparison, levels in comparisons.items():
        weights = ", ".join(
            f"{level} {LevelWeight(**mu).weight:+.1f}" for level, mu in levels.items()
        )
        print(f"{comparison:12} {weights}")
    print(f"duplicates per record {duplicates_per_record}")
    if args.write:
        args.output.write_text(text, encoding="utf-8")
        print(f"written to {args.output}")


if __name__ == "__main__":
    main()
