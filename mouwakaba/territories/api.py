from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets

from .models import Cell, CellType, Territory


class TerritorySerializer(serializers.ModelSerializer[Territory]):
    name = serializers.CharField(read_only=True, help_text="Name in the request's language.")

    class Meta:
        model = Territory
        fields = [
            "id",
            "code",
            "level",
            "kind",
            "parent",
            "is_main",
            "name",
            "name_ar",
            "name_fr",
            "name_en",
        ]


class CellSerializer(serializers.ModelSerializer[Cell]):
    name = serializers.CharField(read_only=True, help_text="Name in the request's language.")
    cell_type: serializers.SlugRelatedField[CellType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Cell
        fields = [
            "id",
            "code",
            "cell_type",
            "territory",
            "name",
            "name_ar",
            "name_fr",
            "name_en",
            "address",
            "phone",
            "email",
            "is_active",
        ]


class TerritoryViewSet(viewsets.ReadOnlyModelViewSet[Territory]):
    """Region, prefectures and provinces, communes. Filters: ``level``, ``parent``."""

    serializer_class = TerritorySerializer

    def get_queryset(self) -> Any:
        queryset = Territory.objects.all()
        params = self.request.query_params
        if level := params.get("level"):
            queryset = queryset.filter(level=level)
        if parent := params.get("parent"):
            queryset = (
                queryset.filter(parent_id=int(parent)) if parent.isdigit() else queryset.none()
            )
        return queryset


class CellViewSet(viewsets.ReadOnlyModelViewSet[Cell]):
    """Reception cells. Filters: ``territory`` (the cells at or below it), ``type``."""

    serializer_class = CellSerializer

    def get_queryset(self) -> Any:
        queryset = Cell.objects.select_related("cell_type")
        params = self.request.query_params
        if territory := params.get("territory"):
            found = Territory.objects.filter(pk=territory).first() if territory.isdigit() else None
            queryset = queryset.within(found) if found else queryset.none()
        if cell_type := params.get("type"):
            queryset = queryset.filter(cell_type__code=cell_type)
        return queryset
