"""Exports: aggregates as CSV, XLSX and HXL-tagged CSV (small counts suppressed), and
lists of cases with the columns chosen. The views audit each one."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mouwakaba.cases.models import Case, Need

from . import compute, suppression
from .areas import Area
from .compute import AGE_GROUPS, DIMENSION_LABELS, UNKNOWN, Row
from .definitions import Indicator
from .forms import CASE_COLUMNS
from .labels import Labels
from .periods import Period

# HXL: the hashtag and attributes of the columns that name a split.
HXL_SPLITS = {
    "population": "#group+population",
    "legal_status": "#group+legal_status",
    "nationality": "#country+code",
    "need_domain": "#sector+need",
    "service_type": "#sector+service",
    "cell": "#loc+cell+code",
}
HXL_AGES = {"0-17": "+age0_17", "18-24": "+age18_24", "25-59": "+age25_59", "60+": "+age60plus"}


def aggregate_table(
    indicator: Indicator,
    period: Period,
    area: Area,
    by: Sequence[str],
    rows: Sequence[Row],
    labels: Labels,
) -> tuple[list[str], list[list[Any]]]:
    """A long table: period, territory, each split (code and name), the figure."""
    headers = [_("period"), _("territory")]
    for dimension in by:
        headers += [dimension, str(DIMENSION_LABELS[dimension])]
    headers.append(indicator.label)
    body = []
    for row in rows:
        line: list[Any] = [period.code, area.code]
        for dimension in by:
            line += [row.keys[dimension], labels(dimension, row.keys[dimension])]
        line.append(suppression.figure(row.value, row.base, is_count=indicator.is_count))
        body.append(line)
    return headers, body


def hxl_table(
    indicator: Indicator, period: Period, area: Area, by: Sequence[str], labels: Labels
) -> tuple[list[str], list[str], list[list[Any]]]:
    """A wide HXL table: one line per province (and per other split asked), value columns
    for everyone, women (+f) and men (+m), and by age group when asked (+age0_17 ...).
    Returns the header row, the hashtag row and the lines."""
    kind = compute.MEASURES[indicator.measure].kind
    others = [d for d in by if d not in ("sex", "age_group", "province")]
    with_age = "age_group" in by and "age_group" in indicator.dimensions
    splits = ["province", *others, "sex", *(["age_group"] if with_age else [])]
    rows = compute.compute(indicator, period, area, splits)
    keys = ["province", *others]
    columns: list[tuple[str, str, dict[str, str]]] = [
        (indicator.label, indicator.hxl, {}),
        (_("women"), f"{indicator.hxl}+f", {"sex": "F"}),
        (_("men"), f"{indicator.hxl}+m", {"sex": "M"}),
    ]
    if with_age:
        for group in AGE_GROUPS:
            columns.append((group, f"{indicator.hxl}{HXL_AGES[group]}", {"age_group": group}))
            for sex, attribute in (("F", "+f"), ("M", "+m")):
                columns.append(
                    (
                        f"{group} {sex}",
                        f"{indicator.hxl}{attribute}{HXL_AGES[group]}",
                        {"sex": sex, "age_group": group},
                    )
                )
    cells: dict[Any, dict[tuple[str, ...], Row]] = {}
    for _label, _tag, fixed in columns:
        keep = [*keys, *fixed]
        column_cells = cells.setdefault(tuple(fixed.items()), {})
        for row in compute.fold(rows, keep, kind):
            if all(row.keys[name] == value for name, value in fixed.items()):
                column_cells[tuple(row.keys[k] for k in keys)] = row
    lines_keys = sorted({key for by_key in cells.values() for key in by_key})
    headers = [_("region code"), _("region"), _("province code"), _("province")]
    tags = ["#adm1+code", "#adm1+name", "#adm2+code", "#adm2+name"]
    for dimension in others:
        headers.append(str(DIMENSION_LABELS[dimension]))
        tags.append(HXL_SPLITS.get(dimension, f"#meta+{dimension}"))
    headers += [label for label, _tag, _fixed in columns]
    tags += [tag for _label, tag, _fixed in columns]
    region_code = "MA-02"
    region_name = labels("province", region_code)
    body = []
    for key in lines_keys:
        province = key[0]
        line: list[Any] = [
            region_code,
            region_name,
            "" if province == UNKNOWN else province,
            "" if province == UNKNOWN else labels("province", province),
        ]
        line += list(key[1:])
        found = [cells.get(tuple(fixed.items()), {}).get(key) for _label, _tag, fixed in columns]
        if indicator.is_count:
            # Columns come in threes (everyone, women, men), for all ages then each age
            # group: small counts hidden, and what would let them be worked out.
            counts = [int(row.value or 0) if row is not None else 0 for row in found]
            for start in range(0, len(counts), 3):
                everyone, women, men = counts[start : start + 3]
                (protected,), _total = suppression.protect([[women, men, everyone]])
                line += [protected[2], protected[0], protected[1]]
        else:
            line += [
                "" if row is None else suppression.figure(row.value, row.base, is_count=False)
                for row in found
            ]
        body.append(line)
    return headers, tags, body


def csv_bytes(lines: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in lines:
        writer.writerow(["" if value is None else value for value in line])
    # A byte-order mark so that spreadsheet programs read Arabic as UTF-8.
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def csv_stream(lines: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """CSV a line at a time (the first one with the byte-order mark)."""
    for number, line in enumerate(lines):
        yield csv_bytes([line], bom=number == 0)


def xlsx_bytes(
    sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]], *, rtl: bool = False
) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    for name, lines in sheets:
        sheet = workbook.add_worksheet(name[:31])
        if rtl:
            sheet.right_to_left()
        for number, line in enumerate(lines):
            for column, value in enumerate(line):
                sheet.write(
                    number, column, "" if value is None else value, bold if number == 0 else None
                )
        sheet.set_column(0, max((len(line) for line in lines), default=1), 18)
    workbook.close()
    return buffer.getvalue()


def about_sheet(indicator: Indicator, period: Period, area: Area) -> list[list[Any]]:
    return [
        [_("indicator"), indicator.label],
        [_("definition"), indicator.explanation],
        [_("period"), f"{period.code} ({period.start.isoformat()} – {period.end.isoformat()})"],
        [_("territory"), f"{area.code} – {area.name}"],
        [_("exported on"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        [
            _("confidentiality"),
            _(
                "Counts from 1 to 4 are shown as <5; rates and medians resting on fewer than 5 are not shown."
            ),
        ],
    ]


# --- Case lists ---------------------------------------------------------------------------


def cases_for_export(cases: QuerySet[Case], columns: Sequence[str]) -> QuerySet[Case]:
    related = ["cell"]
    if {"legal_status", "nationality", "name_lat", "name_ar"} & set(columns):
        related.append("person")
    cases = cases.select_related(*related).order_by("opened_at", "pk")
    if "needs" in columns:
        cases = cases.prefetch_related(Prefetch("needs", Need.objects.order_by("created_at", "id")))
    return cases


def case_lines(
    cases: QuerySet[Case], columns: Sequence[str], period: Period
) -> Iterator[list[Any]]:
    """The header, then one line per case (read in chunks, so a large list streams)."""
    names = dict(CASE_COLUMNS)
    yield [str(names[column]) for column in columns]
    year = period.end.year
    labels = Labels()
    for case in cases.iterator(chunk_size=2000):
        line: list[Any] = []
        for column in columns:
            line.append(_case_value(case, column, year, labels))
        yield line


def _age_group(birth_year: int | None, year: int) -> str:
    if birth_year is None:
        return UNKNOWN
    age = year - birth_year
    if age <= 17:
        return "0-17"
    if age <= 24:
        return "18-24"
    if age <= 59:
        return "25-59"
    return "60+"


def _case_value(case: Case, column: str, year: int, labels: Labels) -> Any:
    if column == "reference":
        return case.reference
    if column == "cell":
        return str(case.cell.name)
    if column == "status":
        return str(case.get_status_display())
    if column == "opened_at":
        return timezone.localtime(case.opened_at).date().isoformat()
    if column == "closed_at":
        return timezone.localtime(case.closed_at).date().isoformat() if case.closed_at else ""
    if column == "outcome":
        return str(case.get_outcome_display()) if case.outcome else ""
    if column == "needs":
        return "; ".join(str(need.get_domain_display()) for need in case.needs.all())
    if column == "sex":
        return labels("sex", case.person_sex)
    if column == "age_group":
        return labels("age_group", _age_group(case.person_birth_year, year))
    if column == "population":
        return labels("population", case.person_population)
    if column == "legal_status":
        return labels("legal_status", case.person.legal_status or UNKNOWN)
    if column == "nationality":
        return str(case.person.nationality or "")
    if column == "name_lat":
        return f"{case.person.given_name_lat} {case.person.family_name_lat}".strip()
    if column == "name_ar":
        return f"{case.person.given_name_ar} {case.person.family_name_ar}".strip()
    return ""
