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

The keys (g = coarse skeleton of the first given word, f = coarse skeleton of the whole
family name, y = a two-year bucket of the year of birth, see ``_year_buckets``):

- ``n:{g|f}:{y}`` both names, in either order (swapped names meet), and the year;
- ``g:{g}:{f'}:{y}`` the given name, the family name with one letter left out, the year:
  two family names one typo apart share an ``f'`` (see ``_one_deletion``);
- ``f:{f}:{g'}:{y}`` the same with the roles exchanged;
- ``a:{g|f}`` both names, no year, for the records whose year is missing or approximate:
  every record is filed under it, but only those records look it up; the others look up
  ``u:{g|f}``, under which only those records are filed. So "Mohamed Alaoui, born 1990"
  is not compared with every Mohamed Alaoui, only with those of unknown age;
- ``s:{g}:{y}`` and ``t:{g}:{y}`` the given name and the year, the same way round for
  the records without a family name: they look up ``s`` (filed by all), the others
  look up ``t`` (filed by them only);
- ``p:{phone}`` and ``d:{document}``: strong evidence by themselves.

Names are read in each script the record holds and, where the article may or may not be
part of the name, both ways; a key that several readings give is filed once.

A key shared by too many records says little and would flood the comparison; such keys
are left out, by ``keys_within_budget`` at registration time and by ``max_block_size``
in ``candidate_pairs``.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

from .features import NameForm, PreparedRecord
from .names import coarse

BLOCKING_VERSION = "1"

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
    keys: set[str] = set()  # filed under and looked up under
    filed: set[str] = set()  # filed under only
    wanted: set[str] = set()  # looked up under only
    given = _readings(record.given, first_word_only=True)
    family = _readings(record.family, first_word_only=False)
    birth = record.birth
    buckets = _year_buckets(birth.year) if birth is not None and not birth.approximate else ()
    pairs = ["|".join(sorted((g, f))) for g in given or [""] for f in family or [""]]
    for pair in pairs:
        keys.update(f"n:{pair}:{year}" for year in buckets)
        _one_way(keys, filed, wanted, f"a:{pair}", f"u:{pair}", narrow=bool(buckets))
    for g in given:
        for f in family:
            keys.update(f"g:{g}:{v}:{year}" for v in _one_deletion(f) for year in buckets)
            keys.update(f"f:{f}:{v}:{year}" for v in _one_deletion(g) for year in buckets)
        for year in buckets:
            _one_way(keys, filed, wanted, f"s:{g}:{year}", f"t:{g}:{year}", narrow=bool(family))
    if record.phone:
        keys.add(f"p:{record.phone}")
    keys.update(f"d:{number}" for number in record.documents)
    return tuple(sorted(keys | filed)), tuple(sorted(keys | wanted))


def _one_way(
    keys: set[str], filed: set[str], wanted: set[str], wide: str, narrow_key: str, *, narrow: bool
) -> None:
    """A pair of one-way keys. The narrow records (a year known, a family name known) are
    filed under ``wide`` and look up ``narrow_key``; the others are filed under both and
    look up ``wide``. So a narrow record meets only the others, the others meet all, and
    either side's look-up finds the other."""
    if narrow:
        filed.add(wide)
        wanted.add(narrow_key)
    else:
        keys.add(wide)
        filed.add(narrow_key)


def _year_buckets(year: int) -> tuple[int, ...]:
    """Two overlapping two-year buckets, named by their even year, so that years one
    apart always share one: 1990 → (1990,), 1991 → (1990, 1992), 1992 → (1992,)."""
    low, high = (year // 2) * 2, ((year + 1) // 2) * 2
    return (low,) if low == high else (low, high)


def _readings(forms: tuple[NameForm, ...], first_word_only: bool) -> list[str]:
    readings: list[str] = []
    for form in forms:
        if first_word_only:
            candidates: Iterable[str] = (coarse(s) for s in form.tokens[0].skeletons)
        else:
            candidates = form.coarse_skeletons
        for reading in itertools.islice(candidates, _MAX_READINGS_PER_PART):
            # A name of vowels only ("Aya", «آية») has an empty skeleton: "_" stands in.
            reading = reading or "_"
            if reading not in readings:
                readings.append(reading)
    return readings


def _one_deletion(skeleton: str) -> set[str]:
    """The skeleton and its forms with one letter left out: two skeletons one typo apart
    (a letter changed, added or dropped) share one of these."""
    if len(skeleton) < 3:
        # Leaving a letter out of a two-letter skeleton leaves one letter, which every
        # other name shares: the blocks would be huge for little.
        return {skeleton}
    return {skeleton[:i] + skeleton[i + 1 :] for i in range(len(skeleton))} | {skeleton}


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
        return (0 if key.startswith(("p:", "d:")) else 1, count, key)

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
    filed: dict[str, list[int]] = {}
    wanted: list[tuple[str, ...]] = []
    for index, record in enumerate(records):
        stored, looked_up = keys_of(record)
        for key in stored:
            filed.setdefault(key, []).append(index)  # ascending: indexes come in order
        wanted.append(looked_up)
    for j, keys in enumerate(wanted):
        counts = {key: len(filed[key]) for key in keys if key in filed}
        partners: set[int] = set()
        for key in keys_within_budget(counts, budget=budget, max_block_size=max_block_size):
            members = filed[key]
            partners.update(members[: bisect_left(members, j)])
        yield from ((i, j) for i in sorted(partners))
