"""Periods: a month (``2026-11``), a quarter (``2026-Q3``), a year (``2026``) or a range of
dates. Pure values, parsed from what a URL or the API carries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_EARLIEST = 2000
_LATEST = 2100


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included; ``code`` says it as given."""

    start: date
    end: date
    code: str

    @property
    def is_range(self) -> bool:
        """A range of dates (``from``/``to``) rather than a month, quarter or year."""
        return "/" in self.code

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes, for filtering timestamps with an index."""
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.start, time.min, tzinfo=zone)
        end = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)
        return start, end

    def previous(self) -> Period:
        """The period of the same kind just before this one (for trends)."""
        if _MONTH.match(self.code):
            return month(self.start - timedelta(days=1))
        if _QUARTER.match(self.code):
            last = self.start - timedelta(days=1)
            return quarter(last.year, (last.month - 1) // 3 + 1)
        if _YEAR.match(self.code):
            return parse(str(self.start.year - 1))
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=self.days - 1)
        return Period(start, end, f"{start.isoformat()}/{end.isoformat()}")

    @property
    def reference_date(self) -> date:
        """The day a state ("open at the end of the period") is read on: the period's
        last day, or today while the period runs."""
        return min(self.end, timezone.localdate())


def month(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1), f"{first:%Y-%m}")


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * number - 2, 1)
    last = month(date(year, 3 * number, 1)).end
    return Period(first, last, f"{year}-Q{number}")


def _check_year(year: int) -> None:
    if not _EARLIEST <= year <= _LATEST:
        raise ValidationError(_("Give a year between 2000 and 2100."), code="year")


def parse(value: str) -> Period:
    """A month ``2026-11``, a quarter ``2026-Q3`` or a year ``2026``."""
    value = value.strip()
    if found := _MONTH.match(value):
        year, number = int(found[1]), int(found[2])
        _check_year(year)
        if not 1 <= number <= 12:
            raise ValidationError(_("A month is numbered 01 to 12."), code="month")
        return month(date(year, number, 1))
    if found := _QUARTER.match(value):
        _check_year(int(found[1]))
        return quarter(int(found[1]), int(found[2]))
    if found := _YEAR.match(value):
        year = int(found[1])
        _check_year(year)
        return Period(date(year, 1, 1), date(year, 12, 31), str(year))
    raise ValidationError(
        _("Give a period as a month (2026-11), a quarter (2026-Q3) or a year (2026)."),
        code="period",
    )


def between(start: date, end: date) -> Period:
    if end < start:
        raise ValidationError(_("The end of the period comes before its start."), code="range")
    _check_year(start.year)
    _check_year(end.year)
    return Period(start, end, f"{start.isoformat()}/{end.isoformat()}")


def from_params(params: Any, default: Period | None = None) -> Period:
    """The period a query string asks for: ``period``, or ``from`` and ``to`` dates;
    ``default`` (this month) when it asks for none."""
    raw = (params.get("period") or "").strip()
    start_raw, end_raw = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if raw:
        return parse(raw)
    if start_raw or end_raw:
        try:
            start = date.fromisoformat(start_raw) if start_raw else None
            end = date.fromisoformat(end_raw) if end_raw else None
        except ValueError as error:
            raise ValidationError(
                _("Give dates as YYYY-MM-DD, for example 2026-07-01."), code="date"
            ) from error
        if start is None or end is None:
            raise ValidationError(_("Give both the start and the end of the period."), code="range")
        return between(start, end)
    return default or month(timezone.localdate())


def last_months(end: date, count: int) -> list[Period]:
    """The ``count`` months up to the one holding ``end``, oldest first."""
    months = [month(end)]
    while len(months) < count:
        months.insert(0, month(months[0].start - timedelta(days=1)))
    return months
