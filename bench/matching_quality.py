"""Quality and speed of duplicate detection on a synthetic registry.

    .venv/bin/python bench/matching_quality.py                 # 100,000 records
    .venv/bin/python bench/matching_quality.py --size 1000000  # the 1M mode
    .venv/bin/python bench/matching_quality.py --variants none # without variant tables

Generates a registry with known duplicates (``matching_data.py``, seed 1 by default),
files every record under its blocking keys, compares the candidate pairs and prints:
precision, recall and F1 of "match" (score ≥ the match threshold), the recall of
"possible", the same recall on cross-script pairs (one record with Arabic names only, the
other with Latin names only), blocking recall (true pairs that share a key at all), pairs
compared per record, and records per second for the whole run (preparing, keying,
pairing, scoring) in one process — or in ``--jobs`` processes for the scoring.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import multiprocessing
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from matching_data import generate, is_cross_script

from mouwakaba.people.matching import (
    DEFAULT_CANDIDATE_BUDGET,
    DEFAULT_MATCH_THRESHOLD,
    DEFAULT_MAX_BLOCK_SIZE,
    DEFAULT_POSSIBLE_THRESHOLD,
    Matcher,
    MatchModel,
    PersonRecord,
    PreparedRecord,
    RegistryStats,
    VariantTable,
)
from mouwakaba.people.matching.variants import DATA_DIR

VARIANT_CHOICES = {
    "none": (),
    "hand": ("name_variants.csv",),
    "anr": ("name_variants_anr.csv",),
    "both": ("name_variants.csv", "name_variants_anr.csv"),
}

_worker: tuple[Matcher, list[PreparedRecord], RegistryStats] | None = None


def _score_chunk(pairs: Sequence[tuple[int, int]]) -> list[float]:
    assert _worker is not None
    matcher, prepared, stats = _worker
    return [matcher.score(prepared[i], prepared[j], stats) for i, j in pairs]


def main() -> None:
    global _worker  # the pool's workers inherit it by fork
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="processes for scoring")
    parser.add_argument("--variants", choices=sorted(VARIANT_CHOICES), default="both")
    parser.add_argument("--weights", type=Path, default=None)
    parser.add_argument("--match", type=float, default=DEFAULT_MATCH_THRESHOLD)
    parser.add_argument("--possible", type=float, default=DEFAULT_POSSIBLE_THRESHOLD)
    parser.add_argument("--max-block-size", type=int, default=DEFAULT_MAX_BLOCK_SIZE)
    parser.add_argument("--budget", type=int, default=DEFAULT_CANDIDATE_BUDGET)
    parser.add_argument("--show-errors", type=int, default=0, help="print some misses")
    parser.add_argument(
        "--no-frequencies", action="store_true", help="no term-frequency adjustment"
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    registry = generate(args.size, args.seed)
    records: list[PersonRecord] = registry.records
    truth = registry.true_pairs()
    generated = time.perf_counter()
    print(f"registry: {len(records)} records, {len(truth)} true pairs ({generated - t0:.1f} s)")

    variants = VariantTable.from_files(DATA_DIR / name for name in VARIANT_CHOICES[args.variants])
    model = MatchModel.from_json(args.weights) if args.weights else MatchModel.from_json()
    matcher = Matcher(model=model, variants=variants)

    start = time.perf_counter()
    prepared = [matcher.prepare(record) for record in records]
    counts: Counter[str] = Counter()
    if not args.no_frequencies:
        for record in prepared:
            counts.update(matcher.frequency_keys(record))
    stats = RegistryStats(size=len(records), counts=counts)
    t_prepare = time.perf_counter()
    pairs = list(
        matcher.candidate_pairs(prepared, budget=args.budget, max_block_size=args.max_block_size)
    )
    t_block = time.perf_counter()
    if args.jobs > 1:
        _worker = (matcher, prepared, stats)
        size = 20_000
        chunks = [pairs[k : k + size] for k in range(0, len(pairs), size)]
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            scores = [s for chunk in pool.map(_score_chunk, chunks) for s in chunk]
    else:
        scores = [matcher.score(prepared[i], prepared[j], stats) for i, j in pairs]
    end = time.perf_counter()
    elapsed = end - start

    candidates = set(pairs)
    matched = {pair for pair, score in zip(pairs, scores, strict=True) if score >= args.match}
    possible = {pair for pair, score in zip(pairs, scores, strict=True) if score >= args.possible}
    cross = {pair for pair in truth if is_cross_script(records[pair[0]], records[pair[1]])}

    def recall(found: set[tuple[int, int]], among: set[tuple[int, int]]) -> float:
        return len(found & among) / len(among) if among else float("nan")

    tp = len(matched & truth)
    precision = tp / len(matched) if matched else float("nan")
    rec = tp / len(truth)
    f1 = 2 * precision * rec / (precision + rec) if tp else 0.0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"variants: {args.variants} ({len(variants)} spellings); thresholds {args.match} / {args.possible}"
    )
    print(f"match:     precision {precision:.4f}  recall {rec:.4f}  F1 {f1:.4f}")
    print(
        f"possible:  precision {len(possible & truth) / max(1, len(possible)):.4f}  recall {recall(possible, truth):.4f}"
    )
    print(
        f"cross-script pairs: {len(cross)}  recall match {recall(matched, cross):.4f}  possible {recall(possible, cross):.4f}  blocked {recall(candidates, cross):.4f}"
    )
    print(
        f"blocking recall {recall(candidates, truth):.4f}  pairs compared {len(pairs)}  per record {len(pairs) / len(records):.1f}"
    )
    print(
        f"time: prepare {t_prepare - start:.1f} s, block {t_block - t_prepare:.1f} s, "
        f"score {end - t_block:.1f} s ({args.jobs} process{'es' if args.jobs > 1 else ''}); "
        f"{len(records) / elapsed:,.0f} records/s, {len(pairs) / max(1e-9, end - t_block):,.0f} pairs/s; "
        f"peak memory {peak_mb:,.0f} MB"
    )
    # The best threshold for F1 on this registry, and precision and recall by threshold.
    ranked = sorted(
        ((score, pair in truth) for score, pair in zip(scores, pairs, strict=True)), reverse=True
    )
    hits_above = list(itertools.accumulate(int(true) for _, true in ranked))
    best_f1, best_threshold = 0.0, 1.0
    for k, (score, _) in enumerate(ranked):
        f = 2 * hits_above[k] / (k + 1 + len(truth))
        if f > best_f1:
            best_f1, best_threshold = f, score
    print(f"best F1 on this registry {best_f1:.4f} at threshold {best_threshold:.3f}")
    descending = [-score for score, _ in ranked]
    curve = []
    for threshold in (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99):
        found = bisect.bisect_right(descending, -threshold)
        hits = hits_above[found - 1] if found else 0
        curve.append(f"{threshold}: P {hits / max(1, found):.3f} R {hits / len(truth):.3f}")
    print("by threshold  " + "; ".join(curve))
    if args.show_errors:
        _show_errors(
            matcher, stats, records, truth, matched, candidates, pairs, scores, args.show_errors
        )


def _show_errors(
    matcher: Matcher,
    stats: RegistryStats,
    records: list[PersonRecord],
    truth: set[tuple[int, int]],
    matched: set[tuple[int, int]],
    candidates: set[tuple[int, int]],
    pairs: list[tuple[int, int]],
    scores: list[float],
    limit: int,
) -> None:
    score_of = dict(zip(pairs, scores, strict=True))
    misses = sorted(truth - matched)
    causes: Counter[str] = Counter()
    print("\n-- missed true pairs")
    for n, (i, j) in enumerate(misses):
        if (i, j) not in candidates:
            causes["not blocked"] += 1
        else:
            result = matcher.compare(
                records[i], records[j], match_threshold=1, possible_threshold=1
            )
            for e in result.evidence:
                if e.weight < -1:
                    causes[e.code] += 1
        if n < limit:
            print(f"{score_of.get((i, j), -1):.3f}", records[i], "\n     ", records[j])
            if (i, j) in candidates:
                result = matcher.compare(
                    records[i], records[j], match_threshold=1, possible_threshold=1
                )
                print("      ", [f"{e.code} {e.weight:+.1f}" for e in result.evidence])
    print(causes.most_common(15))
    print("\n-- false matches")
    for i, j in sorted(matched - truth)[:limit]:
        result = matcher.compare(
            records[i], records[j], match_threshold=1, possible_threshold=1, stats=stats
        )
        print(f"{score_of[(i, j)]:.3f}", records[i], "\n     ", records[j])
        print("      ", [f"{e.code} {e.weight:+.1f}" for e in result.evidence])


if __name__ == "__main__":
    main()
