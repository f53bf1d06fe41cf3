"""The weights of the evidence: a Fellegi–Sunter model.

For every comparison and level, m is the probability of that level when the two records
are the same person, and u when they are not; the level adds log2(m/u) to the match
weight. The prior is the probability that two records of the registry, taken at random,
are the same person: a person has ``duplicates_per_record`` other records on average, so
the prior shrinks as the registry grows (agreeing on "Mohamed Alaoui, 1990" means less
among a million persons than among ten thousand). The score is the posterior probability,
1 / (1 + 2^-weight).

The weights are not set by hand: ``bench/matching_train.py`` counts m and u on a labelled
synthetic registry from ``bench/matching_data.py`` — m over its true pairs, u over random
pairs — then fits every level's weight together (a logistic regression over the pairs
blocking brings together, each weight pulled towards its log2(m/u)), and writes
``data/matching/weights.json``, which is versioned with the code. Fitted, the weights no
longer count twice what namesakes share (a common name and a decade of birth go
together): at 1,000,000 records the recall of ``match`` rose from 0.36 to 0.45 at the
same precision. Re-run the script when a comparison or its levels change; the test suite
checks that every level the code can produce has a weight.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .variants import DATA_DIR

DEFAULT_WEIGHTS_FILE = DATA_DIR / "weights.json"


@dataclass(frozen=True, slots=True)
class LevelWeight:
    m: float
    u: float
    # The weight fitted on labelled pairs, where there is one (see ``bench/matching_train.py``);
    # otherwise the level weighs log2(m/u).
    fitted: float | None = None

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u) if self.fitted is None else self.fitted


@dataclass(frozen=True, slots=True)
class MatchModel:
    duplicates_per_record: float  # other records of the same person, on average
    levels: Mapping[str, Mapping[str, LevelWeight]]  # comparison → level → m, u
    # No u below this, whatever the counts: evidence never seen among different persons in
    # a synthetic registry (two equal document numbers) still happens in a real one.
    u_floor: float = 1e-4
    # The weight of every level, and 0 for a missing value (None): looked up per pair.
    weights: Mapping[str, Mapping[str | None, float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: dict[str, dict[str | None, float]] = {}
        for comparison, levels in self.levels.items():
            table[comparison] = {level: mu.weight for level, mu in levels.items()}
            table[comparison][None] = 0.0
        object.__setattr__(self, "weights", table)

    def prior_weight(self, registry_size: int) -> float:
        """log2 of the prior odds that two records of a registry of that size match."""
        prior = min(0.5, self.duplicates_per_record / max(1, registry_size - 1))
        return math.log2(prior / (1 - prior))

    def weight(self, comparison: str, level: str | None) -> float:
        return self.weights[comparison][level]

    def frequency_weight(
        self, comparison: str, level: str, agree_levels: tuple[str, ...], frequency: float
    ) -> float:
        """The weight of agreeing on a value that a share ``frequency`` of the registry
        holds (term-frequency adjustment): agreeing on "Mohamed" says less than the
        average name, on "Zerhouni" more; a phone that 300 persons gave says little.
        u is scaled from the average chance of agreeing (any of ``agree_levels``) to
        this value's chance, and floored like every u; the level's weight moves by as
        many bits as u did.

        (Lowering weights only, never raising them, was tried: it trades recall for
        precision at a fixed threshold but ranks pairs no better — best F1 0.799 both
        ways at 100,000 records — and leaves the scores less calibrated.)"""
        levels = self.levels[comparison]
        average = sum(levels[name].u for name in agree_levels if name in levels)
        known = levels[level]
        return known.weight + math.log2(known.u / max(self.u_floor, known.u * frequency / average))

    @classmethod
    def from_json(cls, path: Path = DEFAULT_WEIGHTS_FILE) -> MatchModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            duplicates_per_record=float(data["duplicates_per_record"]),
            u_floor=float(data["u_floor"]),
            levels={
                comparison: {
                    level: LevelWeight(
                        m=float(mu["m"]),
                        u=float(mu["u"]),
                        fitted=float(mu["weight"]) if "weight" in mu else None,
                    )
                    for level, mu in levels.items()
                }
                for comparison, levels in data["comparisons"].items()
            },
        )


def probability(weight: float) -> float:
    """Posterior probability from a match weight in bits, without overflow."""
    if weight >= 0:
        return 1.0 / (1.0 + 2.0**-weight)
    odds = 2.0**weight
    return odds / (1.0 + odds)
