from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Cell, Level, Territory


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The region, its prefectures and provinces, and the cells of each."""
    cells = Cell.objects.active().select_related("cell_type", "territory__parent")
    provinces = Territory.objects.filter(level=Level.PROVINCE).prefetch_related(
        Prefetch("children", queryset=Territory.objects.order_by("-is_main", "name_fr"))
    )
    by_province: dict[int, list[Cell]] = {}
    regional: list[Cell] = []
    for cell in cells:
        province = cell.territory.province
        if province is None:
            regional.append(cell)
        else:
            by_province.setdefault(province.pk, []).append(cell)
    rows = [(province, by_province.get(province.pk, [])) for province in provinces]
    rows.sort(key=lambda row: row[0].name)  # in the reader's language
    region = Territory.objects.filter(level=Level.REGION).first()
    return render(
        request,
        "territories/overview.html",
        {"region": region, "regional_cells": regional, "rows": rows},
    )
