"""Working days in Morocco: Monday to Friday, except the public holidays of
``data/calendar/`` (fixed civil holidays, and the Islamic ones, which move every year).

A referral's answer delay counts in working days: sent on a Friday with a delay of one
day, it is due on Monday (or on Tuesday if Monday is a holiday).
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.conf import settings

# Saturday and Sunday (date.weekday(): Monday is 0).
WEEKEND = frozenset({5, 6})


def calendar_dir() -> Path:
    return Path(settings.BASE_DIR) / "data" / "calendar"


@cache
def _fixed() -> tuple[tuple[int, int, int | None, int | None], ...]:
    rows = []
    with (calendar_dir() / "fixed_holidays.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                (
                    int(row["month"]),
                    int(row["day"]),
                    int(row["since"]) if row["since"] else None,
                    int(row["until"]) if row["until"] else None,
                )
            )
    return tuple(rows)


@cache
def _islamic() -> frozenset[date]:
    with (calendar_dir() / "islamic_holidays.csv").open(encoding="utf-8") as handle:
        return frozenset(date.fromisoformat(row["date"]) for row in csv.DictReader(handle))


def is_holiday(day: date) -> bool:
    if day in _islamic():
        return True
    for month, dom, since, until in _fixed():
        if (day.month, day.day) != (month, dom):
            continue
        if (since is None or day.year >= since) and (until is None or day.year <= until):
            return True
    return False


def is_working_day(day: date) -> bool:
    return day.weekday() not in WEEKEND and not is_holiday(day)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days after ``start`` up to and including ``end`` (0 if end ≤ start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
