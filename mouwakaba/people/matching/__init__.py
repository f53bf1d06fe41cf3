"""Duplicate detection for the registry of persons: pure functions, no database.

Comparing two records::

    result = compare(a, b, match_threshold=..., possible_threshold=..., stats=...)
    result.score       # 0..1, the probability that a and b are one person
    result.level       # "match", "possible" or None
    result.evidence    # per comparison: .code ("given_name:variant"), .outcome, .weight

At registration (the database keeps a ``(person_id, key)`` table, indexed on key, holding
``blocking_keys(p)`` and ``frequency_keys(p)`` of every person ``p``):

1. count the stored rows of ``lookup_keys(new)`` and ``frequency_keys(new)`` (one
   ``GROUP BY key`` query);
2. fetch the persons filed under ``keys_within_budget(counts of the lookup keys)``: a few
   hundred at most, whatever the size of the registry;
3. ``compare`` each with ``stats=RegistryStats(size=persons, counts=the frequency counts)``
   and show the "match" and "possible" ones, best first, with their evidence.

In a batch run, ``candidate_pairs(records)`` gives the pairs to compare, as if the records
had been registered one after the other. Keys depend on ``BLOCKING_VERSION``: when it
changes, recompute every stored key.

Names are compared across scripts and spellings (``names.py``, ``variants.py``), every
piece of evidence gets a level (``comparisons.py``), the levels weigh as in a
Fellegi–Sunter model (``model.py``), blocking keys keep the candidates few
(``blocking.py``); ``matcher.py`` ties them together. The data (variant tables, weights)
is under ``data/matching/``.
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
