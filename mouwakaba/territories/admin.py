from __future__ import annotations

from django.contrib import admin

from .models import Cell, CellType, Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin[Territory]):
    list_display = ["code", "name_fr", "name_ar", "level", "kind", "parent", "is_main"]
    list_filter = ["level", "kind", "is_main"]
    search_fields = ["code", "name_fr", "name_ar", "name_en"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.path = obj.compute_path()
        super().save_model(request, obj, form, change)


@admin.register(CellType)
class CellTypeAdmin(admin.ModelAdmin[CellType]):
    list_display = ["code", "name_fr", "name_ar", "level", "receives_persons"]


@admin.register(Cell)
class CellAdmin(admin.ModelAdmin[Cell]):
    list_display = ["code", "name_fr", "name_ar", "cell_type", "territory", "is_active"]
    list_filter = ["cell_type", "is_active"]
    search_fields = ["code", "name_fr", "name_ar", "name_en"]
    list_select_related = ["cell_type", "territory"]
