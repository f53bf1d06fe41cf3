"""Registry and caseload at scale: p50/p95 of searches and pages, and SQL queries per page.

    .venv/bin/python bench/registry.py                      # 200,000 persons on SQLite
    .venv/bin/python bench/registry.py --postgres --persons 1000000
    .venv/bin/python bench/registry.py --persons 20000 --runs 50   # a quick look

The database is a dedicated one (var/bench/ for SQLite, mouwakaba_bench on PostgreSQL),
filled once with the demo generator (progress bar) and reused by later runs. Pages are
timed through Django's full request handling (middleware, view, template) with the test
client, so the figures are server time without the network.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


BENCH_DATABASE = "postgres://postgres@127.0.0.1:5432/mouwakaba_bench"


def database_arguments(
    parser: argparse.ArgumentParser, postgres_help: str = "the benchmark database on PostgreSQL"
) -> None:
    """``--postgres`` and ``--postgres-url``, which ``configure`` reads."""
    parser.add_argument("--postgres", action="store_true", help=postgres_help)
    parser.add_argument("--postgres-url", default=BENCH_DATABASE)


def configure(args: argparse.Namespace) -> None:
    os.environ["MOUWAKABA_VAR_DIR"] = str(ROOT / "var" / "bench")
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres_url
        import psycopg

        admin = args.postgres_url.rsplit("/", 1)[0] + "/postgres"
        name = args.postgres_url.rsplit("/", 1)[1]
        with psycopg.connect(admin, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mouwakaba.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--persons", type=int, default=None, help="200,000 on SQLite, 1,000,000 on PostgreSQL"
    )
    database_arguments(parser)
    parser.add_argument("--runs", type=int, default=200, help="requests per measure")
    args = parser.parse_args()
    persons = args.persons or (1_000_000 if args.postgres else 200_000)
    configure(args)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mouwakaba.accounts.models import User
    from mouwakaba.cases.models import Case
    from mouwakaba.people.models import Person

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo", persons=persons, verbosity=0)
    load_seconds = time.perf_counter() - started
    # After a bulk load, statistics (and on PostgreSQL the visibility map that lets
    # index-only scans skip the table) are what autovacuum would leave in production.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")

    total = Person.objects.count()
    agent = User.objects.get(username="agent_oujda")
    coordinator = User.objects.get(username="coordinator")
    in_cell = Person.objects.visible_to(agent).count()
    print(
        f"database: {connection.vendor}; persons: {total:,}; cases: {Case.objects.count():,}; "
        f"persons in agent_oujda's cell: {in_cell:,}; load: {load_seconds:.0f} s"
    )

    person_ids = list(Person.objects.visible_to(agent).values_list("pk", flat=True)[: args.runs])
    arabic = [
        "محمد",
        "فاطمة الز",
        "العلوي",
        "يوسف بن",
        "خديجة",
        "عبد القادر",
        "الناظوري",
        "حسن الشر",
    ]
    latin = [
        "mohamed",
        "fatima zahra",
        "el alaoui",
        "youssef ben",
        "khadija",
        "abdelkader",
        "diallo",
        "hassan cher",
    ]
    measures = [
        ("search, Arabic script (agent)", agent, [f"/fr/people/?q={q}" for q in arabic], True),
        ("search, Latin script (agent)", agent, [f"/fr/people/?q={q}" for q in latin], True),
        (
            "search, Latin script (regional coordinator)",
            coordinator,
            [f"/fr/people/?q={q}" for q in latin],
            True,
        ),
        (
            "caseload list page (agent)",
            agent,
            [
                "/fr/cases/",
                "/fr/cases/?status=open",
                "/fr/cases/?sex=F&domain=health",
                "/fr/cases/?page=3",
            ],
            False,
        ),
        (
            "caseload list page (regional coordinator)",
            coordinator,
            [
                "/fr/cases/",
                "/fr/cases/?population=foreign&sex=F",
                "/fr/cases/?domain=health",
                "/fr/cases/?overdue=on",
            ],
            False,
        ),
        (
            "caseload sorted by name (agent)",
            agent,
            ["/fr/cases/?sort=person", "/fr/cases/?sort=person&status=in_progress"],
            False,
        ),
        ("person's file page (agent)", agent, [f"/fr/people/{pk}/" for pk in person_ids], False),
    ]
    print(f"{'measure':48} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, user, urls, htmx in measures:
        client = Client()
        client.force_login(user)
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        client.get(urls[0], **headers)  # warm up
        timings: list[float] = []
        queries: set[int] = set()
        for run in range(args.runs):
            url = urls[run % len(urls)]
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, **headers)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries.add(len(captured.captured_queries))
        counts = "/".join(str(q) for q in sorted(queries))
        print(
            f"{label:48} {statistics.median(timings):8.1f} {percentile(timings, 0.95):8.1f} {counts:>8}"
        )


if __name__ == "__main__":
    main()
