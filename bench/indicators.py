"""Indicators at scale: the regional dashboard and the programme report, timed beside the
same aggregates computed by one hand-written SQL query, in the same run.

    .venv/bin/python bench/indicators.py                       # mouwakaba_bench (PostgreSQL)
    .venv/bin/python bench/indicators.py --period 2026-Q3 --runs 10
    .venv/bin/python bench/indicators.py --postgres-url postgres://postgres@127.0.0.1:5432/mk_x --fill 50000

The database is only read, but for the stored figures of the period measured (the lead
fills mouwakaba_bench with bench/registry.py); ``--fill N`` creates N demo persons first,
for a database of your own. Pages are timed through Django's full request handling
(middleware, view, template) with the test client, three ways:

- "page": as users get it, with the figures computed ahead by ``refresh_indicators``
  (the bench runs that refresh for the period and the region first);
- "refresh": computing and storing every figure of the page, what cron does;
- "live page": the page with no stored figure, everything counted while it loads.

"one SQL" computes, in one statement, every figure the page shows (GROUP BY GROUPING
SETS); the target is the page within 2× of it and under 1 s.
"""

# The SQL below is assembled from constant fragments; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mouwakaba.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


def count_queries(connection: Any, function: Callable[[], Any]) -> int:
    sent: list[str] = []

    def counting(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
        sent.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(counting):
        function()
    return len(sent)


def timed(function: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median seconds over ``runs`` (after one warm-up run), and the last result."""
    result = function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


# --- The hand-written SQL ----------------------------------------------------------------

CELL_PROVINCE = """
cp AS (
  SELECT c.id AS cell_id,
         CASE WHEN t.level = 'province' THEN t.code WHEN t.level = 'commune' THEN p.code END AS province
  FROM territories_cell c
  JOIN territories_territory t ON t.id = c.territory_id
  LEFT JOIN territories_territory p ON p.id = t.parent_id
  WHERE c.id = ANY(%(cells)s)
)"""

AGE = """CASE WHEN {y} IS NULL THEN 'unknown' WHEN {y} >= %(year)s - 17 THEN '0-17'
  WHEN {y} >= %(year)s - 24 THEN '18-24' WHEN {y} >= %(year)s - 59 THEN '25-59' ELSE '60+' END"""


def _sets(splits: list[str]) -> str:
    groups = ["()", "(sex)"] + [f"(sex, {split})" for split in splits]
    return ", ".join(groups)


def _block(name: str, source: str, measure: str, splits: list[str]) -> str:
    """One indicator's figures: rows (indicator, sex, split name, split value, figure)."""
    split_name = (
        "CASE "
        + " ".join(f"WHEN GROUPING({split}) = 0 THEN '{split}'" for split in splits)
        + " END"
    )
    split_value = (
        "COALESCE("
        + ", ".join(f"CASE WHEN GROUPING({split}) = 0 THEN {split}::text END" for split in splits)
        + ")"
        if splits
        else "NULL"
    )
    return (
        f"SELECT '{name}' AS indicator, CASE WHEN GROUPING(sex) = 0 THEN sex END AS sex, "
        f"{split_name if splits else 'NULL'} AS split, {split_value} AS value, {measure} AS figure, "
        "NULL AS place "
        f"FROM ({source}) AS s GROUP BY GROUPING SETS ({_sets(splits)})"
    )


def sources(with_referrals: bool, persons_join: bool) -> dict[str, tuple[str, str, list[str]]]:
    """indicator → (rows with their splits, the aggregate, the splits)."""
    person = "LEFT JOIN people_person p ON p.id = c.person_id" if persons_join else ""
    legal = "COALESCE(NULLIF(p.legal_status, ''), 'unknown')" if persons_join else "'unknown'"
    nationality = "p.nationality" if persons_join else "''"
    case_columns = (
        f"c.person_sex AS sex, {AGE.format(y='c.person_birth_year')} AS age_group, "
        f"c.person_population AS population, {legal} AS legal_status, "
        f"{nationality} AS nationality, cp.province, c.cell_id AS cell, c.person_id"
    )
    splits = ["age_group", "population", "legal_status", "nationality", "province", "cell"]
    cases = f"FROM cases_case c JOIN cp ON cp.cell_id = c.cell_id {person}"
    result = {
        "cases_opened": (
            f"SELECT {case_columns} {cases} WHERE c.opened_at >= %(start)s AND c.opened_at < %(end)s",
            "count(*)",
            splits,
        ),
        "persons_received": (
            f"SELECT {case_columns} {cases} WHERE c.opened_at >= %(start)s AND c.opened_at < %(end)s",
            "count(DISTINCT person_id)",
            splits,
        ),
        "cases_closed": (
            f"SELECT {case_columns} {cases} WHERE c.closed_at >= %(start)s AND c.closed_at < %(end)s",
            "count(*)",
            splits,
        ),
        "open_cases_overdue": (
            f"SELECT {case_columns} {cases} WHERE c.opened_at < %(end)s "
            "AND (c.closed_at IS NULL OR c.closed_at >= %(end)s) AND EXISTS (SELECT 1 FROM "
            "cases_task k WHERE k.case_id = c.id AND k.due_on < %(day)s AND k.created_at < %(end)s "
            "AND (k.done_at IS NULL OR k.done_at >= %(end)s))",
            "count(*)",
            splits,
        ),
        "registrations": (
            f"SELECT p.sex, {AGE.format(y='p.birth_year')} AS age_group, p.population, "
            "COALESCE(NULLIF(p.legal_status, ''), 'unknown') AS legal_status, p.nationality, "
            "cp.province, p.registered_by_cell_id AS cell FROM people_person p "
            "JOIN cp ON cp.cell_id = p.registered_by_cell_id "
            "WHERE p.created_at >= %(start)s AND p.created_at < %(end)s",
            "count(*)",
            splits,
        ),
        "needs": (
            f"SELECT {case_columns}, n.domain AS need_domain FROM cases_need n "
            f"JOIN cases_case c ON c.id = n.case_id JOIN cp ON cp.cell_id = c.cell_id {person} "
            "WHERE n.created_at >= %(start)s AND n.created_at < %(end)s",
            "count(*)",
            [*splits, "need_domain"],
        ),
        "transfers": (
            f"SELECT {case_columns} FROM cases_transfer t JOIN cases_case c ON c.id = t.case_id "
            f"JOIN cp ON cp.cell_id = t.from_cell_id {person} WHERE t.status = 'accepted' "
            "AND t.decided_at >= %(start)s AND t.decided_at < %(end)s",
            "count(*)",
            splits,
        ),
    }
    if with_referrals:
        referral = (
            f"SELECT {case_columns}, n.domain AS need_domain, r.status, r.sent_at, r.delivered_on "
            "FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id "
            "JOIN cases_need n ON n.id = r.need_id JOIN cp ON cp.cell_id = r.cell_id "
            f"{person} WHERE "
        )
        sent = "r.sent_at >= %(start)s AND r.sent_at < %(end)s"
        result.update(
            {
                "referrals_made": (referral + sent, "count(*)", [*splits, "need_domain"]),
                "referral_completion_rate": (
                    referral + sent,
                    "round(100.0 * count(*) FILTER (WHERE status = 'completed') / "
                    "NULLIF(count(*), 0), 1)",
                    [*splits, "need_domain"],
                ),
                "referrals_completed": (
                    referral
                    + "r.status = 'completed' AND r.delivered_on BETWEEN %(first)s AND %(day_end)s",
                    "count(*)",
                    [*splits, "need_domain"],
                ),
                "median_days_to_service": (
                    referral
                    + "r.status = 'completed' AND r.delivered_on BETWEEN %(first)s AND %(day_end)s",
                    "percentile_cont(0.5) WITHIN GROUP (ORDER BY delivered_on - sent_at::date)",
                    [*splits, "need_domain"],
                ),
                "expired_referrals": (
                    referral
                    + "r.status = 'expired' AND r.closed_at >= %(start)s AND r.closed_at < %(end)s",
                    "count(*)",
                    [*splits, "need_domain"],
                ),
            }
        )
    return result


def dashboard_sql(with_referrals: bool) -> str:
    """Every figure of the regional dashboard: each indicator by sex and province, cases by
    month and sex over twelve months, needs by domain and sex."""
    blocks = []
    for name, (source, measure, _splits) in sources(with_referrals, persons_join=False).items():
        blocks.append(_block(name, source, measure, ["province"]))
    blocks.append(
        "SELECT 'cases_by_month', c.person_sex, 'month', to_char(c.opened_at AT TIME ZONE "
        "%(zone)s, 'YYYY-MM'), count(*), NULL FROM cases_case c WHERE c.cell_id = ANY(%(cells)s) "
        "AND c.opened_at >= %(year_start)s AND c.opened_at < %(end)s GROUP BY 2, 4"
    )
    blocks.append(
        "SELECT 'needs_by_domain', c.person_sex, 'need_domain', n.domain, count(*), NULL "
        "FROM cases_need n JOIN cases_case c ON c.id = n.case_id "
        "WHERE c.cell_id = ANY(%(cells)s) AND n.created_at >= %(start)s AND n.created_at < %(end)s "
        "GROUP BY 2, 4"
    )
    blocks += gap_blocks(with_referrals, by_province=False)
    return f"WITH {CELL_PROVINCE} " + " UNION ALL ".join(blocks)


def gap_blocks(with_referrals: bool, *, by_province: bool) -> list[str]:
    """The gender gaps: needs, referrals made and services received by sex and service
    type (and province), this period and the previous one. The dashboard has this
    period's needs by domain already."""
    blocks = []
    place, group = ("cp.province", "GROUP BY 2, 4, 6") if by_province else ("NULL", "GROUP BY 2, 4")
    for when, (start, end, first, last) in {
        "": ("start", "end", "first", "day_end"),
        "previous_": ("prev_start", "prev_end", "prev_first", "prev_last"),
    }.items():
        if by_province or when:
            blocks.append(
                f"SELECT '{when}gap_needs', c.person_sex, 'service_type', n.domain, count(*), "
                f"{place} FROM cases_need n JOIN cases_case c ON c.id = n.case_id "
                f"JOIN cp ON cp.cell_id = c.cell_id WHERE n.created_at >= %({start})s "
                f"AND n.created_at < %({end})s {group}"
            )
        if not with_referrals:
            continue
        by_type = (
            "FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id "
            "JOIN cp ON cp.cell_id = r.cell_id "
            "JOIN directory_service_taxonomy_terms st ON st.service_id = r.service_id "
            "JOIN directory_taxonomyterm tt ON tt.id = st.taxonomyterm_id "
            "AND tt.taxonomy_id = %(need_taxonomy)s WHERE "
        )
        blocks.append(
            f"SELECT '{when}gap_referrals', c.person_sex, 'service_type', tt.code, "
            f"count(DISTINCT r.id), {place} {by_type} r.sent_at >= %({start})s "
            f"AND r.sent_at < %({end})s {group}"
        )
        blocks.append(
            f"SELECT '{when}gap_services', c.person_sex, 'service_type', tt.code, "
            f"count(DISTINCT r.id), {place} {by_type} r.status = 'completed' "
            f"AND r.delivered_on BETWEEN %({first})s AND %({last})s {group}"
        )
    return blocks


def report_sql(with_referrals: bool) -> str:
    """Every indicator, by sex and by each split crossed with sex; the gender gaps by
    service type and province."""
    blocks = [
        _block(name, source, measure, splits)
        for name, (source, measure, splits) in sources(with_referrals, persons_join=True).items()
    ]
    blocks += gap_blocks(with_referrals, by_province=True)
    return f"WITH {CELL_PROVINCE} " + " UNION ALL ".join(blocks)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/mouwakaba_bench"
    )
    parser.add_argument("--period", default="", help="default: the quarter of the latest case")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measure (median)")
    parser.add_argument("--fill", type=int, default=0, help="create demo persons first")
    args = parser.parse_args()
    configure(args.postgres_url)

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max
    from django.test import Client, override_settings
    from django.utils import timezone

    from mouwakaba.accounts.models import User
    from mouwakaba.cases.models import Case
    from mouwakaba.directory.models import NEED_TAXONOMY_ID
    from mouwakaba.indicators import areas, compute, periods
    from mouwakaba.indicators.management.commands.refresh_indicators import refresh

    if args.fill:
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
        call_command("load_demo", persons=args.fill, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    latest = Case.objects.aggregate(latest=Max("opened_at"))["latest"]
    if args.period:
        period = periods.parse(args.period)
    elif latest is not None:
        day = timezone.localtime(latest).date()
        period = periods.quarter(day.year, (day.month - 1) // 3 + 1)
    else:
        sys.exit("no case in this database: fill it first (bench/registry.py or --fill)")
    coordinator = User.objects.get(username="coordinator")
    area = areas.resolve(coordinator, "MA-02")
    with_referrals = compute.referral_model() is not None
    start, end = period.bounds()
    months = periods.last_months(period.end, 12)
    previous = period.previous()
    parameters = {
        "cells": sorted(area.cell_ids),
        "start": start,
        "end": end,
        "first": period.start,
        "day_end": period.end,
        "day": period.reference_date,
        "year": period.end.year,
        "year_start": months[0].bounds()[0],
        "zone": str(timezone.get_current_timezone()),
        "prev_start": previous.bounds()[0],
        "prev_end": previous.bounds()[1],
        "prev_first": previous.start,
        "prev_last": previous.end,
        "need_taxonomy": NEED_TAXONOMY_ID,
    }
    start_counted = Case.objects.filter(opened_at__gte=start, opened_at__lt=end).count()
    print(
        f"database: {connection.vendor} ({connection.settings_dict['NAME']}); "
        f"cases: {Case.objects.count():,}; period {period.code}: {start_counted:,} cases opened; "
        f"referrals: {'yes' if with_referrals else 'no table yet'}"
    )

    def run_sql(sql: str) -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchall()

    client = Client()
    client.force_login(coordinator)
    query = f"period={period.code}&territory=MA-02"

    def page(url: str) -> Callable[[], Any]:
        def get() -> Any:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        return get

    def live_page(url: str) -> Callable[[], Any]:
        get = page(url)

        def without_stored_figures() -> Any:
            with override_settings(
                INDICATORS_MAX_AGE_RUNNING=timedelta(0), INDICATORS_MAX_AGE_FINISHED=timedelta(0)
            ):
                return get()

        return without_stored_figures

    def refreshed() -> int:
        return refresh(period, area)

    measures = [
        (
            "regional dashboard",
            f"/fr/indicators/dashboard/?{query}",
            dashboard_sql(with_referrals),
        ),
        ("programme report", f"/fr/indicators/report/?{query}", report_sql(with_referrals)),
    ]
    refresh_time, stored = timed(refreshed, 1)
    print(
        f"refresh_indicators for {period.code} and the region: {refresh_time:.1f} s, "
        f"{stored} results stored (both pages and the gender-gap view)"
    )
    print(
        f"{'measure':<20}{'page':>8}{'queries':>9}{'one SQL':>10}{'page/SQL':>10}"
        f"{'live page':>11}{'queries':>9}{'live/SQL':>10}"
    )
    for name, url, sql in measures:
        sql_time, _rows = timed(lambda sql=sql: run_sql(sql), args.runs)
        get_page, get_live = page(url), live_page(url)
        queries = count_queries(connection, get_page)
        page_time, _response = timed(get_page, args.runs)
        live_queries = count_queries(connection, get_live)
        live_time, _response = timed(get_live, max(1, args.runs // 2))
        print(
            f"{name:<20}{page_time * 1000:>6.0f}ms{queries:>9}{sql_time * 1000:>8.0f}ms"
            f"{page_time / sql_time if sql_time else 0:>9.2f}×"
            f"{live_time * 1000:>9.0f}ms{live_queries:>9}"
            f"{live_time / sql_time if sql_time else 0:>9.1f}×"
        )
    # The refresh of one (period, territory) is itself the live computation of both
    # pages: compared with the two statements that give the same figures.
    print(
        f"(median of {args.runs} runs after a warm-up; target: page within 2× of the SQL and "
        "under 1 s)"
    )


if __name__ == "__main__":
    main()
