"""Blocking: the few keys under which a record is filed, so that finding the candidates
for a record is a look-up of its keys, never a scan of the registry.

A record is filed under its ``blocking_keys`` (a ``(person_id, key)`` table with an index
on ``key``) and looks for its candidates under its ``lookup_keys``; the two are the same
but for two pairs of one-way keys below, built so that a's look-up finds b exactly when
b's look-up finds a: looking up a new record's keys among the stored ones finds every
candidate a batch run over the whole registry would pair it with. Keys are plain,
deterministic strings built from skeletons only, never from the variant table or the
weights: they change only when the skeleton code changes, and then ``BLOCKING_VERSION``
changes with them and every stored key must be recomputed.

The keys (g = coarse skeleton of the first given word, and of the whole given name when
it has several words, which a desk may write joined; f = coarse skeleton of the whole
family name, y = the year of birth: a record is filed under its year and looks up the
years either side, so that a year off still meets; a record whose year is approximate is
filed, for the ``n`` and ``s``/``t`` keys, under every year within ``APPROXIMATE_SPREAD``
of it, and looks up, for the ``n`` keys, a year beyond, so that "about 30" meets a birth
date five years off):

- ``n:{g|f}:{y}`` both names, in either order (swapped names meet), and the year;
- ``g:{g}:{f'}:{y}`` the given name, the family name with one letter left out, the year:
  two family names one typo apart share an ``f'`` (see ``_one_deletion``);
- ``f:{f}:{g'}:{y}`` the same with the roles exchanged. These two take the year itself
  only, not the years either side: a typo and a year off together are rare, and the
  one-letter-off names are many ("Mehdi" is "Mohamed" with a letter left out). Measured
  at 100,000 records, the years either side added 12 % to the pairs compared and one
  true pair in 10,000 to those found at "possible", none at "match";
- ``a:{g|f}`` both names, no year, for the records whose year is missing: every record
  is filed under it, but only those records look it up; the others look up ``u:{g|f}``,
  under which only those records are filed. So "Mohamed Alaoui, born 1990" is not
  compared with every Mohamed Alaoui, only with those of unknown age (an approximate
  year is a year: its ``n`` keys span the tolerance);
- ``s:{g}:{y}`` and ``t:{g}:{y}`` the given name and the year, the same way round for
  the records without a family name: they look up ``s`` (under which all are filed),
  the others look up ``t`` (under which only they are filed). These two take the year
  itself only, not the years either side: a given name and a year make large blocks;
- ``p:{phone}`` and ``d:{document}``: strong evidence by themselves.

Names are read in each script the record holds and, where the article may or may not be
part of the name, both ways; a key that several readings give is filed once.

A key shared by too many records says little and would flood the comparison; such keys
are left out, by ``keys_within_budget`` at registration time and by ``max_block_size``
in ``candidate_pairs``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TypeVar

from .features import NameForm, PreparedRecord

BLOCKING_VERSION = "4"

# An approximate year ("about 25 years old") is filed under the years this far either
# side: desks' estimates are seldom further off.
APPROXIMATE_SPREAD = 4
# Leaving a letter out of a two-letter skeleton leaves one letter, which many names share:
# measured at 100,000 records, allowing it raises the pairs compared by 60 % for 0.35 % more
# true pairs blocked.
MIN_DELETION_LENGTH = 3

# At registration, the candidates fetched for one record: a few hundred comparisons take
# a few milliseconds. Keys are taken from the most selective up, while they fit.
DEFAULT_CANDIDATE_BUDGET = 300
# A key filed under more records than this is skipped: at 1,000,000 persons only the
# commonest name pairs and shared phones (an association's number) reach it.
DEFAULT_MAX_BLOCK_SIZE = 150

# Records whose names give more readings (article kept or dropped, both scripts) would
# multiply keys; the likeliest readings are enough.
_MAX_READINGS_PER_PART = 2

T = TypeVar("T")


def blocking_keys(record: PreparedRecord) -> tuple[str, ...]:
    """The keys a record is filed under, sorted and without repeats."""
    return record_keys(record)[0]


def lookup_keys(record: PreparedRecord) -> tuple[str, ...]:
    """The keys to look a record's candidates up under, sorted and without repeats."""
    return record_keys(record)[1]


def record_keys(record: PreparedRecord) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Both at once: the keys to file a record under, and to look it up under."""
    filed: set[str] = set()
    wanted: set[str] = set()
    given = _readings(record.given, first_word_only=True)
    family = _readings(record.family, first_word_only=False)
    birth = record.birth
    # The years a record may have been born in: its year, or for an approximate year
    # ("about 25") the years within the tolerance. Filed under each, looked up a year
    # either side of each: two records meet when their ranges come within a year.
    years: range | None = None
    if birth is not None:
        spread = APPROXIMATE_SPREAD if birth.approximate else 0
        years = range(birth.year - spread, birth.year + spread + 1)
    pairs = ["|".join(sorted((g, f))) for g in given or [""] for f in family or [""]]
    for pair in pairs:
        # One-way: a record of known age meets the records of unknown age only.
        if years is not None:
            filed.add(f"a:{pair}")
            wanted.add(f"u:{pair}")
        else:
            filed.update((f"a:{pair}", f"u:{pair}"))
            wanted.add(f"a:{pair}")
    typos: list[str] = []  # the typo-tolerant keys, which take the year too
    for g in given:
        for f in family:
            typos.extend(f"g:{g}:{v}" for v in _one_deletion(f))
            typos.extend(f"f:{f}:{v}" for v in _one_deletion(g))
        # One-way: a record with a family name meets the records without one only.
        if years is not None and family:
            filed.update(f"s:{g}:{year}" for year in years)
            wanted.update(f"t:{g}:{year}" for year in years)
        elif years is not None:
            filed.update(f"{kind}:{g}:{year}" for kind in "st" for year in years)
            wanted.update(f"s:{g}:{year}" for year in years)
    if birth is not None and years is not None:
        around = _around(years)
        filed.update(f"n:{pair}:{year}" for pair in pairs for year in years)
        wanted.update(f"n:{pair}:{near}" for pair in pairs for near in around)
        # The typo-tolerant keys only under the likeliest year, and looked up under it
        # only (see above).
        year = birth.year
        dated = [f"{key}:{year}" for key in typos]
        filed.update(dated)
        wanted.update(dated)
    strong = {f"d:{number}" for number in record.documents}
    if record.phone:
        strong.add(f"p:{record.phone}")
    return tuple(sorted(filed | strong)), tuple(sorted(wanted | strong))


def _around(years: range) -> range:
    return range(years.start - 1, years.stop + 1)


def _readings(forms: tuple[NameForm, ...], first_word_only: bool) -> list[str]:
    readings: list[str] = []
    for form in forms:
        if first_word_only:
            candidates = form.first_coarse[:_MAX_READINGS_PER_PART]
            if len(form.tokens) > 1:
                # A compound given name is also written joined ("Fatimazahra",
                # "Mohammedmustafa"), which has one word: the whole name is a reading too.
                candidates += form.coarse_skeletons[:1]
        else:
            candidates = form.coarse_skeletons[:_MAX_READINGS_PER_PART]
        for reading in candidates:
            # A name of vowels only ("Aya", «آية») has an empty skeleton: "_" stands in.
            reading = reading or "_"
            if reading not in readings:
                readings.append(reading)
    return readings


@lru_cache(maxsize=65536)
def _one_deletion(skeleton: str) -> tuple[str, ...]:
    """The skeleton and its forms with one letter left out: two skeletons one typo apart
    (a letter changed, added or dropped) share one of these."""
    if len(skeleton) < MIN_DELETION_LENGTH:
        return (skeleton,)
    shorter = (skeleton[:i] + skeleton[i + 1 :] for i in range(len(skeleton)))
    return tuple(dict.fromkeys((skeleton, *shorter)))


def keys_within_budget(
    key_counts: Mapping[str, int],
    *,
    budget: int = DEFAULT_CANDIDATE_BUDGET,
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
) -> list[str]:
    """Which of a record's lookup keys to fetch candidates under, given how many stored
    records carry each key (one grouped count over the key table).

    Phone and document keys come first, then the most selective keys; a key is taken
    while the running total of records stays within ``budget``, and never when it alone
    exceeds ``max_block_size``.
    """

    def order(item: tuple[str, int]) -> tuple[int, int, str]:
        key, count = item
        return (_strength(key), count, key)

    chosen: list[str] = []
    total = 0
    for key, count in sorted(key_counts.items(), key=order):
        if count > max_block_size or total + count > budget:
            continue
        chosen.append(key)
        total += count
    return chosen


def candidate_pairs(
    records: Sequence[T],
    keys_of: Callable[[T], tuple[tuple[str, ...], tuple[str, ...]]],
    *,
    budget: int = DEFAULT_CANDIDATE_BUDGET,
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
) -> Iterator[tuple[int, int]]:
    """The pairs (i, j), i < j, to compare in a batch run, as if the records had been
    registered one after the other: record j looks up its keys among the records before
    it, choosing its keys as a registration would (``keys_within_budget``, counting each
    key over the whole batch), so that no record brings more than ``budget`` candidates.
    ``keys_of`` gives a record's (filed, looked up) keys. Pairs come ordered by j, then i.
    """
    wanted: list[tuple[str, ...]] = []

    def filed_keys() -> Iterator[tuple[str, ...]]:
        for record in records:
            stored, looked_up = keys_of(record)
            wanted.append(looked_up)
            yield stored

    index = file_records(filed_keys())
    for j, keys in enumerate(wanted):
        yield from ((i, j) for i in partners(j, keys, index, budget, max_block_size))


# The records filed under one key, by position: a key that one record alone carries (most
# of the typo-tolerant keys) holds the position itself, not a list of one, which at
# 1,000,000 records saves the memory of millions of lists.
Block = list[int] | int
Index = dict[str, Block]


def file_records(filed: Iterable[tuple[str, ...]]) -> Index:
    """The records (by position) filed under each key, positions ascending (see
    ``Block``; ``members`` reads one as a sequence)."""
    index: Index = {}
    for position, keys in enumerate(filed):
        for key in keys:
            members = index.get(key)
            if members is None:
                index[key] = position
            elif isinstance(members, int):
                index[key] = [members, position]
            else:
                members.append(position)
    return index


def members(block: Block) -> Sequence[int]:
    """The positions of a block, ascending."""
    return (block,) if isinstance(block, int) else block


def partners(
    j: int,
    looked_up: Iterable[str],
    index: Mapping[str, Block],
    budget: int = DEFAULT_CANDIDATE_BUDGET,
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
) -> list[int]:
    """The records before ``j`` that record j meets under its looked-up keys, within the
    budget (as ``keys_within_budget`` chooses: phone and documents first, then by block
    size, the whole batch counted), ascending."""
    # (strength, size, position among the keys, block): the position breaks ties, so
    # that blocks are never compared.
    blocks: list[tuple[bool, int, int, Block]] = []
    for position, key in enumerate(looked_up):
        block = index.get(key)
        if block is not None:
            size = 1 if isinstance(block, int) else len(block)
            if size <= max_block_size:
                blocks.append((key[0] not in _STRONG_KINDS, size, position, block))
    blocks.sort()
    found: set[int] = set()
    total = 0
    for _, size, _, block in blocks:
        if total + size > budget:
            continue
        total += size
        if isinstance(block, int):
            if block < j:
                found.add(block)
        elif block[-1] < j:
            found.update(block)
        else:
            found.update(block[: bisect_left(block, j)])
    return sorted(found)


# The kinds of key (their first letter) of strong evidence: phone and documents.
_STRONG_KINDS = "pd"


def _strength(key: str) -> int:
    """Phone and document keys first: strong evidence, and small blocks."""
    return 0 if key[0] in _STRONG_KINDS else 1
