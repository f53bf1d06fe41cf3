"""Compute ahead what the dashboards, the gender-gap view and the programme report show,
for every region, province and cell, so that pages open at once (run it from cron).

By default the recent periods: the months of the last two months, their quarters and
their years — hourly is enough for figures that say when they were computed. Nightly,
``--months 13`` brings the past year up to date (late entries, referrals completed
after the fact). ``--period 2026-Q3`` computes given periods; ``--area MA-NAD`` given
territories or cells.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from mouwakaba.indicators import areas, dashboards, periods, summaries
from mouwakaba.indicators.areas import Area
from mouwakaba.indicators.periods import Period


def recent_periods(today: date, months: int) -> list[Period]:
    """The last ``months`` months up to ``today``'s, with the quarters and years they
    fall in, longest first (a year takes longest: its progress shows early)."""
    chosen = periods.last_months(today, months)
    quarters = {periods.quarter(m.start.year, (m.start.month - 1) // 3 + 1) for m in chosen}
    years = {periods.parse(str(m.start.year)) for m in chosen}
    return [
        *sorted(years, key=lambda p: p.start),
        *sorted(quarters, key=lambda p: p.start),
        *chosen,
    ]


def refresh(period: Period, area: Area) -> int:
    """Compute and store every figure the pages show for ``period`` and ``area``;
    returns how many results were stored."""
    with summaries.refreshing(area) as session:
        dashboards.dashboard_figures(period, area, figure=dashboards.MAP_DEFAULT, rtl=False)
        # The report shows the gender-gap view whole (gaps by part, with their trend).
        dashboards.report(period, area, rtl=False)
    return len(session.computed)


class Command(BaseCommand):
    help = "Compute ahead the figures of the dashboards and reports (run from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--months",
            type=int,
            default=2,
            help="The last N months, with their quarters and years (default 2).",
        )
        parser.add_argument(
            "--period",
            action="append",
            default=[],
            help="A month (2026-11), quarter (2026-Q3) or year (2026); repeatable.",
        )
        parser.add_argument(
            "--area",
            action="append",
            default=[],
            help="A region, province or cell code (default: all of them); repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["months"] < 1:
            raise CommandError("--months takes a number of months, 1 or more.")
        try:
            chosen = [periods.parse(code) for code in options["period"]] or recent_periods(
                timezone.localdate(), options["months"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        every = areas.every_area()
        wanted = {code.upper() for code in options["area"]}
        chosen_areas = [a for a in every if not wanted or a.code.upper() in wanted]
        unknown = wanted - {a.code.upper() for a in chosen_areas}
        if unknown:
            raise CommandError(f"Unknown territory or cell: {', '.join(sorted(unknown))}")
        quiet = options["verbosity"] == 0
        stored = 0
        work = [(period, area) for period in chosen for area in chosen_areas]
        with tqdm(total=len(work), desc="figures", unit="view", disable=quiet) as bar:
            for period, area in work:
                bar.set_postfix_str(f"{period.code} {area.code}")
                stored += refresh(period, area)
                bar.update()
        if not quiet:
            self.stdout.write(
                f"{stored} results stored for {len(chosen)} periods and {len(chosen_areas)} areas"
            )
