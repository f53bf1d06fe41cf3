"""Periods as the URL and the API give them (no database)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from mouwakaba.indicators import periods


@pytest.mark.parametrize(
    ("given", "start", "end"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_month_a_quarter_or_a_year(given, start, end):
    period = periods.parse(given)
    assert (period.start, period.end) == (start, end)


def test_from_and_to_dates():
    period = periods.from_params({"from": "2026-07-15", "to": "2026-08-14"})
    assert (period.start, period.end, period.days) == (date(2026, 7, 15), date(2026, 8, 14), 31)
    assert period.previous().end == date(2026, 7, 14)
    assert period.previous().days == 31


def test_the_previous_period_is_of_the_same_kind():
    assert periods.parse("2026-01").previous().code == "2025-12"
    assert periods.parse("2026-Q1").previous().code == "2025-Q4"
    assert periods.parse("2026").previous().code == "2025"


@pytest.mark.parametrize("given", ["2026-13", "2026-Q5", "26", "last month", "1850"])
def test_a_bad_period_is_refused_with_a_message(given):
    with pytest.raises(ValidationError):
        periods.parse(given)


def test_a_range_must_be_complete_and_in_order():
    with pytest.raises(ValidationError):
        periods.from_params({"from": "2026-07-15"})
    with pytest.raises(ValidationError):
        periods.from_params({"from": "2026-08-15", "to": "2026-07-15"})
    with pytest.raises(ValidationError):
        periods.from_params({"from": "15/07/2026", "to": "2026-08-15"})


def test_last_months_end_with_the_month_of_the_day():
    months = periods.last_months(date(2026, 2, 10), 3)
    assert [m.code for m in months] == ["2025-12", "2026-01", "2026-02"]
