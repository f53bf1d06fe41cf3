"""The whole registry against itself, in arrays: the batch check of a million records in
minutes, not hours.

``Matcher.compare`` weighs one pair at a time, which is what a registration needs (a few
hundred candidates) but costs tens of microseconds of Python per pair; a full run over
1,000,000 records compares some forty million pairs. Here the records are turned once into
columns (name part ids, birth fields, sex, nationality, phone and document ids, the
frequency counts) and the pairs are found and weighed in NumPy, a block of records at a
time:

- the pairs are exactly ``blocking.candidate_pairs``'s: record j looks up its keys among
  the records before it, within the registration-time budget, keys hashed to integers;
- each pair's score is exactly ``Matcher.score``'s: the same levels, the same weights, the
  same term-frequency adjustment, summed in the same order. Name forms are compared once
  per distinct pair of forms, by ``compare_forms`` itself; everything else is arithmetic.

The tests hold both equalities on generated registries. Run with ``jobs`` > 1, the records
are read in forked processes, and the blocks weighed in forked processes that read the
parent's columns without copying them. Measured on two cores (bench/matching_quality.py):
1,000,000 records, 37.7 million pairs, in 2 to 2.6 minutes and 3.2 to 3.4 GB at the peak.
"""

from __future__ import annotations

import multiprocessing
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from . import blocking
from . import comparisons as cmp
from .features import NameForm, PreparedRecord
from .matcher import (
    _NAME_AGREE,
    _STRONG,
    BIRTH,
    DOCUMENTS,
    FAMILY_NAME,
    GIVEN_NAME,
    NAME_ORDER,
    NATIONALITY,
    PHONE,
    SEX,
    STRAIGHT,
    SWAPPED,
    Matcher,
    RegistryStats,
    _table,
)
from .records import PersonRecord

T = TypeVar("T")
IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Records paired and weighed together: enough for NumPy to pay, small enough that a block's
# candidate rows (a few hundred per record at most) stay within a few hundred MB.
DEFAULT_CHUNK = 20_000

# Runs of records each process reads (see ``score_registry``).
READS_PER_JOB = 5

# ``progress(stage, done, total)``: how far a long run is.
Progress = Callable[[str, int, int], None]

# A name part's level as a small integer: its rank (0 exact … 7 disagree), 8 for missing.
_MISSING = len(cmp.NAME_LEVELS)
_AGREE_RANKS = np.array([cmp.NAME_RANK[level] for level in _NAME_AGREE])
_STRONG_RANKS = np.array([cmp.NAME_RANK[level] for level in _STRONG])
_BIRTH_MISSING = len(cmp.BIRTH_LEVELS)
_B = {level: code for code, level in enumerate(cmp.BIRTH_LEVELS)}


@dataclass(frozen=True, slots=True)
class ScoredPairs:
    """Positions i < j in the records given, and the score of each pair, ordered by j
    then i (``candidate_pairs``'s order)."""

    i: Int32Array
    j: Int32Array
    score: FloatArray
    stats: RegistryStats  # what the scores were weighed with

    def __len__(self) -> int:
        return len(self.score)


@dataclass(slots=True)
class _Columns:
    """The registry as arrays, one row per record."""

    given: IntArray  # part ids (0: no name)
    family: IntArray
    given_count: FloatArray  # how many records carry the frequency key (1 when none)
    family_count: FloatArray
    phone: IntArray  # ids, 0 when missing
    phone_count: FloatArray
    sex: IntArray
    nationality: IntArray
    year: IntArray  # -1 when the birth is unknown
    month: IntArray  # 0 when only the year is known
    day: IntArray
    approximate: BoolArray
    documents: IntArray  # (records, most documents) ids, -1 padding
    # Blocking: filed keys sorted by hash, with their record; looked-up keys by record.
    filed_hash: IntArray
    filed_record: Int32Array
    wanted_start: IntArray  # record r's looked-up keys are wanted_*[start[r]:start[r+1]]
    wanted_hash: IntArray
    wanted_strong: BoolArray


@dataclass(slots=True)
class _Tables:
    """The model's weights as arrays indexed by level codes."""

    name: FloatArray  # [comparison (0 given, 1 family), cross (0, 1), level rank] → weight
    name_u: FloatArray  # the same shape: u and the average u of agreeing levels
    name_average: FloatArray
    order: FloatArray  # [0 straight, 1 swapped]
    birth: FloatArray  # [birth code] (missing → 0)
    sex: FloatArray  # [0 missing, 1 agree, 2 disagree]
    nationality: FloatArray
    phone: FloatArray
    phone_u: float
    documents: FloatArray  # [0 missing, 1 agree, 2 close, 3 disagree]
    u_floor: float


def _tables(matcher: Matcher) -> _Tables:
    model = matcher.model
    weights = model.weights
    shape = (2, 2, _MISSING + 1)
    name = np.full(shape, np.nan)
    name_u, name_average = np.full(shape, np.nan), np.ones(shape)
    for c, comparison in enumerate((GIVEN_NAME, FAMILY_NAME)):
        for cross in (0, 1):
            table = _table(comparison, bool(cross))
            levels = model.levels[table]
            average = sum(levels[n].u for n in _NAME_AGREE if n in levels)
            for level, weight in weights[table].items():
                rank = _MISSING if level is None else cmp.NAME_RANK[level]
                name[c, cross, rank] = weight
                if level is not None:
                    name_u[c, cross, rank] = levels[level].u
                    name_average[c, cross, rank] = average

    def values(comparison: str, order: Sequence[str]) -> FloatArray:
        return np.array([0.0, *(weights[comparison][level] for level in order)])

    birth = np.array([*(weights[BIRTH][level] for level in cmp.BIRTH_LEVELS), 0.0])
    return _Tables(
        name=name,
        name_u=name_u,
        name_average=name_average,
        order=np.array([weights[NAME_ORDER][STRAIGHT], weights[NAME_ORDER][SWAPPED]]),
        birth=birth,
        sex=values(SEX, (cmp.AGREE, cmp.DISAGREE)),
        nationality=values(NATIONALITY, (cmp.AGREE, cmp.DISAGREE)),
        phone=values(PHONE, (cmp.AGREE, cmp.DISAGREE)),
        phone_u=model.levels[PHONE][cmp.AGREE].u,
        documents=values(DOCUMENTS, (cmp.AGREE, cmp.CLOSE, cmp.DISAGREE)),
        u_floor=model.u_floor,
    )


class _Ids:
    """Small integer ids for values, 0 for the empty one; ``values[id]`` is the value."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.values: list[str] = [""]

    def __call__(self, value: str) -> int:
        if not value:
            return 0
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.values)
            self.values.append(value)
        return found

    def map(self, values: list[str]) -> IntArray:
        """Ids for another table's values, as an array indexed by that table's ids."""
        return np.fromiter((self(value) for value in values), dtype=np.int64, count=len(values))


@dataclass(slots=True)
class _Slice:
    """The columns of a run of records, with ids of its own (``*_values`` give the value
    of each id), to be merged with the other runs'."""

    given: IntArray
    family: IntArray
    # id → the part's key and forms; no forms when this process sent them already (in an
    # earlier run, which the merge reads first): forms are most of what a run weighs.
    parts: list[tuple[str, tuple[NameForm, ...] | None]]
    frequency: IntArray  # (records × 3): ids of the given, family and phone frequency keys
    frequency_values: list[str]
    counts: Counter[str]
    phone: IntArray
    phone_values: list[str]
    nationality: IntArray
    nationality_values: list[str]
    documents: list[list[int]]
    document_values: list[str]
    sex: IntArray
    year: IntArray
    month: IntArray
    day: IntArray
    approximate: BoolArray
    filed_hash: IntArray
    filed_record: Int32Array  # positions in the whole registry
    wanted_count: IntArray  # looked-up keys per record
    wanted_hash: IntArray
    wanted_strong: BoolArray


def _slice(
    matcher: Matcher,
    records: Iterable[PersonRecord | PreparedRecord],
    first: int,
    sent: set[str],
) -> _Slice:
    """The columns of ``records``, the first of which is at position ``first``."""
    part_ids: dict[str, int] = {"": 0}
    parts: list[tuple[str, tuple[NameForm, ...] | None]] = [("", ())]
    phones, nationalities, documents, frequency_keys = _Ids(), _Ids(), _Ids(), _Ids()
    sexes = {"F": 1, "M": 2}
    # Millions of values: kept in typed arrays, never as lists of Python ints.
    given, family, frequency = array("q"), array("q"), array("q")
    phone, nationality, sex = array("q"), array("q"), array("q")
    year, month, day, approximate = array("q"), array("q"), array("q"), array("b")
    filed_hash, filed_record = array("q"), array("i")
    wanted_count, wanted_hash, wanted_strong = array("q"), array("q"), array("b")
    document_rows: list[list[int]] = []
    counts: Counter[str] = Counter()
    for position, record in enumerate(map(matcher.prepare, records), start=first):
        for forms, key, ids in (
            (record.given, record.given_forms, given),
            (record.family, record.family_forms, family),
        ):
            found = part_ids.get(key)
            if found is None:
                found = part_ids[key] = len(parts)
                parts.append((key, None if key in sent else forms))
                sent.add(key)
            ids.append(found)
        keys = (record.given_key, record.family_key, f"p:{record.phone}" if record.phone else "")
        frequency.extend(map(frequency_keys, keys))
        counts.update(key for key in keys if key)
        phone.append(phones(record.phone))
        sex.append(sexes.get(record.sex, 0))
        nationality.append(nationalities(record.nationality))
        birth = record.birth
        if birth is None:
            year.append(-1)
            month.append(0)
            day.append(0)
            approximate.append(False)
        else:
            year.append(birth.year)
            month.append(birth.month or 0)
            day.append(birth.day or 0)
            approximate.append(birth.approximate)
        document_rows.append([documents(number) for number in sorted(record.documents)])
        filed, wanted = blocking.record_keys(record)
        filed_hash.extend(map(hash, filed))
        filed_record.extend(repeat(position, len(filed)))
        wanted_count.append(len(wanted))
        wanted_hash.extend(map(hash, wanted))
        wanted_strong.extend(key[0] in blocking._STRONG_KINDS for key in wanted)
    return _Slice(
        given=_ints(given),
        family=_ints(family),
        parts=parts,
        frequency=_ints(frequency).reshape(-1, 3),
        frequency_values=frequency_keys.values,
        counts=counts,
        phone=_ints(phone),
        phone_values=phones.values,
        nationality=_ints(nationality),
        nationality_values=nationalities.values,
        documents=document_rows,
        document_values=documents.values,
        sex=_ints(sex),
        year=_ints(year),
        month=_ints(month),
        day=_ints(day),
        approximate=np.array(approximate, dtype=np.bool_),
        filed_hash=_ints(filed_hash),
        filed_record=np.array(filed_record, dtype=np.int32),
        wanted_count=_ints(wanted_count),
        wanted_hash=_ints(wanted_hash),
        wanted_strong=np.array(wanted_strong, dtype=np.bool_),
    )


def _ints(values: array[int]) -> IntArray:
    return np.array(values, dtype=np.int64)


def _slice_of(bounds: tuple[int, int]) -> _Slice:
    matcher, records = shared("slicing")
    first, last = bounds
    # This process's: a forked worker starts without one, and so does every run.
    sent: set[str] = _shared.setdefault("sent", set())
    return _slice(matcher, (records[k] for k in range(first, last)), first, sent)


def _merge(
    slices: list[_Slice], stats: RegistryStats | None, size: int | None
) -> tuple[_Columns, list[tuple[NameForm, ...]], list[str], RegistryStats]:
    """One set of columns and ids from the slices'; the stats counted over all records
    (or ``size`` records) unless given."""
    part_ids: dict[str, int] = {"": 0}
    parts: list[tuple[NameForm, ...]] = [()]
    phones, nationalities, documents = _Ids(), _Ids(), _Ids()
    if stats is None:
        counts: Counter[str] = Counter()
        for piece in slices:
            counts.update(piece.counts)
        if size is None:
            size = sum(len(piece.given) for piece in slices)
        stats = RegistryStats(size=size, counts=counts)
    given, family, phone, nationality, frequency_counts = [], [], [], [], []
    document_rows: list[list[int]] = []
    for piece in slices:
        mapping = np.empty(len(piece.parts), dtype=np.int64)
        for local, (key, forms) in enumerate(piece.parts):
            found = part_ids.get(key)
            if found is None:
                if forms is None:
                    raise RuntimeError("a run's parts came before the run that sent them")
                found = part_ids[key] = len(parts)
                parts.append(forms)
            mapping[local] = found
        given.append(mapping[piece.given])
        family.append(mapping[piece.family])
        phone.append(phones.map(piece.phone_values)[piece.phone])
        nationality.append(nationalities.map(piece.nationality_values)[piece.nationality])
        known = stats.counts
        count_of = np.array(
            [known.get(key, 1) if key else 1 for key in piece.frequency_values], dtype=np.float64
        )
        frequency_counts.append(count_of[piece.frequency])
        numbers = documents.map(piece.document_values).tolist()
        document_rows.extend([numbers[d] for d in row] for row in piece.documents)
    widest = max((len(row) for row in document_rows), default=0)
    document_matrix = np.full((len(document_rows), max(1, widest)), -1, dtype=np.int64)
    for row, ids in enumerate(document_rows):
        if ids:
            document_matrix[row, : len(ids)] = ids

    def joined(name: str) -> npt.NDArray[Any]:
        return np.concatenate([getattr(piece, name) for piece in slices])

    hashes = joined("filed_hash")
    order = np.argsort(hashes, kind="stable")  # records ascending within a key
    frequency_matrix = np.concatenate(frequency_counts)
    columns = _Columns(
        given=np.concatenate(given),
        family=np.concatenate(family),
        given_count=frequency_matrix[:, 0].copy(),
        family_count=frequency_matrix[:, 1].copy(),
        phone=np.concatenate(phone),
        phone_count=frequency_matrix[:, 2].copy(),
        sex=joined("sex"),
        nationality=np.concatenate(nationality),
        year=joined("year"),
        month=joined("month"),
        day=joined("day"),
        approximate=joined("approximate"),
        documents=document_matrix,
        filed_hash=hashes[order],
        filed_record=joined("filed_record")[order],
        wanted_start=np.concatenate(([0], np.cumsum(joined("wanted_count")))),
        wanted_hash=joined("wanted_hash"),
        wanted_strong=joined("wanted_strong"),
    )
    return columns, parts, documents.values, stats


# -- pairing ------------------------------------------------------------------------------


def _segment_cumsum(values: IntArray, starts: BoolArray) -> IntArray:
    """Running sums that restart where ``starts`` is true."""
    total = np.cumsum(values)
    before = total - values
    base = np.maximum.accumulate(np.where(starts, before, 0))
    return total - base


def _pairs(columns: _Columns, first: int, last: int, budget: int, max_block: int) -> IntArray:
    """The pairs (j, i) for the records first ≤ j < last, as ``j * n + i``, sorted."""
    n = len(columns.given)
    lo, hi = columns.wanted_start[first], columns.wanted_start[last]
    hashes = columns.wanted_hash[lo:hi]
    record = np.repeat(
        np.arange(first, last, dtype=np.int64), np.diff(columns.wanted_start[first : last + 1])
    )
    position = np.arange(lo, hi, dtype=np.int64) - columns.wanted_start[record]
    weak = ~columns.wanted_strong[lo:hi]
    # Sorted needles: each search starts where the last one ended.
    needles = np.argsort(hashes)
    start = np.empty(len(hashes), dtype=np.int64)
    size = np.empty(len(hashes), dtype=np.int64)
    start[needles] = np.searchsorted(columns.filed_hash, hashes[needles], side="left")
    size[needles] = np.searchsorted(columns.filed_hash, hashes[needles], side="right")
    size -= start
    keep = (size > 0) & (size <= max_block)
    record, position, weak, start, size = (
        record[keep],
        position[keep],
        weak[keep],
        start[keep],
        size[keep],
    )
    # As ``blocking.partners``: per record, strong keys then weak, smaller blocks first
    # (ties by the key's position), each taken while the running total fits the budget.
    order = np.lexsort((position, size, weak, record))
    record, weak, start, size = record[order], weak[order], start[order], size[order]
    new_record = np.ones(len(record), dtype=np.bool_)
    new_record[1:] = record[1:] != record[:-1]
    new_group = new_record.copy()
    new_group[1:] |= weak[1:] != weak[:-1]
    running = _segment_cumsum(size, new_group)
    strong_taken = np.where(~weak & (running <= budget), size, 0)
    strong_total = np.zeros(last - first, dtype=np.int64)
    np.add.at(strong_total, record - first, strong_taken)
    taken = np.where(weak, running + strong_total[record - first] <= budget, running <= budget)
    record, start, size = record[taken], start[taken], size[taken]
    # Every member of every block taken, before the record itself.
    offsets = np.repeat(start - (np.cumsum(size) - size), size)
    members = columns.filed_record[offsets + np.arange(int(size.sum()), dtype=np.int64)]
    owners = np.repeat(record, size)
    before = members < owners
    return np.unique(owners[before] * n + members[before])


# -- weighing -----------------------------------------------------------------------------


class _PartLevels:
    """Levels of pairs of name parts, by part ids.

    A part holds one form per script it was written in (two at most); its level against
    another part is the best level of their forms' pairs (``Matcher._part_level``). The
    forms' pairs are compared once each and remembered in sorted arrays,
    which, unlike a dictionary, stay small at tens of millions of pairs."""

    def __init__(self, parts: list[tuple[NameForm, ...]]) -> None:
        ids: dict[str, int] = {}
        self.forms: list[NameForm] = []
        # Each part's forms (-1: none), and the scripts it holds as bits (1 Latin, 2 Arabic).
        self.part_forms = np.full((len(parts), 2), -1, dtype=np.int64)
        self.part_scripts = np.zeros(len(parts), dtype=np.int64)
        for part, forms in enumerate(parts):
            # One form per field (Latin, Arabic) at most: ``NameFormCache.forms``.
            for slot, form in enumerate(forms):
                found = ids.get(form.key)
                if found is None:
                    found = ids[form.key] = len(self.forms)
                    self.forms.append(form)
                self.part_forms[part, slot] = found
                self.part_scripts[part] |= 2 if form.script == "ar" else 1
        # Forms numbered in the order of their keys, and a pair always coded smaller id
        # first: one entry per pair whichever side it comes from, in the order
        # ``Matcher._form_level`` compares them.
        by_key = sorted(range(len(self.forms)), key=lambda form: self.forms[form].key)
        renumber = np.empty(len(by_key) + 1, dtype=np.int64)
        renumber[by_key] = np.arange(len(by_key))
        renumber[-1] = -1  # index -1 (no form) stays -1
        self.part_forms = renumber[self.part_forms]
        self.forms = [self.forms[form] for form in by_key]
        self.known_codes = np.empty(0, dtype=np.int64)  # form pair codes, sorted
        self.known_ranks = np.empty(0, dtype=np.int64)

    def _form_ranks(self, codes: IntArray) -> IntArray:
        """The rank of the level of each form pair (``x * forms + y``)."""
        unique, inverse = np.unique(codes, return_inverse=True)
        at = np.searchsorted(self.known_codes, unique)
        hit = at < len(self.known_codes)
        hit[hit] = self.known_codes[at[hit]] == unique[hit]
        ranks = np.empty(len(unique), dtype=np.int64)
        ranks[hit] = self.known_ranks[at[hit]]
        missing = np.flatnonzero(~hit)
        if len(missing):
            computed = np.fromiter(
                map(self._rank, unique[missing].tolist()), dtype=np.int64, count=len(missing)
            )
            ranks[missing] = computed
            position = at[missing]
            self.known_codes = np.insert(self.known_codes, position, unique[missing])
            self.known_ranks = np.insert(self.known_ranks, position, computed)
        return ranks[inverse.reshape(-1)]

    def _rank(self, code: int) -> int:
        a, b = divmod(code, len(self.forms))
        return cmp.NAME_RANK[cmp.compare_forms(self.forms[a], self.forms[b])]

    def __call__(self, a: IntArray, b: IntArray) -> tuple[IntArray, IntArray]:
        """The rank of each pair of parts' level (``_MISSING`` when either part is
        empty), and whether the two parts share no script."""
        width = len(self.forms)
        forms_a, forms_b = self.part_forms[a], self.part_forms[b]
        rank = np.full(len(a), cmp.NAME_RANK[cmp.DIFFERENT], dtype=np.int64)
        for x in range(2):
            for y in range(2):
                both = (forms_a[:, x] >= 0) & (forms_b[:, y] >= 0)
                if both.any():
                    one, other = forms_a[both, x], forms_b[both, y]
                    codes = np.minimum(one, other) * width + np.maximum(one, other)
                    rank[both] = np.minimum(rank[both], self._form_ranks(codes))
        scripts_a, scripts_b = self.part_scripts[a], self.part_scripts[b]
        empty = (scripts_a == 0) | (scripts_b == 0)
        rank[empty] = _MISSING
        cross = ((scripts_a & scripts_b) == 0) & ~empty
        return rank, cross.astype(np.int64)


def _names(
    levels: _PartLevels, tables: _Tables, c: _Columns, i: IntArray, j: IntArray
) -> tuple[IntArray, IntArray, IntArray, IntArray, BoolArray]:
    """As ``Matcher._names``: given and family (rank, cross), and whether swapped."""
    name = tables.name
    ga, fa, gb, fb = c.given[i], c.family[i], c.given[j], c.family[j]
    g_rank, g_cross = levels(ga, gb)
    f_rank, f_cross = levels(fa, fb)
    swapped = np.zeros(len(i), dtype=np.bool_)
    open_ = ~(np.isin(g_rank, _STRONG_RANKS) & np.isin(f_rank, _STRONG_RANKS))
    if open_.any():
        k = np.flatnonzero(open_)
        o_rank, o_cross = levels(ga[k], fb[k])  # "one": a's given against b's family
        x_rank, x_cross = levels(fa[k], gb[k])  # "other"
        kept = name[0, o_cross, o_rank] + name[1, x_cross, x_rank]
        flipped = name[0, x_cross, x_rank] + name[1, o_cross, o_rank]
        flip = (flipped > kept) | ((flipped == kept) & (x_rank < o_rank))
        o_rank, x_rank = np.where(flip, x_rank, o_rank), np.where(flip, o_rank, x_rank)
        o_cross, x_cross = np.where(flip, x_cross, o_cross), np.where(flip, o_cross, x_cross)
        straight = name[0, g_cross[k], g_rank[k]] + name[1, f_cross[k], f_rank[k]]
        crossed = (
            name[0, o_cross, o_rank] + name[1, x_cross, x_rank] + tables.order[1]
        ) - tables.order[0]
        cross = crossed > straight
        swap = k[cross]
        g_rank[swap], g_cross[swap] = o_rank[cross], o_cross[cross]
        f_rank[swap], f_cross[swap] = x_rank[cross], x_cross[cross]
        swapped[swap] = True
    return g_rank, g_cross, f_rank, f_cross, swapped


def _name_weight(
    tables: _Tables,
    comparison: int,
    rank: IntArray,
    cross: IntArray,
    frequency: FloatArray | None,
) -> FloatArray:
    weight = tables.name[comparison, cross, rank]
    if frequency is None:
        return weight
    adjusted = _frequency_weight(
        weight,
        tables.name_u[comparison, cross, rank],
        tables.name_average[comparison, cross, rank],
        frequency,
        tables.u_floor,
    )
    return np.where(np.isin(rank, _AGREE_RANKS), adjusted, weight)


def _frequency_weight(
    weight: FloatArray | float,
    u: FloatArray | float,
    average: FloatArray | float,
    frequency: FloatArray,
    u_floor: float,
) -> FloatArray:
    """``MatchModel.frequency_weight``, elementwise (the same operations in the same
    order, so the same bits)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return weight + np.log2(u / np.maximum(u_floor, u * frequency / average))


def _slips() -> BoolArray:
    """``comparisons._one_slip`` for every two day numbers 0..31, as a table."""
    table = np.zeros((32, 32), dtype=np.bool_)
    for x in range(1, 32):
        for y in range(1, 32):
            table[x, y] = cmp._one_slip(x, y)
    return table


_SLIPS = _slips()


def _birth(c: _Columns, i: IntArray, j: IntArray) -> IntArray:
    """As ``compare_birth``: a code of ``cmp.BIRTH_LEVELS``, ``_BIRTH_MISSING`` when unknown."""
    ya, yb = c.year[i], c.year[j]
    ma, mb, da, db = c.month[i], c.month[j], c.day[i], c.day[j]
    approximate = c.approximate[i] | c.approximate[j]
    gap = np.abs(ya - yb)
    full = (ma > 0) & (mb > 0)
    same_day = (ma == mb) & (da == db)
    # Where no full-date rule decides: the year alone.
    code = np.full(len(i), _B[cmp.BIRTH_DIFFERENT], dtype=np.int64)
    code[(gap == 1) & ~approximate] = _B[cmp.YEAR_NEAR]
    code[approximate & (gap <= cmp.APPROXIMATE_TOLERANCE_YEARS)] = _B[cmp.APPROXIMATE]
    code[gap == 0] = _B[cmp.YEAR]
    # Two full dates in the same year, not the same day.
    same_year = full & (gap == 0) & ~same_day
    code[same_year] = np.where(approximate[same_year], _B[cmp.YEAR], _B[cmp.YEAR_DATES_DIFFER])
    code[same_year & (ma == db) & (mb == da)] = _B[cmp.DATE_SWAPPED]
    typo = same_year & (ma == mb) & _SLIPS[da, db]
    code[typo & ~((ma == db) & (mb == da))] = _B[cmp.DATE_TYPO]
    code[full & same_day & (gap == 1)] = _B[cmp.DATE_TYPO]
    code[full & same_day & (gap == 0)] = _B[cmp.DATE_EXACT]
    code[(ya < 0) | (yb < 0)] = _BIRTH_MISSING
    return code


def _values(a: IntArray, b: IntArray) -> IntArray:
    """0 missing, 1 agree, 2 disagree."""
    return np.where((a == 0) | (b == 0), 0, np.where(a == b, 1, 2))


def _documents(c: _Columns, numbers: list[str], i: IntArray, j: IntArray) -> IntArray:
    """As ``compare_documents``: 0 missing, 1 agree, 2 close, 3 disagree."""
    da, db = c.documents[i], c.documents[j]
    present = (da[:, 0] >= 0) & (db[:, 0] >= 0)
    agree = np.zeros(len(i), dtype=np.bool_)
    for x in range(da.shape[1]):
        for y in range(db.shape[1]):
            agree |= (da[:, x] == db[:, y]) & (da[:, x] >= 0)
    code = np.where(present, np.where(agree, 1, 3), 0)
    # Numbers that differ: one character apart ("close") is for the comparison itself.
    for k in np.flatnonzero(present & ~agree).tolist():
        ones = frozenset(numbers[d] for d in da[k] if d >= 0)
        others = frozenset(numbers[d] for d in db[k] if d >= 0)
        if cmp.compare_documents(ones, others) == cmp.CLOSE:
            code[k] = 2
    return code


def _probability(weight: FloatArray) -> FloatArray:
    """``model.probability``, elementwise."""
    odds = np.power(2.0, -np.abs(weight))
    return np.where(weight >= 0, 1.0 / (1.0 + odds), odds / (1.0 + odds))


@dataclass(frozen=True, slots=True)
class PairLevels:
    """The level of each comparison for pairs (i, j), as codes: name ranks of
    ``comparisons.NAME_RANK`` (missing: past the last) and whether the two names shared
    no script, read straight or swapped; birth codes of ``comparisons.BIRTH_LEVELS``;
    sex, nationality and phone 0 missing, 1 agree, 2 disagree; documents 0 missing,
    1 agree, 2 close, 3 disagree."""

    given: IntArray
    given_cross: IntArray
    family: IntArray
    family_cross: IntArray
    swapped: BoolArray
    birth: IntArray
    sex: IntArray
    nationality: IntArray
    phone: IntArray
    documents: IntArray


def pair_levels(state: _State, i: IntArray, j: IntArray) -> PairLevels:
    """What ``Matcher.levels`` says of each pair (i, j), in arrays."""
    c = state.columns
    g_rank, g_cross, f_rank, f_cross, swapped = _names(state.levels, state.tables, c, i, j)
    return PairLevels(
        given=g_rank,
        given_cross=g_cross,
        family=f_rank,
        family_cross=f_cross,
        swapped=swapped,
        birth=_birth(c, i, j),
        sex=_values(c.sex[i], c.sex[j]),
        nationality=_values(c.nationality[i], c.nationality[j]),
        phone=_values(c.phone[i], c.phone[j]),
        documents=_documents(c, state.numbers, i, j),
    )


def _frequency_weights(
    state: _State, i: IntArray, j: IntArray, levels: PairLevels
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The given name's, the family name's and the phone's weights of pairs (i, j), as
    ``Matcher._weigh`` adjusts them by term frequency (when the registry was counted)."""
    c, tables = state.columns, state.tables
    frequent = bool(state.stats.counts)
    size = float(max(1, state.stats.size))
    given = _name_weight(
        tables,
        0,
        levels.given,
        levels.given_cross,
        np.maximum(c.given_count[i], c.given_count[j]) / size if frequent else None,
    )
    family = _name_weight(
        tables,
        1,
        levels.family,
        levels.family_cross,
        np.maximum(c.family_count[i], c.family_count[j]) / size if frequent else None,
    )
    phone = tables.phone[levels.phone]
    if frequent:
        # Only ever lowered, as in ``Matcher._weigh``; the phone's level alone agrees.
        adjusted = _frequency_weight(
            tables.phone[1], tables.phone_u, tables.phone_u, c.phone_count[i] / size, tables.u_floor
        )
        phone = np.where(levels.phone == 1, np.minimum(phone, adjusted), phone)
    return given, family, phone


def frequency_adjustment(state: _State, i: IntArray, j: IntArray, levels: PairLevels) -> FloatArray:
    """What term frequencies add, in bits, to the weights of pairs (i, j), to fit the
    weights with (``bench/matching_train.py``)."""
    tables = state.tables
    given, family, phone = _frequency_weights(state, i, j, levels)
    return (
        (given - tables.name[0, levels.given_cross, levels.given])
        + (family - tables.name[1, levels.family_cross, levels.family])
        + (phone - tables.phone[levels.phone])
    )


def _score(state: _State, i: IntArray, j: IntArray) -> FloatArray:
    tables = state.tables
    levels = pair_levels(state, i, j)
    given, family, phone = _frequency_weights(state, i, j, levels)
    total = given + family
    total += tables.order[levels.swapped.astype(np.int64)]
    total += tables.birth[levels.birth]
    total += tables.sex[levels.sex]
    total += tables.nationality[levels.nationality]
    total += phone
    total += tables.documents[levels.documents]
    if np.isnan(total).any():  # a level without a weight: the weights file is behind
        raise ValueError("a comparison level has no weight in the model")
    return _probability(state.prior + total)


# -- the run ------------------------------------------------------------------------------


@dataclass(slots=True)
class _State:
    columns: _Columns
    tables: _Tables
    levels: _PartLevels
    numbers: list[str]
    stats: RegistryStats  # the size and counts the weights are read with
    prior: float


@dataclass(frozen=True, slots=True)
class _Run:
    """How the pairs are found and kept (``score_state``)."""

    budget: int
    max_block: int
    chunk: int
    min_score: float


_shared: dict[str, Any] = {}  # what forked workers read (inherited, never pickled)


def shared(name: str) -> Any:
    """What ``each_in_processes`` shares under that name, read in a worker."""
    return _shared[name]


def each_in_processes(
    function: Callable[[Any], T], items: list[Any], jobs: int, **values: Any
) -> Iterator[T]:
    """``function`` of each item, in order: in ``jobs`` forked processes that read
    ``values`` (through ``shared(name)``) without them being copied or pickled, or in
    this one. The results come back pickled: keep them small."""
    _shared.update(values)
    try:
        if jobs > 1 and len(items) > 1:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                yield from pool.imap(function, items)
        else:
            yield from map(function, items)
    finally:
        _shared.clear()


def _run_chunk(first: int) -> tuple[Int32Array, Int32Array, FloatArray]:
    state, run = shared("state"), shared("run")
    n = len(state.columns.given)
    codes = _pairs(state.columns, first, min(first + run.chunk, n), run.budget, run.max_block)
    j, i = np.divmod(codes, n)
    score = _score(state, i, j) if len(codes) else np.empty(0)
    keep = score >= run.min_score
    return i[keep].astype(np.int32), j[keep].astype(np.int32), score[keep]


def prepare_state(
    records: Sequence[PersonRecord | PreparedRecord],
    *,
    matcher: Matcher,
    stats: RegistryStats | None = None,
    registry_size: int | None = None,
    jobs: int = 1,
    chunk: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
) -> _State:
    """The registry as columns, with the weights as arrays: what ``score_state`` pairs
    and scores, and ``pair_levels`` reads (``bench/matching_ceiling.py``). The arguments
    are ``score_registry``'s."""
    size = len(records)
    # Runs of records read at once: a few per process, so that progress shows.
    step = max(chunk, -(-size // (jobs * READS_PER_JOB)))
    bounds = [(first, min(size, first + step)) for first in range(0, size, step)]
    slices: list[_Slice] = []
    for piece in each_in_processes(_slice_of, bounds, jobs, slicing=(matcher, records)):
        slices.append(piece)
        if progress is not None:
            progress("read", sum(len(done.given) for done in slices), size)
    columns, parts, numbers, stats = _merge(slices, stats, registry_size)
    slices.clear()  # their memory, now merged
    return _State(
        columns=columns,
        tables=_tables(matcher),
        levels=_PartLevels(parts),
        numbers=numbers,
        stats=stats,
        prior=matcher.model.prior_weight(stats.size),
    )


def score_state(
    state: _State,
    *,
    budget: int = blocking.DEFAULT_CANDIDATE_BUDGET,
    max_block_size: int = blocking.DEFAULT_MAX_BLOCK_SIZE,
    min_score: float = 0.0,
    jobs: int = 1,
    chunk: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
) -> ScoredPairs:
    """The pairs of a prepared registry and their scores (``score_registry``)."""
    size = len(state.columns.given)
    run = _Run(budget=budget, max_block=max_block_size, chunk=chunk, min_score=min_score)
    starts = list(range(0, size, chunk))
    results: list[tuple[Int32Array, Int32Array, FloatArray]] = []
    for result in each_in_processes(_run_chunk, starts, jobs, state=state, run=run):
        results.append(result)
        if progress is not None:
            progress("compare", min(len(results) * chunk, size), size)
    return ScoredPairs(
        i=np.concatenate([r[0] for r in results]),
        j=np.concatenate([r[1] for r in results]),
        score=np.concatenate([r[2] for r in results]),
        stats=state.stats,
    )


def score_registry(
    records: Sequence[PersonRecord | PreparedRecord],
    *,
    matcher: Matcher,
    stats: RegistryStats | None = None,
    registry_size: int | None = None,
    budget: int = blocking.DEFAULT_CANDIDATE_BUDGET,
    max_block_size: int = blocking.DEFAULT_MAX_BLOCK_SIZE,
    min_score: float = 0.0,
    jobs: int = 1,
    chunk: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> ScoredPairs:
    """Every pair ``candidate_pairs`` gives, with ``Matcher.score``'s score, keeping the
    pairs that score ``min_score`` or more.

    ``stats``: the registry's size and frequency counts; by default counted from the
    records themselves (a full run sees the whole registry), over ``registry_size``
    records if given (a floor, say, as the registration-time lookup keeps).
    ``progress(stage, done, total)`` is called as runs of records are read ("read") and
    compared ("compare"). ``timings``, when given, receives the seconds spent preparing
    the columns and pairing and scoring.
    """
    started = time.perf_counter()
    if not records:
        empty = np.empty(0, dtype=np.int32)
        return ScoredPairs(empty, empty, np.empty(0), stats or RegistryStats(size=0))
    state = prepare_state(
        records,
        matcher=matcher,
        stats=stats,
        registry_size=registry_size,
        jobs=jobs,
        chunk=chunk,
        progress=progress,
    )
    prepared_at = time.perf_counter()
    found = score_state(
        state,
        budget=budget,
        max_block_size=max_block_size,
        min_score=min_score,
        jobs=jobs,
        chunk=chunk,
        progress=progress,
    )
    if timings is not None:
        timings.update(prepare=prepared_at - started, pair_score=time.perf_counter() - prepared_at)
    return found
