"""Lists that stay fast however large the registry grows."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

# A working list is read a page or two deep; past this many rows the user refines the
# filters, and exact totals are the indicators' business.
COUNT_CAP = 1000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most ``COUNT_CAP`` rows: COUNT over a bounded subquery stops early
    instead of visiting every row of a region's caseload."""

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        return int(rows[: COUNT_CAP + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


class KnownCountPaginator(Paginator):  # type: ignore[type-arg]
    """For a list whose total the page has just counted (with its breakdowns, in the same
    pass): paginating does not count the rows a second time."""

    def __init__(self, object_list: Any, per_page: int, *, count: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count
