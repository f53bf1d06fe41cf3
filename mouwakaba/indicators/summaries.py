"""Figures computed ahead, so that a regional dashboard or report reads a few stored rows
instead of counting a million cases while the user waits.

The pages compute through the functions of this module (``breakdown``, ``rows``,
``monthly``), which have the signatures of their counterparts in ``compute``. Outside a
session they compute live. Inside ``reading(area, periods)``, they first look among the
figures stored for that area and those periods (read in one query when the session
opens): a stored figure is used while it is fresh, otherwise it is computed live and
stored when the session closes (one query). ``refreshing(area)`` computes everything
live and stores it: ``manage.py refresh_indicators`` runs the pages' computations in such
a session, from cron, so that pages find their figures ready.

Fresh means younger than ``INDICATORS_MAX_AGE_RUNNING`` for a period that was still
running when the figure was computed (new cases keep coming), and younger than
``INDICATORS_MAX_AGE_FINISHED`` for a period that had ended (late entries only). Only
months, quarters and years are stored; a custom range of dates is always computed live.

What is stored is what the pages show — counts by sex, age group, territory and the
like, keyed by codes and independent of the language — never a person or a case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.utils import timezone

from . import compute
from .areas import Area
from .compute import Breakdown, CellProvinces, Row
from .definitions import Indicator
from .models import Summary
from .periods import Period

T = TypeVar("T")


@dataclass
class Session:
    """What one page (or one refresh) has read and computed for one area."""

    area: str
    refresh: bool
    now: datetime
    stored: dict[tuple[str, str], tuple[Any, datetime]] = field(default_factory=dict)
    computed: dict[tuple[str, str], tuple[Any, Any]] = field(default_factory=dict)
    # The oldest stored figure the page used (None: everything was computed now).
    oldest: datetime | None = None


_session: ContextVar[Session | None] = ContextVar("indicator_summaries", default=None)


def storable(period: Period) -> bool:
    """Months, quarters and years are stored; a custom range is not."""
    return not period.is_range


def is_fresh(period: Period, computed_at: datetime, now: datetime) -> bool:
    finished = timezone.localtime(computed_at).date() > period.end
    limit = (
        settings.INDICATORS_MAX_AGE_FINISHED if finished else settings.INDICATORS_MAX_AGE_RUNNING
    )
    return now - computed_at <= limit


@contextmanager
def reading(area: Area, periods: Iterable[Period]) -> Iterator[Session]:
    """Use the figures stored for ``area`` and ``periods``; store those computed anew."""
    codes = sorted({period.code for period in periods if storable(period)})
    session = Session(area=area.code, refresh=False, now=timezone.now())
    if codes:
        rows = Summary.objects.filter(area=area.code, period__in=codes).values_list(
            "period", "key", "data", "computed_at"
        )
        session.stored = {(period, key): (data, at) for period, key, data, at in rows}
    with _active(session):
        yield session


@contextmanager
def refreshing(area: Area) -> Iterator[Session]:
    """Compute every figure asked for ``area`` now, and store it."""
    with _active(Session(area=area.code, refresh=True, now=timezone.now())) as session:
        yield session


@contextmanager
def _active(session: Session) -> Iterator[Session]:
    """The session the remembered computations use; what it computed is stored when it
    ends without an error."""
    token = _session.set(session)
    try:
        yield session
    finally:
        _session.reset(token)
    _save(session)


def _save(session: Session) -> None:
    if not session.computed:
        return
    Summary.objects.bulk_create(
        [
            Summary(area=session.area, period=period, key=key, data=data, computed_at=session.now)
            for (period, key), (_value, data) in session.computed.items()
        ],
        update_conflicts=True,
        unique_fields=["area", "period", "key"],
        update_fields=["data", "computed_at"],
    )


def _remember(
    period: Period,
    key: str,
    live: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    session = _session.get()
    if session is None or not storable(period):
        return live()
    slot = (period.code, key)
    if slot in session.computed:
        value: T = session.computed[slot][0]
        return value
    if not session.refresh and slot in session.stored:
        data, computed_at = session.stored[slot]
        if is_fresh(period, computed_at, session.now):
            if session.oldest is None or computed_at < session.oldest:
                session.oldest = computed_at
            return decode(data)
    value = live()
    session.computed[slot] = (value, encode(value))
    return value


# --- The remembered computations --------------------------------------------------------------


def breakdown(
    indicator: Indicator,
    period: Period,
    area: Area,
    splits: Sequence[str],
    *,
    cell_provinces: CellProvinces | None = None,
) -> Breakdown:
    return _remember(
        period,
        f"breakdown:{indicator.code}:{','.join(splits)}",
        lambda: compute.breakdown(indicator, period, area, splits, cell_provinces=cell_provinces),
        _encode_breakdown,
        _decode_breakdown,
    )


def rows(
    indicator: Indicator,
    period: Period,
    area: Area,
    by: Sequence[str],
    *,
    cell_provinces: CellProvinces | None = None,
) -> list[Row]:
    return _remember(
        period,
        f"rows:{indicator.code}:{','.join(by)}",
        lambda: compute.compute(indicator, period, area, by, cell_provinces=cell_provinces),
        _encode_rows,
        _decode_rows,
    )


def monthly(area: Area, months: Sequence[Period], period: Period) -> dict[tuple[str, str], int]:
    """Cases opened by month and sex (``compute.cases_opened_by_month``), stored with
    ``period``, the period of the page that shows them."""
    return _remember(
        period,
        f"monthly:{months[0].code}:{months[-1].code}" if months else "monthly:",
        lambda: compute.cases_opened_by_month(area, months),
        lambda counts: [[month, sex, n] for (month, sex), n in counts.items()],
        lambda data: {(month, sex): int(n) for month, sex, n in data},
    )


# --- Encoding: rows as JSON ------------------------------------------------------------------


def _encode_row(row: Row) -> list[Any]:
    return [row.keys, row.value, row.base, row.extra]


def _decode_row(data: list[Any]) -> Row:
    keys, value, base, extra = data
    if "histogram" in extra:  # JSON keys are strings; the days are numbers
        extra = {**extra, "histogram": {int(d): n for d, n in extra["histogram"].items()}}
    return Row(keys, value, base, extra)


def _encode_rows(rows: list[Row]) -> list[Any]:
    return [_encode_row(row) for row in rows]


def _decode_rows(data: list[Any]) -> list[Row]:
    return [_decode_row(row) for row in data]


def _encode_breakdown(result: Breakdown) -> dict[str, Any]:
    return {
        "total": _encode_row(result.total),
        "by_sex": _encode_rows(result.by_sex),
        "splits": {name: _encode_rows(rows) for name, rows in result.splits.items()},
    }


def _decode_breakdown(data: dict[str, Any]) -> Breakdown:
    return Breakdown(
        total=_decode_row(data["total"]),
        by_sex=_decode_rows(data["by_sex"]),
        splits={name: _decode_rows(rows) for name, rows in data["splits"].items()},
    )
