"""Computing indicators: one aggregate query (GROUP BY) per indicator and split.

Each *measure* names the rows it counts (cases opened in the period, referrals sent...),
the date that places a row in a period, the cell that places it in a territory, and the
lookups that lead to the person's sex, age, population and so on. Cases carry copies of
the person's sex, population and birth year, so the common splits need no join.

Provinces are grouped by a CASE over cell ids (cells are a small, fixed table), so a
split by province neither joins territories nor double-counts a person seen by two
cells of the same province.

Medians come from a histogram computed by the database (days → number of referrals per
group); the median of each group is read off that short histogram.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import connections, models, router
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from mouwakaba.cases.models import Case as CaseModel
from mouwakaba.cases.models import Need, Task, Transfer, TransferStatus
from mouwakaba.core.domains import NeedDomain
from mouwakaba.directory.models import NEED_TAXONOMY_ID
from mouwakaba.people.models import LegalStatus, Person, Population, Sex
from mouwakaba.territories.models import Cell, Level

from .areas import Area
from .definitions import Indicator
from .periods import Period

DIMENSIONS: tuple[str, ...] = (
    "sex",
    "age_group",
    "population",
    "legal_status",
    "nationality",
    "need_domain",
    "service_type",
    "province",
    "cell",
)
DIMENSION_LABELS: dict[str, Any] = {
    "sex": _("sex"),
    "age_group": _("age group"),
    "population": _("population"),
    "legal_status": _("legal status"),
    "nationality": _("nationality"),
    "need_domain": _("need domain"),
    "service_type": _("service type"),
    "province": _("prefecture or province"),
    "cell": _("cell"),
}
AGE_GROUPS: tuple[str, ...] = ("0-17", "18-24", "25-59", "60+")
UNKNOWN = "unknown"
REFERRAL_COMPLETED = "completed"
REFERRAL_EXPIRED = "expired"


class UnknownDimension(ValueError):
    pass


@dataclass(frozen=True)
class Source:
    """Where a measure's rows come from and how to reach each split from them."""

    model: type[models.Model]
    cell: str  # lookup to the cell id that places a row in a territory
    fields: dict[str, str]  # dimension → lookup (age_group: to the birth year)
    to_many: frozenset[str] = frozenset()  # dimensions reached through a to-many join


@dataclass(frozen=True)
class Measure:
    source: Callable[[], Source]
    rows: Callable[[Period], QuerySet[Any]]
    kind: str = "count"  # count, distinct_persons, rate, median


@dataclass
class Row:
    """One line of a result: the value of each split, the figure, and ``base``, the
    number of rows the figure stands on (suppression looks at it)."""

    keys: dict[str, str]
    value: float | int | None
    base: int
    extra: dict[str, Any] = field(default_factory=dict)


_tables_ready: set[str] = set()


def referral_model() -> type[models.Model] | None:
    """The referrals app's model, once it exists and its table has been migrated (a
    database not migrated yet answers the other indicators)."""
    try:
        model = apps.get_model("referrals", "Referral")
    except LookupError:
        return None
    alias = router.db_for_read(model)
    if alias not in _tables_ready:
        if model._meta.db_table not in connections[alias].introspection.table_names():
            return None
        _tables_ready.add(alias)
    return model


def _person_fields(prefix: str) -> dict[str, str]:
    return {
        "sex": f"{prefix}person_sex",
        "population": f"{prefix}person_population",
        "age_group": f"{prefix}person_birth_year",
        "legal_status": f"{prefix}person_legal_status",
        "nationality": f"{prefix}person_nationality",
    }


def _case_source() -> Source:
    return Source(
        CaseModel,
        cell="cell_id",
        fields={**_person_fields(""), "need_domain": "needs__domain"},
        to_many=frozenset({"need_domain"}),
    )


def _person_source() -> Source:
    return Source(
        Person,
        cell="registered_by_cell_id",
        fields={
            "sex": "sex",
            "population": "population",
            "age_group": "birth_year",
            "legal_status": "legal_status",
            "nationality": "nationality",
        },
    )


def _need_source() -> Source:
    return Source(
        Need,
        cell="case__cell_id",
        fields={**_person_fields("case__"), "need_domain": "domain", "service_type": "domain"},
    )


def _transfer_source() -> Source:
    return Source(Transfer, cell="from_cell_id", fields=_person_fields("case__"))


def _referral_source() -> Source:
    model = referral_model()
    if model is None:  # is_available() keeps referral measures from getting here
        raise LookupError("the referrals app is not installed")
    return Source(
        model,
        cell="cell_id",
        fields={
            **_person_fields("case__"),
            "need_domain": "need__domain",
            "service_type": "service__taxonomy_terms__code",
        },
        to_many=frozenset({"service_type"}),
    )


def _between(lookup: str, period: Period) -> Q:
    start, end = period.bounds()
    return Q(**{f"{lookup}__gte": start, f"{lookup}__lt": end})


def _end_of(day: date) -> datetime:
    return Period(day, day, "").bounds()[1]


def _open_cases_overdue(period: Period) -> QuerySet[Any]:
    """Cases open at the end of the reference day with a task due before that day and not
    done by then — read back from the dates, so that a past period gives its own answer."""
    day = period.reference_date
    end = _end_of(day)
    late = Task.objects.filter(
        Q(done_at__isnull=True) | Q(done_at__gte=end),
        case_id=OuterRef("pk"),
        due_on__lt=day,
        created_at__lt=end,
    )
    return CaseModel.objects.filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=end), Exists(late), opened_at__lt=end
    )


def _referrals(condition: Callable[[Period], Q]) -> Callable[[Period], QuerySet[Any]]:
    def rows(period: Period) -> QuerySet[Any]:
        model = referral_model()
        if model is None:
            return CaseModel.objects.none()
        return model._default_manager.filter(condition(period))

    return rows


def _completed(period: Period) -> Q:
    # A service counts on the day it was delivered; when the provider did not give the
    # day, on the day the referral was closed.
    return Q(status=REFERRAL_COMPLETED) & (
        Q(delivered_on__gte=period.start, delivered_on__lte=period.end)
        | Q(delivered_on__isnull=True) & _between("closed_at", period)
    )


MEASURES: dict[str, Measure] = {
    "persons_received": Measure(
        _case_source,
        lambda period: CaseModel.objects.filter(_between("opened_at", period)),
        kind="distinct_persons",
    ),
    "registrations": Measure(
        _person_source, lambda period: Person.objects.filter(_between("created_at", period))
    ),
    "cases_opened": Measure(
        _case_source, lambda period: CaseModel.objects.filter(_between("opened_at", period))
    ),
    "cases_closed": Measure(
        _case_source, lambda period: CaseModel.objects.filter(_between("closed_at", period))
    ),
    "needs": Measure(
        _need_source, lambda period: Need.objects.filter(_between("created_at", period))
    ),
    "transfers": Measure(
        _transfer_source,
        lambda period: Transfer.objects.filter(
            _between("decided_at", period), status=TransferStatus.ACCEPTED
        ),
    ),
    "open_cases_overdue": Measure(_case_source, _open_cases_overdue),
    "referrals_made": Measure(
        _referral_source, _referrals(lambda period: _between("sent_at", period))
    ),
    "referrals_completed": Measure(_referral_source, _referrals(_completed)),
    "referral_completion_rate": Measure(
        _referral_source, _referrals(lambda period: _between("sent_at", period)), kind="rate"
    ),
    "median_days_to_service": Measure(
        _referral_source,
        _referrals(
            lambda period: Q(
                status=REFERRAL_COMPLETED,
                sent_at__isnull=False,
                delivered_on__gte=period.start,
                delivered_on__lte=period.end,
            )
        ),
        kind="median",
    ),
    "expired_referrals": Measure(
        _referral_source,
        _referrals(lambda period: Q(status=REFERRAL_EXPIRED) & _between("closed_at", period)),
    ),
}

_REFERRAL_MEASURES = frozenset(
    code for code, measure in MEASURES.items() if measure.source is _referral_source
)


def is_available(indicator: Indicator) -> bool:
    """Referral indicators wait for the referrals app."""
    return indicator.measure not in _REFERRAL_MEASURES or referral_model() is not None


def age_group_expression(lookup: str, period: Period) -> Case:
    """Age at the end of the period, from the year of birth."""
    year = period.end.year
    return Case(
        When(**{f"{lookup}__isnull": True}, then=Value(UNKNOWN)),
        When(**{f"{lookup}__gte": year - 17}, then=Value("0-17")),
        When(**{f"{lookup}__gte": year - 24}, then=Value("18-24")),
        When(**{f"{lookup}__gte": year - 59}, then=Value("25-59")),
        default=Value("60+"),
        output_field=models.CharField(),
    )


def province_expression(lookup: str, cells: CellProvinces) -> Case | Value:
    """The province code of the cell ``lookup`` points to, as a CASE over cell ids."""
    by_province: dict[str, list[int]] = {}
    for cell_id, province, _code in cells:
        by_province.setdefault(province, []).append(cell_id)
    whens = [
        When(**{f"{lookup}__in": sorted(ids)}, then=Value(province))
        for province, ids in sorted(by_province.items())
    ]
    if not whens:
        return Value(UNKNOWN, output_field=models.CharField())
    return Case(*whens, default=Value(UNKNOWN), output_field=models.CharField())


CellProvinces = list[tuple[int, str, str]]


def province_of_cells(cell_ids: Iterable[int]) -> CellProvinces:
    """(cell id, province code, cell code) — a cell at region level has no province
    (``unknown``)."""
    rows = Cell.objects.filter(pk__in=list(cell_ids)).values_list(
        "pk", "code", "territory__level", "territory__code", "territory__parent__code"
    )
    result = []
    for pk, cell_code, level, code, parent in rows:
        if level == Level.PROVINCE:
            result.append((pk, code, cell_code))
        elif level == Level.COMMUNE:
            result.append((pk, parent, cell_code))
        else:
            result.append((pk, UNKNOWN, cell_code))
    return result


def check_dimensions(indicator: Indicator, by: Sequence[str]) -> None:
    for dimension in by:
        if dimension not in indicator.dimensions:
            raise UnknownDimension(dimension)


def compute(
    indicator: Indicator,
    period: Period,
    area: Area,
    by: Sequence[str] = (),
    *,
    cell_provinces: CellProvinces | None = None,
    ordered: bool = True,
) -> list[Row]:
    """The figures of ``indicator`` for ``period`` and ``area``, one row per combination
    of the splits in ``by`` that has data (a single row without splits)."""
    check_dimensions(indicator, by)
    measure = MEASURES[indicator.measure]
    if not is_available(indicator) or not area.cell_ids:
        return [] if by else [_empty_row(measure)]
    source = measure.source()
    rows = measure.rows(period).filter(**{f"{source.cell}__in": sorted(area.cell_ids)})
    annotations: dict[str, Any] = {}
    for dimension in by:
        name = f"k_{dimension}"
        if dimension == "cell":
            annotations[name] = F(source.cell.removesuffix("_id") + "__code")
        elif dimension == "province":
            provinces = (
                cell_provinces if cell_provinces is not None else province_of_cells(area.cell_ids)
            )
            annotations[name] = province_expression(source.cell, provinces)
        elif dimension == "age_group":
            annotations[name] = age_group_expression(source.fields["age_group"], period)
        else:
            annotations[name] = F(source.fields[dimension])
        if dimension == "service_type" and dimension in source.to_many:
            rows = rows.filter(service__taxonomy_terms__taxonomy_id=NEED_TAXONOMY_ID)
    distinct = any(dimension in source.to_many for dimension in by)
    if annotations:
        rows = rows.annotate(**annotations)
    groups = list(annotations)
    if measure.kind == "median":
        return _medians(rows, groups, by)
    aggregates: dict[str, Any]
    if measure.kind == "distinct_persons":
        aggregates = {"n": Count("person_id", distinct=True)}
    elif measure.kind == "rate":
        aggregates = {
            "n": Count("pk", distinct=distinct),
            "done": Count("pk", distinct=distinct, filter=Q(status=REFERRAL_COMPLETED)),
        }
    else:
        aggregates = {"n": Count("pk", distinct=distinct)}
    result: Iterable[dict[str, Any]]
    if groups:
        result = rows.values(*groups).annotate(**aggregates).order_by()
    else:
        result = [rows.aggregate(**aggregates)]
    output = []
    for record in result:
        keys = {dimension: _key(record[f"k_{dimension}"], dimension) for dimension in by}
        if measure.kind == "rate":
            base, done = record["n"], record["done"]
            value: float | int | None = round(100 * done / base, 1) if base else None
            output.append(Row(keys, value, base, {"completed": done}))
        else:
            output.append(Row(keys, record["n"], record["n"]))
    return sort_rows(output, by) if ordered else output


def _medians(rows: QuerySet[Any], groups: list[str], by: Sequence[str]) -> list[Row]:
    days = ExpressionWrapper(F("delivered_on") - TruncDate("sent_at"), output_field=DurationField())
    histogram = rows.annotate(days=days).values(*groups, "days").annotate(n=Count("pk")).order_by()
    collected: dict[tuple[str, ...], dict[int, int]] = {}
    keys_of: dict[tuple[str, ...], dict[str, str]] = {}
    for record in histogram:
        keys = {dimension: _key(record[f"k_{dimension}"], dimension) for dimension in by}
        key = tuple(keys[dimension] for dimension in by)
        keys_of[key] = keys
        span = record["days"]
        count_days = span.days if isinstance(span, timedelta) else int(span or 0)
        bucket = collected.setdefault(key, {})
        bucket[count_days] = bucket.get(count_days, 0) + record["n"]
    output = [
        Row(keys_of[key], median(bucket), sum(bucket.values()), {"histogram": bucket})
        for key, bucket in collected.items()
    ]
    if not by and not output:
        output = [Row({}, None, 0)]
    return sort_rows(output, by)


def median(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many times}."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(position: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if position < seen:
                return value
        return ordered[-1][0]

    middle = total // 2
    if total % 2:
        return float(nth(middle))
    return (nth(middle - 1) + nth(middle)) / 2


def _empty_row(measure: Measure) -> Row:
    return Row({}, 0 if measure.kind in ("count", "distinct_persons") else None, 0)


def _key(value: Any, dimension: str) -> str:
    if value is None or value == "":
        return UNKNOWN
    return str(value)


@functools.cache
def _order(dimension: str) -> Callable[[str], Any]:
    orders: dict[str, Sequence[str]] = {
        "sex": Sex.values,
        "age_group": AGE_GROUPS,
        "population": Population.values,
        "legal_status": LegalStatus.values,
        "need_domain": NeedDomain.values,
        "service_type": NeedDomain.values,
    }
    known = orders.get(dimension)
    if known is None:
        return lambda value: (value == UNKNOWN, 0, value)
    rank = {value: position for position, value in enumerate(known)}
    unranked = len(rank)
    return lambda value: (value == UNKNOWN, rank.get(value, unranked), value)


def sort_rows(rows: list[Row], by: Sequence[str]) -> list[Row]:
    keys = [_order(dimension) for dimension in by]
    return sorted(rows, key=lambda row: [key(row.keys[d]) for key, d in zip(keys, by, strict=True)])


def total(rows: Sequence[Row]) -> int:
    return sum(int(row.value or 0) for row in rows)


# --- Breakdowns: every split of an indicator, crossed with sex, in few queries -------------

# A person's own attributes: one value per person, whatever the counted row.
PERSON_LEVEL = ("age_group", "population", "legal_status", "nationality")
GEOGRAPHY = ("province", "cell")


@dataclass
class Breakdown:
    """An indicator's total, its figures by sex, and by each split crossed with sex."""

    total: Row
    by_sex: list[Row]
    splits: dict[str, list[Row]]


def fold(rows: Sequence[Row], keep: Sequence[str], kind: str) -> list[Row]:
    """Sum rows that agree on ``keep`` (the other splits vanish)."""
    if kind in ("count", "distinct_persons"):
        sums: dict[tuple[str, ...], int] = {}
        for row in rows:
            key = tuple([row.keys[d] for d in keep])
            sums[key] = sums.get(key, 0) + row.base
        folded = [Row(dict(zip(keep, key, strict=True)), n, n) for key, n in sums.items()]
    else:
        groups: dict[tuple[str, ...], Row] = {}
        for row in rows:
            key = tuple([row.keys[d] for d in keep])
            into = groups.get(key)
            if into is None:
                into = groups[key] = Row(dict(zip(keep, key, strict=True)), None, 0, {})
            into.base += row.base
            if kind == "rate":
                done = into.extra.get("completed", 0) + row.extra.get("completed", 0)
                into.extra["completed"] = done
            else:
                histogram = into.extra.setdefault("histogram", {})
                for days, count in row.extra.get("histogram", {}).items():
                    histogram[days] = histogram.get(days, 0) + count
        for row in groups.values():
            if kind == "rate":
                done = row.extra.get("completed", 0)
                row.value = round(100 * done / row.base, 1) if row.base else None
            else:
                row.value = median(row.extra.get("histogram", {}))
        folded = list(groups.values())
    folded = sort_rows(folded, keep)
    if not keep and not folded:
        folded = [Row({}, 0 if kind in ("count", "distinct_persons") else None, 0)]
    return folded


def breakdown(
    indicator: Indicator,
    period: Period,
    area: Area,
    splits: Sequence[str],
    *,
    cell_provinces: CellProvinces | None = None,
) -> Breakdown:
    """The indicator's total, by sex, and by each of ``splits`` crossed with sex, in few
    queries: one "fine" query grouped by every split that has one value per counted row
    (the person's attributes, the cell — the province follows from it — and a need's
    domain), whose rows are then summed into each split. Distinct persons are summed only
    over the person's own attributes (a person seen by two cells would count twice), and a
    split through a to-many relation (a service's types) gets a query of its own."""
    splits = [d for d in splits if d in indicator.dimensions and d != "sex"]
    kind = MEASURES[indicator.measure].kind
    to_many = (
        MEASURES[indicator.measure].source().to_many if is_available(indicator) else frozenset()
    )
    if kind == "distinct_persons":
        summable = [d for d in splits if d in PERSON_LEVEL]
    else:
        summable = [d for d in splits if d not in to_many]
    fine_by = [d for d in summable if d not in GEOGRAPHY]
    if any(d in GEOGRAPHY for d in summable):
        fine_by.append("cell")
    fine = compute(indicator, period, area, ["sex", *fine_by], ordered=False)
    if "province" in summable:
        provinces = (
            cell_provinces if cell_provinces is not None else province_of_cells(area.cell_ids)
        )
        province_of = {code: province for _pk, province, code in provinces}
        for row in fine:
            row.keys["province"] = province_of.get(row.keys["cell"], UNKNOWN)
    result: dict[str, list[Row]] = {d: fold(fine, ["sex", d], kind) for d in summable}
    for dimension in splits:
        if dimension not in result:
            result[dimension] = compute(
                indicator, period, area, ["sex", dimension], cell_provinces=cell_provinces
            )
    return Breakdown(total=fold(fine, [], kind)[0], by_sex=fold(fine, ["sex"], kind), splits=result)


def cases_opened_by_month(area: Area, months: Sequence[Period]) -> dict[tuple[str, str], int]:
    """Cases opened in each of ``months`` by sex, in one query: {("2026-07", "F"): 12}.
    One conditional count per month: cheaper than truncating each row's date in the
    local time zone."""
    if not months or not area.cell_ids:
        return {}
    start, end = months[0].bounds()[0], months[-1].bounds()[1]
    counts = {
        f"m{index}": Count("pk", filter=_between("opened_at", month))
        for index, month in enumerate(months)
    }
    rows: Iterable[Any] = (
        CaseModel.objects.filter(
            cell_id__in=sorted(area.cell_ids), opened_at__gte=start, opened_at__lt=end
        )
        .values("person_sex")
        .annotate(**counts)
        .order_by()
    )
    return {
        (month.code, row["person_sex"]): row[f"m{index}"]
        for row in rows
        for index, month in enumerate(months)
    }
