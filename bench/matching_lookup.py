"""The duplicate check at registration, against the whole registry: p50/p95 per lookup.

    .venv/bin/python bench/matching_lookup.py --postgres             # 1,000,000 persons
    .venv/bin/python bench/matching_lookup.py                        # 200,000 on SQLite
    .venv/bin/python bench/matching_lookup.py --postgres --rekey     # after an engine change
    .venv/bin/python bench/matching_lookup.py --postgres --load 1000000 --jobs 2  # fill it

It uses the registry benchmark's database (bench/registry.py loads it, with cases);
``--load N`` fills it with N demo persons only (no cases), ``--jobs`` processes at once,
which is all a lookup reads. Each lookup is
what the registration page does before saving a new person: the engine's lookup keys,
their counts, the candidates within the budget, their files, the comparison and the
audit event — through ``duplicates.find_candidates``. How common each name is comes from
the count of common keys that the duplicate batch refreshes; the benchmark makes that
count first if the registry has never had one. The person at the desk is taken
from the registry and shown to the check in three ways: as registered; in one script
only with the year of birth only; with given and family names swapped.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry import configure, database_arguments, percentile  # noqa: E402


def _load_range(bounds: tuple[int, int]) -> int:
    """One worker's share of the persons, in the demo generator's batches (each with its
    documents, access, search tokens, match keys and consents)."""
    from mouwakaba.people import demo

    first, last = bounds
    context = demo.context()
    for start in range(first, last, demo.BATCH):
        demo._create_batch(LOAD_SEED, start, min(last, start + demo.BATCH), context)
    return last - first


LOAD_SEED = 0.5  # the demo generator's seed: the same persons on every load


def load(persons: int, jobs: int) -> None:
    """Persons only, created by the demo generator in ``jobs`` processes at once."""
    import multiprocessing

    from django.core.management import call_command
    from django.db import connection, connections
    from tqdm import tqdm

    from mouwakaba.people.models import Person

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    call_command("load_demo", persons=0, verbosity=0)  # the demo accounts
    existing = Person.objects.count()
    step = 20_000
    ranges = [(start, min(persons, start + step)) for start in range(existing, persons, step)]
    connections.close_all()  # each worker opens its own connection
    started = time.perf_counter()
    with (
        tqdm(total=persons - existing, unit="p", desc="persons") as bar,
        multiprocessing.get_context("fork").Pool(jobs) as pool,
    ):
        for done in pool.imap_unordered(_load_range, ranges):
            bar.update(done)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"loaded {persons - existing:,} persons in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    database_arguments(parser)
    parser.add_argument("--runs", type=int, default=300, help="lookups per variant")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--rekey", action="store_true", help="recompute every match key with the current engine"
    )
    parser.add_argument("--load", type=int, default=0, help="fill with this many persons first")
    parser.add_argument("--jobs", type=int, default=2, help="processes filling the database")
    args = parser.parse_args()
    configure(args)
    if args.load:
        load(args.load, args.jobs)

    from dataclasses import replace

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from tqdm import tqdm

    from mouwakaba.accounts.models import User
    from mouwakaba.people.duplicates import (
        find_candidates,
        record_of,
        recount_common_keys,
        rekey,
    )
    from mouwakaba.people.models import CommonMatchKey, Person, PersonMatchKey

    total = Person.objects.count()
    if not total:
        sys.exit("The benchmark database is empty: run bench/registry.py first.")
    if args.rekey:
        with tqdm(total=total, unit="p", desc="match keys") as bar:
            rekey(progress=lambda done, _total: bar.update(done - bar.n))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    elif not CommonMatchKey.objects.exists():
        # What the duplicate batch does at every run; a freshly loaded registry has not
        # had one, and without it every common name would count as merely common.
        recount_common_keys()

    agent = User.objects.get(username="agent_oujda")
    rng = random.Random(args.seed)
    # A random sample without scanning the table: persons' ids are random UUIDs.
    sample = []
    while len(sample) < args.runs:
        import uuid

        pivot = uuid.UUID(int=rng.getrandbits(128))
        person = Person.objects.filter(pk__gte=pivot).order_by("pk").first()
        if person is not None:
            sample.append(record_of(person))
    variants = {
        "as registered": sample,
        "one script, year of birth only": [
            replace(
                r,
                given_name_lat="" if r.given_name_ar else r.given_name_lat,
                family_name_lat="" if r.given_name_ar else r.family_name_lat,
                birth_date=None,
                birth_year=(r.birth_date.year if r.birth_date else r.birth_year),
                phone="",
            )
            for r in sample
        ],
        "given and family names swapped": [
            replace(
                r,
                given_name_ar=r.family_name_ar,
                family_name_ar=r.given_name_ar,
                given_name_lat=r.family_name_lat,
                family_name_lat=r.given_name_lat,
                phone="",
            )
            for r in sample
        ],
    }
    print(
        f"database: {connection.vendor}; persons: {total:,}; "
        f"match keys: {PersonMatchKey.objects.count():,}; "
        f"common keys: {CommonMatchKey.objects.count():,}"
    )
    find_candidates(agent, sample[0])  # warm up (statistics, caches)
    print(f"{'lookup':36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'found':>6} {'queries':>8}")
    for label, records in variants.items():
        timings: list[float] = []
        queries: set[int] = set()
        found = 0
        for record in records:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                candidates = find_candidates(agent, record)
                timings.append((time.perf_counter() - started) * 1000)
            queries.add(len(captured.captured_queries))
            found += bool(candidates)
        counts = "/".join(str(q) for q in sorted(queries))
        print(
            f"{label:36} {statistics.median(timings):8.1f} {percentile(timings, 0.95):8.1f} "
            f"{max(timings):8.1f} {found / len(records):6.0%} {counts:>8}"
        )


if __name__ == "__main__":
    main()
