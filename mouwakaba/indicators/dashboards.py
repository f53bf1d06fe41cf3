"""What the dashboards and the programme report show, assembled from aggregate queries:
tiles, tables and charts for a period and an area."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _

from mouwakaba.cases.models import ACTIVE_STATUSES, Case, CaseStatus, Task

from . import charts, compute, definitions, gender, summaries, suppression
from .areas import Area
from .compute import DIMENSION_LABELS, Breakdown, Row
from .definitions import Indicator
from .labels import Labels
from .periods import Period, last_months

DASHBOARD_CODES = (
    "persons_received",
    "registrations",
    "cases_opened",
    "cases_closed",
    "needs",
    "referrals_made",
    "referrals_completed",
    "referral_completion_rate",
    "median_days_to_service",
    "expired_referrals",
    "transfers",
    "open_cases_overdue",
)
MAP_DEFAULT = "persons_received"
# The provinces drawn on the region map (data/indicators/oriental_provinces.geojson).
ORIENTAL = ("MA-OUJ", "MA-BER", "MA-NAD", "MA-DRI", "MA-TAI", "MA-JRA", "MA-GUF", "MA-FIG")
REPORT_SPLITS = (
    "age_group",
    "population",
    "legal_status",
    "nationality",
    "need_domain",
    "service_type",
    "province",
    "cell",
)


def series() -> list[charts.Series]:
    """Women and men, the two series of every chart."""
    return [
        charts.Series("F", _("Women"), "series-f"),
        charts.Series("M", _("Men"), "series-m"),
    ]


@dataclass
class Table:
    """A data table: what a chart shows, for screen readers and for copying."""

    caption: str
    headers: list[str]
    rows: list[list[Any]]
    chart: SafeString | None = None
    note: str = ""

    @property
    def html(self) -> SafeString:
        """The table as HTML, built here rather than by a template include: a report
        holds a hundred tables and the template engine (or ``format_html`` for each
        cell) would dominate its time. Every value is escaped."""
        shown = _Localizer()
        head = "".join(f'<th scope="col">{_escaped(h)}</th>' for h in self.headers)
        if self.rows:
            body = "".join(
                f'<tr><th scope="row">{_escaped(row[0])}</th>'
                + "".join(f"<td>{_escaped(shown(v))}</td>" for v in row[1:])
                + "</tr>"
                for row in self.rows
            )
        else:
            body = (
                f'<tr><td colspan="{len(self.headers)}" class="empty">'
                f"{_escaped(_('Nothing counted in this period.'))}</td></tr>"
            )
        return mark_safe(  # noqa: S308 - every part above is escaped
            f'<div class="table-wrap"><table class="figures"><caption>{_escaped(self.caption)}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
        )


def _escaped(value: Any) -> str:
    return str(value) if isinstance(value, SafeData) else html.escape(str(value), quote=True)


class _Localizer:
    """Numbers as ``localize`` writes them in the active language, with the language's
    formats read once per table rather than once per figure."""

    def __init__(self) -> None:
        self.decimal = str(get_format("DECIMAL_SEPARATOR"))
        self.thousands = str(get_format("THOUSAND_SEPARATOR"))
        self.grouping = get_format("NUMBER_GROUPING")

    def __call__(self, value: Any) -> Any:
        if value is None:
            return "–"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return numberformat.format(
            value,
            self.decimal,
            grouping=self.grouping,
            thousand_sep=self.thousands,
            use_l10n=True,
        )


@dataclass
class Tile:
    indicator: Indicator
    total: Any
    women: Any
    men: Any
    available: bool


@dataclass
class Section:
    indicator: Indicator
    tile: Tile
    tables: list[Table] = field(default_factory=list)


def _value(row: Row | None, indicator: Indicator, suppress: bool) -> Any:
    if row is None:
        return 0 if indicator.is_count else None
    if suppress:
        return suppression.figure(row.value, row.base, is_count=indicator.is_count)
    return row.value


def _by(rows: Sequence[Row], *dims: str) -> dict[tuple[str, ...], Row]:
    return {tuple(row.keys[d] for d in dims): row for row in rows}


def _kind(indicator: Indicator) -> str:
    return compute.MEASURES[indicator.measure].kind


def tile(indicator: Indicator, result: Breakdown, suppress: bool = False) -> Tile:
    _lines, (women, men, everyone) = _shown(indicator, [], _sexes(result), suppress)
    return Tile(indicator, everyone, women, men, compute.is_available(indicator))


Line = tuple[Row | None, Row | None, Row | None]  # women, men, everyone


def _sexes(result: Breakdown) -> Line:
    """The whole of a breakdown: women, men, everyone."""
    by_sex = _by(result.by_sex, "sex")
    return by_sex.get(("F",)), by_sex.get(("M",)), result.total


def _shown(
    indicator: Indicator, lines: list[Line], total: Line, suppress: bool
) -> tuple[list[list[Any]], list[Any]]:
    """Lines of women, men and everyone, and their total, as they may be shown: exact on
    screen; for print, small counts hidden and, for counts, whatever would let them be
    worked out from the figures around them (``suppression.protect``)."""
    if suppress and indicator.is_count:
        return suppression.protect([_counts(*line) for line in lines], _counts(*total))
    return (
        [[_value(row, indicator, suppress) for row in line] for line in lines],
        [_value(row, indicator, suppress) for row in total],
    )


def _counts(*rows: Row | None) -> list[int]:
    """The counts of ``rows`` (women, men, everyone), 0 where a row is missing."""
    return [int(row.value or 0) if row is not None else 0 for row in rows]


def split_table(
    indicator: Indicator,
    result: Breakdown,
    dimension: str,
    labels: Labels,
    *,
    suppress: bool,
    rtl: bool,
    with_chart: bool = False,
) -> Table:
    """Women, men and everyone for each value of ``dimension``."""
    rows = result.splits[dimension]
    totals = compute.fold(rows, [dimension], _kind(indicator))
    values = [row.keys[dimension] for row in totals]
    cells = _by(rows, dimension, "sex")
    total_by = _by(totals, dimension)
    lines: list[Line] = [
        (cells.get((value, "F")), cells.get((value, "M")), total_by.get((value,)))
        for value in values
    ]
    names = [labels(dimension, value) for value in values]
    shown, _total = _shown(indicator, lines, _sexes(result), suppress)
    table_rows = [[name, *line] for name, line in zip(names, shown, strict=True)]
    chart_items: list[tuple[str, dict[str, float | int | None]]] = [
        (name, {"F": women.value if women else 0, "M": men.value if men else 0})
        for name, (women, men, _everyone) in zip(names, lines, strict=True)
    ]
    caption = _("%(indicator)s by %(split)s") % {
        "indicator": indicator.label,
        "split": DIMENSION_LABELS[dimension],
    }
    chart = (
        charts.bar_chart(caption, chart_items, series(), rtl=rtl)
        if with_chart and chart_items
        else None
    )
    return Table(
        caption,
        [str(DIMENSION_LABELS[dimension]).capitalize(), _("Women"), _("Men"), _("Total")],
        table_rows,
        chart,
    )


def monthly_chart(area: Area, period: Period, *, rtl: bool) -> Table:
    """Cases opened in the twelve months up to the period's end, women and men."""
    months = last_months(period.end, 12)
    counts = summaries.monthly(area, months, period)
    items: list[tuple[str, dict[str, float | int | None]]] = []
    rows: list[list[Any]] = []
    for month in months:
        women, men = counts.get((month.code, "F"), 0), counts.get((month.code, "M"), 0)
        items.append((f"{month.start:%m/%y}", {"F": women, "M": men}))
        rows.append([f"{month.start:%m/%Y}", women, men, women + men])
    caption = _("Cases opened by month, women and men")
    return Table(
        caption,
        [_("Month"), _("Women"), _("Men"), _("Total")],
        rows,
        charts.column_chart(caption, items, series(), rtl=rtl),
    )


def caseload(user: Any, area: Area) -> dict[str, Any]:
    """The cell's work today, through the scoped door: active cases by status, overdue."""
    cases = Case.objects.visible_to(user).filter(cell_id__in=sorted(area.cell_ids))
    by_status = dict(
        cases.filter(status__in=ACTIVE_STATUSES)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    overdue_tasks = (
        Task.objects.overdue().filter(case__in=cases.filter(status__in=ACTIVE_STATUSES)).count()
    )
    return {
        "statuses": [
            (CaseStatus(status).label, by_status.get(status, 0)) for status in ACTIVE_STATUSES
        ],
        "active": sum(by_status.values()),
        "overdue_tasks": overdue_tasks,
    }


def parts_table(results: dict[str, Breakdown], child: str, labels: Labels) -> Table:
    """Every dashboard figure for each part of the area (provinces or cells)."""
    shown = [definitions.get(code) for code in DASHBOARD_CODES]
    indicators = [indicator for indicator in shown if indicator is not None]
    folded = {
        indicator.code: _by(
            compute.fold(results[indicator.code].splits[child], [child], _kind(indicator)), child
        )
        for indicator in indicators
    }
    parts = sorted({key[0] for rows in folded.values() for key in rows})
    return Table(
        _("Figures by part of the territory"),
        [str(DIMENSION_LABELS[child]).capitalize(), *[indicator.label for indicator in indicators]],
        [
            [
                labels(child, part),
                *[
                    _value(folded[indicator.code].get((part,)), indicator, False)
                    for indicator in indicators
                ],
            ]
            for part in parts
        ],
    )


def dashboard(user: Any, period: Period, area: Area, *, figure: str, rtl: bool) -> dict[str, Any]:
    """The figures of the period, and for one cell its work today (always live)."""
    context = dashboard_figures(period, area, figure=figure, rtl=rtl)
    if area.cell is not None:
        context["caseload"] = caseload(user, area)
    return context


def dashboard_figures(period: Period, area: Area, *, figure: str, rtl: bool) -> dict[str, Any]:
    labels = Labels()
    child = area.child_dimension
    provinces = compute.province_of_cells(area.cell_ids)
    tiles, results = [], {}
    for code in DASHBOARD_CODES:
        indicator = definitions.require(code)
        splits = [child, "need_domain"] if code == "needs" else [child]
        result = summaries.breakdown(indicator, period, area, splits, cell_provinces=provinces)
        results[code] = result
        tiles.append(tile(indicator, result))
    needs = definitions.require("needs")
    needs_result = results["needs"]
    context: dict[str, Any] = {
        "tiles": tiles,
        "monthly": monthly_chart(area, period, rtl=rtl),
        "needs_table": split_table(
            needs, needs_result, "need_domain", labels, suppress=False, rtl=rtl, with_chart=True
        ),
    }
    # The parts of the area (provinces of the region, cells of a province), every figure.
    if area.cell is None:
        context["parts"] = parts_table(results, child, labels)
    if child == "province":
        chosen = definitions.get(figure) or definitions.require(MAP_DEFAULT)
        by_province = _by(
            compute.fold(results[chosen.code].splits["province"], ["province"], _kind(chosen)),
            "province",
        )
        empty: float | int | None = 0 if chosen.is_count else None
        values: dict[str, float | int | None] = dict.fromkeys(ORIENTAL, empty)
        values.update({code: row.value for (code,), row in by_province.items()})
        context["map"] = charts.region_map(
            _("Map of the region: %(indicator)s by province") % {"indicator": chosen.label},
            values,
            labels.places,
        )
        context["map_figure"] = chosen
        context["map_rows"] = [
            (code, labels("province", code), values.get(code)) for code in ORIENTAL
        ]
        peak = max([float(v or 0) for v in values.values()] + [0.0])
        context["map_legend"] = charts.legend(peak)
    context["gaps"] = gender.gender_gaps(
        period, area, parts=False, trend=False, needs_by_domain=needs_result.splits["need_domain"]
    )[:5]
    context["labels"] = labels
    return context


def report(period: Period, area: Area, *, rtl: bool) -> dict[str, Any]:
    """Every indicator, disaggregated, suppressed for print."""
    labels = Labels()
    provinces = compute.province_of_cells(area.cell_ids)
    splits = [
        d for d in REPORT_SPLITS if not (d == "province" and area.child_dimension != "province")
    ]
    sections = []
    for indicator in definitions.all_indicators():
        result = summaries.breakdown(indicator, period, area, splits, cell_provinces=provinces)
        section = Section(indicator, tile(indicator, result, suppress=True))
        if compute.is_available(indicator):
            for dimension in splits:
                if dimension in result.splits and result.splits[dimension]:
                    section.tables.append(
                        split_table(indicator, result, dimension, labels, suppress=True, rtl=rtl)
                    )
        sections.append(section)
    return {"sections": sections, "gaps": gender.gender_gaps(period, area), "labels": labels}
