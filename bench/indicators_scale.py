"""Make a demo database K times bigger, for benchmarks of aggregates only.

    .venv/bin/python bench/indicators_scale.py --source mk_demo_100k --target mk_indicators_1m --times 10

Copies the source database (filled by ``manage.py load_demo``; pg_dump | pg_restore) and
repeats its persons, cases, needs, tasks, transfers and referrals ``times - 1`` more times
with new identifiers (same dates, cells and attributes), so that every figure of a period
is ``times`` as large while its distribution stays the demo generator's. Names repeat,
which matters to no aggregate; the copy is for bench/indicators.py, never for matching
benchmarks (the duplicate check would find every person ``times`` times).

It is quicker than generating a million persons on two busy cores (the generator
prepares each person's match keys): a few minutes instead of hours.
"""

# Table and column names below are constants of this file; values are bound parameters.
# ruff: noqa: S603, S607, S608  (pg_dump and pg_restore from PATH, with arguments of this file)

from __future__ import annotations

import argparse
import subprocess
import time

import psycopg
from tqdm import tqdm

# Suffixes for the copies' codes, from the referral codes' alphabet (no 0/O/1/I/L/U).
SUFFIXES = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def columns(connection: psycopg.Connection, table: str) -> list[str]:
    rows = connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [row[0] for row in rows]


def copy_rows(
    connection: psycopg.Connection,
    table: str,
    replaced: dict[str, str],
    times: int,
) -> None:
    """INSERT the table's rows ``times - 1`` times, each column taken as is unless
    ``replaced`` gives an expression (``k`` is the copy's number, 1..times-1)."""
    names = columns(connection, table)
    select = ", ".join(replaced.get(name, f"t.{name}") for name in names)
    connection.execute(
        f"INSERT INTO {table} ({', '.join(names)}) "
        f"SELECT {select} FROM {table} t CROSS JOIN generate_series(1, %s) AS k",
        [times - 1],
    )


def new_uuid(column: str) -> str:
    return f"md5(t.{column}::text || ':' || k)::uuid"


def shifted(column: str, offset: int) -> str:
    return f"t.{column} + k * {offset}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", required=True, help="a database filled by load_demo")
    parser.add_argument("--target", required=True)
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--host", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    if args.times < 2 or args.times > len(SUFFIXES) + 1:
        parser.error(f"--times takes 2 to {len(SUFFIXES) + 1}")

    with psycopg.connect(f"{args.host}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.target}"')
        admin.execute(f'CREATE DATABASE "{args.target}"')
    started = time.perf_counter()
    dump = subprocess.Popen(
        ["pg_dump", "-Fc", f"{args.host}/{args.source}"], stdout=subprocess.PIPE
    )
    subprocess.run(
        ["pg_restore", "--no-owner", "-d", f"{args.host}/{args.target}"],
        stdin=dump.stdout,
        check=True,
    )
    if dump.wait() != 0:
        raise SystemExit("pg_dump failed")
    print(f"copied {args.source} to {args.target} in {time.perf_counter() - started:.0f} s")

    suffix = f"substr('{SUFFIXES}', k, 1)"
    with psycopg.connect(f"{args.host}/{args.target}") as connection:
        offsets = {
            table: (
                connection.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()
                or [1]
            )[0]
            for table in ("cases_need", "cases_task", "cases_transfer")
        }
        steps = [
            ("people_person", {"id": new_uuid("id"), "merged_into_id": "NULL"}),
            (
                "cases_case",
                {
                    "id": new_uuid("id"),
                    "person_id": new_uuid("person_id"),
                    "reference": f"t.reference || '-' || {suffix}",
                },
            ),
            (
                "cases_need",
                {"id": shifted("id", offsets["cases_need"]), "case_id": new_uuid("case_id")},
            ),
            (
                "cases_task",
                {"id": shifted("id", offsets["cases_task"]), "case_id": new_uuid("case_id")},
            ),
            (
                "cases_transfer",
                {
                    "id": shifted("id", offsets["cases_transfer"]),
                    "case_id": new_uuid("case_id"),
                },
            ),
            (
                "referrals_referral",
                {
                    "id": new_uuid("id"),
                    "case_id": new_uuid("case_id"),
                    "need_id": shifted("need_id", offsets["cases_need"]),
                    "code": f"t.code || {suffix}",
                },
            ),
        ]
        for table, replaced in tqdm(steps, desc="copies", unit="table"):
            copy_rows(connection, table, replaced, args.times)
        for table in offsets:
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        connection.commit()
        counts = {
            table: (connection.execute(f"SELECT count(*) FROM {table}").fetchone() or [0])[0]
            for table, _replaced in steps
        }
    with psycopg.connect(f"{args.host}/{args.target}", autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    print(
        ", ".join(f"{table}: {count:,}" for table, count in counts.items())
        + f" ({time.perf_counter() - started:.0f} s in all)"
    )


if __name__ == "__main__":
    main()
