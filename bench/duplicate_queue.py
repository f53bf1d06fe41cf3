"""The coordinators' review queue of possible duplicates, on the benchmark database.

    .venv/bin/python bench/duplicate_queue.py --postgres     # after find_duplicates on it

Run ``bench/matching_lookup.py --postgres --load 1000000`` and then
``manage.py find_duplicates`` on that database first (a million demo persons queue some
400,000 pairs). Prints, for a regional and a provincial coordinator, the median time of
the queue's pages (the first, a later one, filtered by likelihood) and their queries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry import configure, database_arguments  # noqa: E402

PAGES = (
    "/en/people/duplicates/",
    "/en/people/duplicates/?page=3",
    "/en/people/duplicates/?level=match",
    "/ar/people/duplicates/?level=possible&page=20",
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    database_arguments(parser)
    parser.add_argument("--runs", type=int, default=5, help="requests per page")
    args = parser.parse_args()
    configure(args)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mouwakaba.accounts.models import User
    from mouwakaba.people.models import DuplicatePair

    pending = DuplicatePair.objects.pending().count()
    if not pending:
        sys.exit("No pair waits for review: run manage.py find_duplicates on this database.")
    print(f"database: {connection.vendor}; pending pairs: {pending:,}")
    print(f"{'coordinator':24} {'page':48} {'median ms':>10} {'queries':>8}")
    for username in ("coordinator", "coord_nador"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        for page in PAGES:
            times = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(page, HTTP_HOST="localhost")
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (page, response.status_code)
            label = f"{username} ({user.role})"
            print(
                f"{label:24} {page:48} {statistics.median(times):10.0f} "
                f"{len(queries.captured_queries):8}"
            )


if __name__ == "__main__":
    main()
