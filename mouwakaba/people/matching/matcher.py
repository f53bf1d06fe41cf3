"""Comparing two records: every piece of evidence weighed, summed, and explained."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from . import blocking
from .comparisons import (
    AGREE,
    APPROXIMATE,
    CLOSE,
    COARSE,
    DATE_EXACT,
    DATE_SWAPPED,
    DATE_TYPO,
    DIFFERENT,
    EXACT,
    NAME_RANK,
    PARTIAL,
    SIMILAR,
    SKELETON,
    SKELETON_SHORT,
    VARIANT,
    YEAR,
    YEAR_DATES_DIFFER,
    YEAR_NEAR,
    compare_birth,
    compare_documents,
    compare_forms,
    compare_values,
)
from .features import NameForm, NameFormCache, PreparedRecord, prepare_record
from .model import MatchModel, probability
from .records import PersonRecord
from .variants import VariantTable

# Defaults for the thresholds on the score (the posterior probability that the two
# records are one person); the application reads MATCH_THRESHOLD and POSSIBLE_THRESHOLD
# from settings, which should carry these values. Chosen on the synthetic benchmark
# (bench/matching_quality.py, 100,000 and 1,000,000 records): "match" where the precision
# of "match" reaches 0.995 (0.997 at 100,000 records), "possible" low enough that a
# person written «محمد بن علي» in one file and "Mohamed Benali", a year of birth only, in
# another, is shown to the agent in a registry of 100,000.
DEFAULT_MATCH_THRESHOLD = 0.99
DEFAULT_POSSIBLE_THRESHOLD = 0.2

MatchLevel = Literal["match", "possible"]
Outcome = Literal["agree", "partial", "disagree", "missing"]

# The comparisons, in the order the explanation lists them.
GIVEN_NAME = "given_name"
FAMILY_NAME = "family_name"
NAME_ORDER = "name_order"
BIRTH = "birth"
SEX = "sex"
NATIONALITY = "nationality"
PHONE = "phone"
DOCUMENTS = "documents"
COMPARISONS = (GIVEN_NAME, FAMILY_NAME, NAME_ORDER, BIRTH, SEX, NATIONALITY, PHONE, DOCUMENTS)

STRAIGHT = "straight"
SWAPPED = "swapped"

# What a level means for a person reading the explanation (a colour, an icon).
_OUTCOMES: dict[str, Outcome] = {
    EXACT: "agree",
    VARIANT: "agree",
    SKELETON: "agree",
    SKELETON_SHORT: "partial",
    COARSE: "partial",
    SIMILAR: "partial",
    PARTIAL: "partial",
    DIFFERENT: "disagree",  # also BIRTH_DIFFERENT and DISAGREE: the same word
    DATE_EXACT: "agree",
    YEAR: "agree",
    DATE_SWAPPED: "partial",
    DATE_TYPO: "partial",
    YEAR_NEAR: "partial",
    APPROXIMATE: "partial",
    YEAR_DATES_DIFFER: "disagree",
    AGREE: "agree",
    CLOSE: "partial",
    STRAIGHT: "agree",
    SWAPPED: "partial",
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One line of the explanation: which comparison, at which level, how much it weighed.

    ``code`` ("given_name:variant", "birth:year_near", "phone:missing") is what a UI
    translates: a comparison of ``COMPARISONS`` and a level of ``comparisons.py`` (or
    "missing"). ``outcome`` says how to show it; ``weight`` is in bits (positive for a
    match, negative against).
    """

    comparison: str
    level: str | None  # None: one side or both did not know
    weight: float

    @property
    def code(self) -> str:
        return f"{self.comparison}:{self.level or 'missing'}"

    @property
    def outcome(self) -> Outcome:
        return "missing" if self.level is None else _OUTCOMES[self.level]


@dataclass(frozen=True, slots=True)
class MatchResult:
    score: float  # 0..1, the probability that both records are one person
    level: MatchLevel | None
    weight: float  # the match weight in bits, prior included
    evidence: tuple[Evidence, ...]

    @property
    def known_evidence(self) -> list[str]:
        """The codes of the comparisons both records could make (what is stored and
        shown: a missing value is no evidence)."""
        return [e.code for e in self.evidence if e.level is not None]

    @property
    def names_swapped(self) -> bool:
        return any(e.comparison == NAME_ORDER and e.level == SWAPPED for e in self.evidence)


def classify(
    score: float, *, match_threshold: float, possible_threshold: float
) -> MatchLevel | None:
    if score >= match_threshold:
        return "match"
    if score >= possible_threshold:
        return "possible"
    return None


RecordLike = PersonRecord | PreparedRecord

# A registry of this size is assumed when none is given; the prior scales with it.
DEFAULT_REGISTRY_SIZE = 100_000

# Levels at which two values "agree", for the term-frequency adjustment.
_NAME_AGREE = (EXACT, VARIANT, SKELETON, SKELETON_SHORT)
_PHONE_AGREE = (AGREE,)
# Name levels that no swapped reading can beat.
_STRONG = (EXACT, VARIANT, SKELETON)
# The weight tables of names compared across scripts: "given_name.cross".
CROSS = ".cross"
# A name part's level and the weight table it is read from.
_Part = tuple[str | None, str]


@dataclass(frozen=True, slots=True)
class RegistryStats:
    """What the registry looks like, for weighing agreement on common values.

    ``size``: how many persons the registry holds. ``counts``: how many persons carry
    each frequency key (see ``frequency_keys``); a key that is absent counts once. The
    database keeps these keys beside the blocking keys and counts them in the same query.
    """

    size: int = DEFAULT_REGISTRY_SIZE
    counts: Mapping[str, int] = field(default_factory=dict)

    def frequency(self, a: str, b: str = "") -> float:
        """The share of the registry holding the commoner of two values."""
        return max(self.counts.get(a, 1), self.counts.get(b, 1)) / max(1, self.size)


_NO_STATS = RegistryStats()


def _frequency_keys(record: PreparedRecord) -> tuple[str, ...]:
    """The keys whose counts weigh agreement: given name, family name, phone."""
    keys = (record.given_key, record.family_key, f"p:{record.phone}" if record.phone else "")
    return tuple(key for key in keys if key)


class Matcher:
    """A model and a variant table, with the caches that make comparing fast.

    Deterministic: the same records, weights, tables and stats always give the same
    result. The caches are plain dictionaries, bounded; threads may share a matcher (a
    race at worst computes an entry twice).
    """

    def __init__(self, *, model: MatchModel, variants: VariantTable) -> None:
        self.model = model
        self.variants = variants
        self._forms = NameFormCache(variants)
        self._part_levels: dict[tuple[str, str], tuple[str, bool]] = {}
        self._form_levels: dict[tuple[str, str], str] = {}
        self._name_levels: dict[tuple[str, str, str, str], tuple[_Part, _Part, str]] = {}
        # Term-frequency weights by (table, level, frequency): frequencies are counts over
        # one registry size, so few distinct values recur across millions of pairs.
        self._frequency_weights: dict[tuple[str, str, float], float] = {}

    def prepare(self, record: RecordLike) -> PreparedRecord:
        if isinstance(record, PreparedRecord):
            return record
        return prepare_record(record, self._forms)

    def blocking_keys(self, record: RecordLike) -> tuple[str, ...]:
        return blocking.blocking_keys(self.prepare(record))

    def lookup_keys(self, record: RecordLike) -> tuple[str, ...]:
        return blocking.lookup_keys(self.prepare(record))

    def frequency_keys(self, record: RecordLike) -> tuple[str, ...]:
        return _frequency_keys(self.prepare(record))

    def candidate_pairs(
        self,
        records: Sequence[RecordLike],
        *,
        budget: int = blocking.DEFAULT_CANDIDATE_BUDGET,
        max_block_size: int = blocking.DEFAULT_MAX_BLOCK_SIZE,
    ) -> Iterator[tuple[int, int]]:
        return blocking.candidate_pairs(
            records,
            lambda record: blocking.record_keys(self.prepare(record)),
            budget=budget,
            max_block_size=max_block_size,
        )

    def compare(
        self,
        a: RecordLike,
        b: RecordLike,
        *,
        match_threshold: float,
        possible_threshold: float,
        stats: RegistryStats | None = None,
    ) -> MatchResult:
        pa, pb = self.prepare(a), self.prepare(b)
        stats = stats or _NO_STATS
        levels, weights, _ = self._weigh(pa, pb, stats)
        weight = self.model.prior_weight(stats.size) + sum(weights)
        # A record against itself is certain. Two registrations alike in every field are
        # not: namesakes registered from a name and a year alone look exactly alike
        # ("Abdoulaye Fofana, 2008, SN" twice is two persons as often as one in the
        # benchmark), so they are weighed like any pair.
        score = 1.0 if pa.record is pb.record else probability(weight)
        level = classify(
            score, match_threshold=match_threshold, possible_threshold=possible_threshold
        )
        return MatchResult(
            score=score,
            level=level,
            weight=weight,
            evidence=tuple(
                Evidence(comparison, level, w)
                for comparison, level, w in zip(COMPARISONS, levels, weights, strict=True)
            ),
        )

    def score(self, a: RecordLike, b: RecordLike, stats: RegistryStats | None = None) -> float:
        """The score alone (what ``compare`` gives), for batch runs."""
        pa, pb = self.prepare(a), self.prepare(b)
        stats = stats or _NO_STATS
        if pa.record is pb.record:
            return 1.0
        _, weights, _ = self._weigh(pa, pb, stats)
        return probability(self.model.prior_weight(stats.size) + sum(weights))

    def levels(self, a: RecordLike, b: RecordLike) -> dict[str, str | None]:
        """The level of each comparison, keyed by the weight table it is read from
        (``given_name.cross`` when the two names share no script), to estimate them."""
        levels, _, tables = self._weigh(self.prepare(a), self.prepare(b), _NO_STATS)
        return dict(zip(tables, levels, strict=True))

    # -- evidence ---------------------------------------------------------------------

    def _weigh(
        self, a: PreparedRecord, b: PreparedRecord, stats: RegistryStats
    ) -> tuple[tuple[str | None, ...], tuple[float, ...], tuple[str, ...]]:
        """The level, the weight and the weight table of each comparison, in the order
        of COMPARISONS."""
        model = self.model
        weights = model.weights
        (given, given_table), (family, family_table), order = self._names(a, b)
        birth = compare_birth(a.birth, b.birth)
        sex = compare_values(a.sex, b.sex)
        nationality = compare_values(a.nationality, b.nationality)
        phone = compare_values(a.phone, b.phone)
        documents = compare_documents(a.documents, b.documents)
        given_weight = weights[given_table][given]
        family_weight = weights[family_table][family]
        phone_weight = weights[PHONE][phone]
        if stats.counts:
            # Term frequencies: agreeing on a common value weighs less, on a rare one more.
            if given in _NAME_AGREE:
                frequency = stats.frequency(a.given_key, b.given_key)
                given_weight = self._frequency_weight(given_table, given, _NAME_AGREE, frequency)
            if family in _NAME_AGREE:
                frequency = stats.frequency(a.family_key, b.family_key)
                family_weight = self._frequency_weight(family_table, family, _NAME_AGREE, frequency)
            if phone == AGREE:
                # Only ever lowered: a phone many give (an association's) says little,
                # but a rare one says no more than the table, which is estimated among
                # relatives and namesakes, who share phones (a father and his son).
                frequency = stats.frequency(f"p:{a.phone}")
                phone_weight = min(
                    phone_weight, self._frequency_weight(PHONE, AGREE, _PHONE_AGREE, frequency)
                )
        return (
            (given, family, order, birth, sex, nationality, phone, documents),
            (
                given_weight,
                family_weight,
                weights[NAME_ORDER][order],
                weights[BIRTH][birth],
                weights[SEX][sex],
                weights[NATIONALITY][nationality],
                phone_weight,
                weights[DOCUMENTS][documents],
            ),
            (given_table, family_table, NAME_ORDER, BIRTH, SEX, NATIONALITY, PHONE, DOCUMENTS),
        )

    def _frequency_weight(
        self, table: str, level: str, agree_levels: tuple[str, ...], frequency: float
    ) -> float:
        key = (table, level, frequency)
        weight = self._frequency_weights.get(key)
        if weight is None:
            if len(self._frequency_weights) > 100_000:
                self._frequency_weights.clear()  # bounded; recomputing is cheap
            weight = self.model.frequency_weight(table, level, agree_levels, frequency)
            self._frequency_weights[key] = weight
        return weight

    def _names(self, a: PreparedRecord, b: PreparedRecord) -> tuple[_Part, _Part, str]:
        """Given and family levels (each with its weight table), straight or swapped,
        whichever agrees best.

        Swapping is common at the desk (the family name written first, as on some papers
        or in a roll call). Taking the better of two readings would flatter namesakes
        ("Ahmed Osman" and "Osman Ahmed" are two persons as often as one), so a swap
        costs what its rarity among true duplicates says (see ``bench/matching_train.py``).
        """
        key = (a.given_forms, a.family_forms, b.given_forms, b.family_forms)
        found = self._name_levels.get(key)
        if found is None:
            if len(self._name_levels) > 300_000:
                self._name_levels.clear()  # bounded; recomputing is cheap
            found = self._name_levels[key] = self._names_uncached(a, b)
        return found

    def _names_uncached(self, a: PreparedRecord, b: PreparedRecord) -> tuple[_Part, _Part, str]:
        weights = self.model.weights
        given = self._part_level(a.given, a.given_forms, b.given, b.given_forms)
        family = self._part_level(a.family, a.family_forms, b.family, b.family_forms)
        straight = (
            (given[0], _table(GIVEN_NAME, given[1])),
            (family[0], _table(FAMILY_NAME, family[1])),
        )
        if given[0] in _STRONG and family[0] in _STRONG:
            return straight[0], straight[1], STRAIGHT  # no swap can do better
        one = self._part_level(a.given, a.given_forms, b.family, b.family_forms)
        other = self._part_level(a.family, a.family_forms, b.given, b.given_forms)

        def weigh(part: tuple[str | None, bool], comparison: str) -> float:
            return weights[_table(comparison, part[1])][part[0]]

        # Which crosswise agreement counts as the given name's: the reading that weighs
        # more (then the better level), so that b against a reads as a against b.
        kept = weigh(one, GIVEN_NAME) + weigh(other, FAMILY_NAME)
        flipped = weigh(other, GIVEN_NAME) + weigh(one, FAMILY_NAME)
        if flipped > kept or (flipped == kept and _rank(other[0]) < _rank(one[0])):
            one, other = other, one
        straight_weight = weigh(given, GIVEN_NAME) + weigh(family, FAMILY_NAME)
        crossed_weight = (
            weigh(one, GIVEN_NAME)
            + weigh(other, FAMILY_NAME)
            + weights[NAME_ORDER][SWAPPED]
            - weights[NAME_ORDER][STRAIGHT]
        )
        if crossed_weight > straight_weight:
            return (
                (one[0], _table(GIVEN_NAME, one[1])),
                (other[0], _table(FAMILY_NAME, other[1])),
                SWAPPED,
            )
        return straight[0], straight[1], STRAIGHT

    def _part_level(
        self, a: tuple[NameForm, ...], a_key: str, b: tuple[NameForm, ...], b_key: str
    ) -> tuple[str | None, bool]:
        """The best level between two name parts, over the scripts each side holds, and
        whether the parts share no script (an Arabic-only name against a Latin-only one
        can at best be a known variant; such pairs are weighed among their own kind)."""
        if not a or not b:
            return (None, False)
        key = (a_key, b_key) if a_key <= b_key else (b_key, a_key)
        found = self._part_levels.get(key)
        if found is None:
            if len(self._part_levels) > 1_000_000:
                self._part_levels.clear()  # bounded; recomputing is cheap
            level = DIFFERENT
            for form_a in a:
                for form_b in b:
                    candidate = self._form_level(form_a, form_b)
                    if NAME_RANK[candidate] < NAME_RANK[level]:
                        level = candidate
            shared = {form.script for form in a} & {form.script for form in b}
            found = self._part_levels[key] = (level, not shared)
        return found

    def _form_level(self, a: NameForm, b: NameForm) -> str:
        """``compare_forms``, remembered: one spelling meets another in many parts (the
        same «محمد» against "Mohamed", whatever the other script of either part)."""
        if b.key < a.key:
            a, b = b, a  # one order, so that no cache's history can change a level
        key = (a.key, b.key)
        level = self._form_levels.get(key)
        if level is None:
            if len(self._form_levels) > 1_000_000:
                self._form_levels.clear()  # bounded; recomputing is cheap
            level = self._form_levels[key] = compare_forms(a, b)
        return level


def _table(comparison: str, cross: bool) -> str:
    """The weight table of a name comparison: ``given_name`` or ``given_name.cross``."""
    return comparison + CROSS if cross else comparison


def _rank(level: str | None) -> int:
    return len(NAME_RANK) if level is None else NAME_RANK[level]


@lru_cache(maxsize=1)
def default_matcher() -> Matcher:
    """The matcher with the versioned weights and variant tables under data/matching/."""
    return Matcher(model=MatchModel.from_json(), variants=VariantTable.default())


def compare(
    a: RecordLike,
    b: RecordLike,
    *,
    match_threshold: float,
    possible_threshold: float,
    stats: RegistryStats | None = None,
) -> MatchResult:
    """Compare two records with the default matcher."""
    return default_matcher().compare(
        a, b, match_threshold=match_threshold, possible_threshold=possible_threshold, stats=stats
    )


def blocking_keys(record: RecordLike) -> tuple[str, ...]:
    """The keys to file a record under (to store)."""
    return default_matcher().blocking_keys(record)


def lookup_keys(record: RecordLike) -> tuple[str, ...]:
    """The keys to look a record's candidates up under."""
    return default_matcher().lookup_keys(record)


def candidate_pairs(
    records: Sequence[RecordLike],
    *,
    budget: int = blocking.DEFAULT_CANDIDATE_BUDGET,
    max_block_size: int = blocking.DEFAULT_MAX_BLOCK_SIZE,
) -> Iterator[tuple[int, int]]:
    """Pairs of positions (i < j) in ``records`` worth comparing, for batch runs."""
    return default_matcher().candidate_pairs(records, budget=budget, max_block_size=max_block_size)


def frequency_keys(record: RecordLike) -> tuple[str, ...]:
    """The keys to count, for ``RegistryStats`` (store them beside the blocking keys)."""
    return default_matcher().frequency_keys(record)


def prepare(record: PersonRecord) -> PreparedRecord:
    """A record prepared once, when it will be compared many times."""
    return default_matcher().prepare(record)


def prepare_all(records: Iterable[PersonRecord]) -> list[PreparedRecord]:
    matcher = default_matcher()
    return [matcher.prepare(record) for record in records]
