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
family name, y = the year of birth: a record is filed under its year and looks up the
years either side, so that a year off still meets):

- ``n:{g|f}:{y}`` both names, in either order (swapped names meet), and the year;
- ``g:{g}:{f'}:{y}`` the given name, the family name with one letter left out, the year:
  two family names one typo apart share an ``f'`` (see ``_one_deletion``);
- ``f:{f}:{g'}:{y}`` the same with the roles exchanged;
- ``a:{g|f}`` both names, no year, for the records whose year is missing or approximate:
  every record is filed under it, but only those records look it up; the others look up
  ``u:{g|f}``, under which only those records are filed. So "Mohamed Alaoui, born 1990"
  is not compared with every Mohamed Alaoui, only with those of unknown age;
- ``s:{g}:{y}`` and ``t:{g}:{y}`` the given name and the year, the same way round for
  the records without a family name: they look up ``s`` (under which all are filed),
  the others look up ``t`` (under which only they are filed);
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

BLOCKING_VERSION = "2"

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
    year = birth.year if birth is not None and not birth.approximate else None
    dated: list[str] = []  # keys that take the year
    for pair in ("|".join(sorted((g, f))) for g in given or [""] for f in family or [""]):
        dated.append(f"n:{pair}")
        # One-way: a record of known age meets the records of unknown age only.
        if year is not None:
            filed.add(f"a:{pair}")
            wanted.add(f"u:{pair}")
        else:
            filed.update((f"a:{pair}", f"u:{pair}"))
            wanted.add(f"a:{pair}")
    for g in given:
        for f in family:
            dated.extend(f"g:{g}:{v}" for v in _one_deletion(f))
            dated.extend(f"f:{f}:{v}" for v in _one_deletion(g))
        # One-way: a record with a family name meets the records without one only.
        if year is not None and family:
            filed.add(f"s:{g}:{year}")
            wanted.update(f"t:{g}:{near}" for near in (year - 1, year, year + 1))
        elif year is not None:
            filed.update((f"s:{g}:{year}", f"t:{g}:{year}"))
            wanted.update(f"s:{g}:{near}" for near in (year - 1, year, year + 1))
    if year is not None:
        # Filed under its year, looked up a year either side: a year off still meets.
        filed.update(f"{key}:{year}" for key in dated)
        wanted.update(f"{key}:{near}" for key in dated for near in (year - 1, year, year + 1))
    strong = {f"d:{number}" for number in record.documents}
    if record.phone:
        strong.add(f"p:{record.phone}")
    return tuple(sorted(filed | strong)), tuple(sorted(wanted | strong))


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
    filed: dict[str, list[int]] = {}
    wanted: list[tuple[str, ...]] = []
    for index, record in enumerate(records):
        stored, looked_up = keys_of(record)
        for key in stored:
            filed.setdefault(key, []).append(index)  # ascending: indexes come in order
        wanted.append(looked_up)
    for j, keys in enumerate(wanted):
        blocks = [
            (_strength(key), len(members), members) for key in keys if (members := filed.get(key))
        ]
        blocks.sort(key=lambda block: block[:2])
        partners: set[int] = set()
        total = 0
        # As keys_within_budget chooses: phone and documents first, then by block size.
        for _, size, members in blocks:
            if size > max_block_size or total + size > budget:
                continue
            total += size
            partners.update(members[: bisect_left(members, j)])
        yield from ((i, j) for i in sorted(partners))


def _strength(key: str) -> int:
    """Phone and document keys first: strong evidence, and small blocks."""
    return 0 if key.startswith(("p:", "d:")) else 1
