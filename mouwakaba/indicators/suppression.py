"""Small-count suppression for whatever leaves the platform (exports, printed reports,
anything public): a count from 1 to 4 is shown as "<5", and a rate or a median that
stands on fewer than 5 rows is not shown, so that nobody can be recognised from a table.
A zero says nothing about anyone and stays 0. The authenticated API and the dashboards,
read within the user's scope, show exact figures."""

from __future__ import annotations

THRESHOLD = 5
SUPPRESSED = "<5"


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count < THRESHOLD


def count(value: int | None) -> int | str | None:
    return SUPPRESSED if is_small(value) else value


def figure(value: float | int | None, base: int, *, is_count: bool) -> float | int | str | None:
    """A row's figure as it may leave the platform."""
    if is_count:
        return count(int(value) if value is not None else None)
    if base < THRESHOLD:
        return SUPPRESSED if base else None
    return value
