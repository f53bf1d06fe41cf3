"""Duplicate detection for the registry of persons: pure functions, no database.

    from mouwakaba.people.matching import PersonRecord, compare, blocking_keys

    result = compare(a, b, match_threshold=..., possible_threshold=...)
    result.score, result.level, [e.code for e in result.evidence]

Names are compared across scripts and spellings (``names.py``, ``variants.py``), every
piece of evidence gets a level (``comparisons.py``), the levels weigh as in a
Fellegi–Sunter model (``model.py``) and blocking keys keep the candidates few
(``blocking.py``). ``matcher.py`` ties them together.
"""

from .blocking import (
    BLOCKING_VERSION,
    DEFAULT_CANDIDATE_BUDGET,
    DEFAULT_MAX_BLOCK_SIZE,
    keys_within_budget,
)
from .features import PreparedRecord
from .matcher import (
    COMPARISONS,
    DEFAULT_MATCH_THRESHOLD,
    DEFAULT_POSSIBLE_THRESHOLD,
    Evidence,
    Matcher,
    MatchLevel,
    MatchResult,
    Outcome,
    RegistryStats,
    blocking_keys,
    candidate_pairs,
    classify,
    compare,
    default_matcher,
    frequency_keys,
    lookup_keys,
    prepare,
    prepare_all,
)
from .model import MatchModel
from .names import coarse, skeleton
from .records import PersonRecord
from .variants import VariantTable

__all__ = [
    "BLOCKING_VERSION",
    "COMPARISONS",
    "DEFAULT_CANDIDATE_BUDGET",
    "DEFAULT_MATCH_THRESHOLD",
    "DEFAULT_MAX_BLOCK_SIZE",
    "DEFAULT_POSSIBLE_THRESHOLD",
    "Evidence",
    "MatchLevel",
    "MatchModel",
    "MatchResult",
    "Matcher",
    "Outcome",
    "PersonRecord",
    "PreparedRecord",
    "RegistryStats",
    "VariantTable",
    "blocking_keys",
    "candidate_pairs",
    "classify",
    "coarse",
    "compare",
    "default_matcher",
    "frequency_keys",
    "keys_within_budget",
    "lookup_keys",
    "prepare",
    "prepare_all",
    "skeleton",
]
