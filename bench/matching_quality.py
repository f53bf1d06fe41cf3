"""Quality and speed of duplicate detection on a synthetic registry, beside Splink.

    .venv/bin/python bench/matching_quality.py                 # 100,000 records, 2 processes
    .venv/bin/python bench/matching_quality.py --size 1000000  # the 1M mode
    .venv/bin/python bench/matching_quality.py --no-splink     # our engine only
    .venv/bin/python bench/matching_quality.py --variants none # without variant tables

Generates a registry with known duplicates (``matching_data.py``, seed 1 by default) and
runs the full batch as ``find_duplicates --full`` does (``people.matching.batch``): every
record prepared and filed under
its blocking keys, every record looking up its candidates among the records before it
(within the registration-time budget), every candidate pair scored. Prints pairwise
precision, recall and F1 of "match" (score ≥ MATCH_THRESHOLD from settings), the recall
of "possible" and the share sent to review (possible, not match), recall per difficulty
(cross-script, swapped, typo, DOB differs, DOB missing; see ``matching_data.difficulties``),
blocking recall, pairs per record, the batch time, records/s and peak memory; then runs
Splink (DuckDB) on the same records in its own process and prints the same table.

The lookup of one record (``--lookups``) is timed too: keys, the budget, the candidates'
comparison, in process (the database part is measured by bench/registry.py).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from array import array
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import matching_splink
import numpy as np
from matching_data import DIFFICULTIES, Registry, difficulties, generate

from mouwakaba.people.matching import (
    DEFAULT_CANDIDATE_BUDGET,
    DEFAULT_MATCH_THRESHOLD,
    DEFAULT_MAX_BLOCK_SIZE,
    DEFAULT_POSSIBLE_THRESHOLD,
    Matcher,
    MatchModel,
    PersonRecord,
    RegistryStats,
    VariantTable,
    blocking,
    keys_within_budget,
)
from mouwakaba.people.matching.batch import score_registry
from mouwakaba.people.matching.variants import DATA_DIR

VARIANT_CHOICES = {
    "none": (),
    "hand": ("name_variants.csv",),
    "anr": ("name_variants_anr.csv",),
    "both": ("name_variants.csv", "name_variants_anr.csv"),
}


def settings_thresholds() -> tuple[float, float]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mouwakaba.settings")
    from django.conf import settings

    return float(settings.MATCH_THRESHOLD), float(settings.POSSIBLE_THRESHOLD)


Scored = tuple[array, array, array]  # i, j, score


class MemoryWatch:
    """The peak of what the run holds: this process's resident memory plus what its
    child processes hold of their own (a forked worker's resident size counts the pages
    it shares copy-on-write with the parent, so summing it would overstate), sampled
    every 0.2 s from /proc. 0 where /proc is missing."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_mb = max(self.peak_mb, self.now_mb())

    @staticmethod
    def now_mb() -> float:
        me = os.getpid()
        total = _smaps(me, ("Rss",))
        try:
            children = Path(f"/proc/{me}/task/{me}/children").read_text().split()
        except OSError:
            children = []
        for child in children:
            total += _smaps(int(child), ("Private_Clean", "Private_Dirty"))
        return total / 1024


def _smaps(pid: int, fields: tuple[str, ...]) -> float:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii")
    except OSError:
        return 0.0
    return float(
        sum(int(line.split()[1]) for line in text.splitlines() if line.split(":")[0] in fields)
    )


def run_engine(
    records: list[PersonRecord], matcher: Matcher, args: argparse.Namespace
) -> tuple[Scored, dict[str, float]]:
    """The batch as ``find_duplicates --full`` runs it (``people.matching.batch``)."""
    timing: dict[str, float] = {}
    stats = RegistryStats(size=len(records)) if args.no_frequencies else None
    with MemoryWatch() as memory:
        start = time.perf_counter()
        found = score_registry(
            records,
            matcher=matcher,
            stats=stats,
            budget=args.budget,
            max_block_size=args.max_block_size,
            jobs=args.jobs,
            timings=timing,
        )
        timing["total"] = time.perf_counter() - start
    timing["peak_mb"] = memory.peak_mb
    left, right, scores = array("i"), array("i"), array("d")
    left.frombytes(found.i.astype(np.int32).tobytes())
    right.frombytes(found.j.astype(np.int32).tobytes())
    scores.frombytes(found.score.astype(np.float64).tobytes())
    return (left, right, scores), timing


def time_lookups(
    records: list[PersonRecord], matcher: Matcher, n: int, seed: int
) -> tuple[float, float]:
    """The engine's part of a registration-time lookup: a new record's keys, the budget
    over the stored counts, comparing the candidates. p50 and p95 in ms."""
    prepared = [matcher.prepare(record) for record in records]
    counts: Counter[str] = Counter()
    for record in prepared:
        counts.update(matcher.frequency_keys(record))
    stats = RegistryStats(size=len(records), counts=counts)
    index = blocking.file_records(blocking.blocking_keys(record) for record in prepared)
    rng = random.Random(seed)
    fresh = Matcher(model=matcher.model, variants=matcher.variants)  # cold caches
    times = []
    for _ in range(n):
        record = records[rng.randrange(len(records))]
        t = time.perf_counter()
        new = fresh.prepare(record)
        lookup = blocking.lookup_keys(new)
        counts = {key: len(blocking.members(index[key])) for key in lookup if key in index}
        chosen = keys_within_budget(counts)
        ids = {i for key in chosen for i in blocking.members(index[key])}
        for i in ids:
            fresh.compare(
                new, prepared[i], stats=stats, match_threshold=0.9, possible_threshold=0.3
            )
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * len(times))]


def report(
    name: str,
    registry: Registry,
    scored: Scored,
    match: float,
    possible: float,
    seconds: float,
    peak_mb: float,
    detail: str,
    also: Sequence[tuple[float, float]] = (),
) -> dict[str, float]:
    records, person_of = registry.records, registry.person_of
    left, right, scores = scored
    truth = registry.true_pairs()
    n_true = len(truth)
    true_score: dict[tuple[int, int], float] = {}
    matched = possible_n = matched_true = possible_true = 0
    for i, j, s in zip(left, right, scores, strict=True):
        same = person_of[i] == person_of[j]
        if same:
            key = (i, j) if i < j else (j, i)
            true_score[key] = max(s, true_score.get(key, -1.0))
        if s >= match:
            matched += 1
            matched_true += same
        elif s >= possible:
            possible_n += 1
            possible_true += same
    precision = matched_true / matched if matched else float("nan")
    recall = matched_true / n_true
    f1 = 2 * precision * recall / (precision + recall) if matched_true else 0.0
    found_possible = (matched_true + possible_true) / n_true
    print(f"\n== {name}: {len(records):,} records, {n_true:,} true pairs ({detail})")
    print(f"match (≥ {match}):   precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}")
    print(
        f"possible (≥ {possible}): recall {found_possible:.4f}; sent to review "
        f"{possible_n:,} pairs ({1000 * possible_n / len(records):.1f} per 1,000 records, "
        f"{possible_true / max(1, possible_n):.0%} of them true)"
    )
    by_kind: dict[str, list[int]] = {kind: [0, 0, 0, 0] for kind in DIFFICULTIES}
    for i, j in truth:
        s = true_score.get((i, j))
        for kind in difficulties(registry, i, j):
            counts = by_kind[kind]
            counts[0] += 1
            counts[1] += s is not None
            counts[2] += s is not None and s >= possible
            counts[3] += s is not None and s >= match
    print(f"{'recall by difficulty':22} {'pairs':>7} {'match':>7} {'possible':>9} {'blocked':>8}")
    for kind, (total, blocked, poss, mat) in by_kind.items():
        if total:
            print(
                f"  {kind:20} {total:7,} {mat / total:7.3f} {poss / total:9.3f} {blocked / total:8.3f}"
            )
    print(
        f"blocking recall {len(true_score) / n_true:.4f}; pairs compared {len(scores):,} "
        f"({len(scores) / len(records):.1f} per record)"
    )
    print(
        f"full batch {seconds:.1f} s, {len(records) / seconds:,.0f} records/s; "
        f"peak memory {peak_mb:,.0f} MB"
    )
    order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
    hits = list(itertools.accumulate(int(person_of[left[k]] == person_of[right[k]]) for k in order))
    best_f1, best_threshold = 0.0, 1.0
    for rank, k in enumerate(order):
        f = 2 * hits[rank] / (rank + 1 + n_true)
        if f > best_f1:
            best_f1, best_threshold = f, scores[k]
    descending = [-scores[k] for k in order]
    curve = []
    for threshold in (0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99, 0.995, 0.999):
        found = bisect.bisect_right(descending, -threshold)
        h = hits[found - 1] if found else 0
        curve.append(f"{threshold}: P {h / max(1, found):.3f} R {h / n_true:.3f}")
    print(f"best F1 {best_f1:.4f} at threshold {best_threshold:.4f}")
    print("by threshold  " + "; ".join(curve))
    for other_match, other_possible in also:
        _brief(registry, scored, true_score, other_match, other_possible)
    return {"precision": precision, "recall": recall, "f1": f1}


def _brief(
    registry: Registry,
    scored: Scored,
    true_score: dict[tuple[int, int], float],
    match: float,
    possible: float,
) -> None:
    """One line at other thresholds: the same scores, read differently."""
    person_of = registry.person_of
    _, _, scores = scored
    left, right = scored[0], scored[1]
    matched = sum(s >= match for s in scores)
    review = sum(possible <= s < match for s in scores)
    n_true = len(registry.true_pairs())
    tp = sum(s >= match for s in true_score.values())
    found = sum(s >= possible for s in true_score.values())
    precision = tp / max(1, matched)
    recall = tp / n_true
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    cross = [
        true_score.get(pair)
        for pair in registry.true_pairs()
        if "cross-script" in difficulties(registry, *pair)
    ]
    cross_match = sum(s is not None and s >= match for s in cross) / max(1, len(cross))
    cross_possible = sum(s is not None and s >= possible for s in cross) / max(1, len(cross))
    del person_of, left, right
    print(
        f"at match ≥ {match} / possible ≥ {possible}: precision {precision:.4f} recall "
        f"{recall:.4f} F1 {f1:.4f}; possible recall {found / n_true:.4f}, review "
        f"{1000 * review / len(registry.records):.1f} per 1,000 records; cross-script "
        f"{cross_match:.3f} / {cross_possible:.3f}"
    )


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    match_default, possible_default = settings_thresholds()
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="processes for pairing and scoring")
    parser.add_argument("--variants", choices=sorted(VARIANT_CHOICES), default="both")
    parser.add_argument("--weights", type=Path, default=None)
    parser.add_argument("--match", type=float, default=match_default)
    parser.add_argument("--possible", type=float, default=possible_default)
    parser.add_argument("--max-block-size", type=int, default=DEFAULT_MAX_BLOCK_SIZE)
    parser.add_argument("--budget", type=int, default=DEFAULT_CANDIDATE_BUDGET)
    parser.add_argument("--lookups", type=int, default=500, help="registration lookups to time")
    parser.add_argument("--show-errors", type=int, default=0, help="print some misses")
    parser.add_argument("--no-splink", action="store_true", help="our engine only")
    parser.add_argument(
        "--no-frequencies", action="store_true", help="no term-frequency adjustment"
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    registry = generate(args.size, args.seed)
    records = registry.records
    print(
        f"registry: {len(records):,} records, seed {args.seed} "
        f"({time.perf_counter() - t0:.1f} s to generate, not counted)"
    )
    variants = VariantTable.from_files(DATA_DIR / name for name in VARIANT_CHOICES[args.variants])
    model = MatchModel.from_json(args.weights) if args.weights else MatchModel.from_json()
    matcher = Matcher(model=model, variants=variants)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # The engine's own defaults, when settings differ (recommended values, see matcher.py).
    also = [
        pair
        for pair in ((DEFAULT_MATCH_THRESHOLD, DEFAULT_POSSIBLE_THRESHOLD),)
        if pair != (args.match, args.possible)
    ]
    scored, timing = run_engine(records, matcher, args)
    peak = timing["peak_mb"]
    detail = (
        f"{args.jobs} process{'es' if args.jobs > 1 else ''}; columns and keys "
        f"{timing['prepare']:.1f} s, pair and score {timing['pair_score']:.1f} s; variants "
        f"{args.variants}; peak memory counts the generated registry, {base_rss:,.0f} MB"
    )
    report(
        "Mouwakaba engine",
        registry,
        scored,
        args.match,
        args.possible,
        timing["total"],
        peak,
        detail,
        also,
    )
    if args.lookups:
        p50, p95 = time_lookups(records, matcher, args.lookups, args.seed)
        print(
            f"registration lookup, engine part (keys, budget, comparisons; cold name caches): "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms over {args.lookups}"
        )
    if args.show_errors:
        show_errors(matcher, registry, scored, args.match, args.show_errors)

    if args.no_splink:
        return
    if not matching_splink.available():
        print("\nSplink is not installed: pip install 'splink>=4.0,<5' (the bench extra)")
        return
    with tempfile.TemporaryDirectory() as workdir:
        stats, pairs = matching_splink.run_in_subprocess(records, Path(workdir), floor=0.001)
    left, right, scores = array("i"), array("i"), array("d")
    for i, j, s in pairs:
        left.append(i)
        right.append(j)
        scores.append(s)
    report(
        "Splink 4 (DuckDB), same records",
        registry,
        (left, right, scores),
        args.match,
        args.possible,
        stats["seconds"],
        stats["peak_mb"],
        f"its own process, training {stats['train_seconds']:.1f} s; only pairs scored "
        f"≥ 0.001 are kept, so 'blocked' reads 'scored at least 0.001'",
        also,
    )


def show_errors(
    matcher: Matcher, registry: Registry, scored: Scored, match: float, limit: int
) -> None:
    records, person_of = registry.records, registry.person_of
    counts = Counter(key for record in records for key in matcher.frequency_keys(record))
    stats = RegistryStats(size=len(records), counts=counts)
    left, right, scores = scored
    score_of = {(i, j): s for i, j, s in zip(left, right, scores, strict=True)}
    truth = sorted(registry.true_pairs())
    causes: Counter[str] = Counter()
    print("\n-- missed true pairs")
    shown = 0
    for i, j in truth:
        s = score_of.get((i, j))
        if s is not None and s >= match:
            continue
        if s is None:
            causes["not blocked"] += 1
        else:
            result = matcher.compare(
                records[i], records[j], match_threshold=1, possible_threshold=1, stats=stats
            )
            for e in result.evidence:
                if e.weight < -1:
                    causes[e.code] += 1
        if shown < limit:
            shown += 1
            print(
                f"{-1 if s is None else s:.3f}", _short(records[i]), "\n      ", _short(records[j])
            )
            if s is not None:
                print("       ", [f"{e.code} {e.weight:+.1f}" for e in result.evidence])
    print(causes.most_common(15))
    print("\n-- false matches")
    shown = 0
    for (i, j), s in score_of.items():
        if s < match or person_of[i] == person_of[j] or shown >= limit:
            continue
        shown += 1
        result = matcher.compare(
            records[i], records[j], match_threshold=1, possible_threshold=1, stats=stats
        )
        print(f"{s:.3f}", _short(records[i]), "\n      ", _short(records[j]))
        print("       ", [f"{e.code} {e.weight:+.1f}" for e in result.evidence])


def _short(r: PersonRecord) -> str:
    names = " / ".join(
        " ".join(p for p in parts if p)
        for parts in ((r.given_name_ar, r.family_name_ar), (r.given_name_lat, r.family_name_lat))
        if any(parts)
    )
    birth = r.birth_date or (f"~{r.birth_year}" if r.birth_date_approximate else r.birth_year)
    return f"{names} | {birth} {r.sex} {r.nationality} {r.phone} {','.join(r.document_numbers)}"


if __name__ == "__main__":
    main()
