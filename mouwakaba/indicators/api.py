"""/api/v1/indicators/: the definitions, and the values of one indicator for a period and
a territory, split as asked. Exact figures, within the caller's scope (the API is read
by authenticated users; suppression applies to what leaves the platform)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from . import areas, compute, definitions, periods
from .definitions import Indicator


def _definition(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name": indicator.name(get_language()),
        "names": indicator.names,
        "description": indicator.description(get_language()),
        "unit": indicator.unit,
        "dimensions": list(indicator.dimensions),
        "available": compute.is_available(indicator),
    }


class DefinitionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField(help_text="In the language of Accept-Language.")
    names = serializers.DictField(child=serializers.CharField(), help_text="ar, fr, en")
    description = serializers.CharField()
    unit = serializers.CharField()
    dimensions = serializers.ListField(child=serializers.CharField())
    available = serializers.BooleanField()


VALUES = inline_serializer(
    "IndicatorValues",
    {
        "indicator": serializers.CharField(),
        "period": serializers.CharField(),
        "territory": serializers.CharField(),
        "by": serializers.ListField(child=serializers.CharField()),
        "rows": serializers.ListField(
            child=serializers.DictField(),
            help_text='One object per combination: the splits asked and "value".',
        ),
    },
)
PARAMETERS = [
    OpenApiParameter("period", OpenApiTypes.STR, description="2026-11, 2026-Q3 or 2026"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="with to: a custom period"),
    OpenApiParameter("to", OpenApiTypes.DATE),
    OpenApiParameter(
        "territory", OpenApiTypes.STR, description="MA-02, MA-NAD, a commune code or a cell id"
    ),
    OpenApiParameter(
        "by", OpenApiTypes.STR, description="comma-separated splits, e.g. sex,province"
    ),
]


class IndicatorViewSet(viewsets.ViewSet):
    """Indicator definitions; ``values/`` computes one for ``period`` (``2026-11``,
    ``2026-Q3``, ``2026``, or ``from``/``to`` dates), ``territory`` (a region, province or
    commune code, or a cell id or code; default: the caller's) and ``by`` (comma-separated
    splits among the indicator's ``dimensions``)."""

    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "code"
    lookup_value_regex = "[a-z_]+"

    serializer_class = DefinitionSerializer

    @extend_schema(operation_id="indicators_list", responses=DefinitionSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response([_definition(indicator) for indicator in definitions.all_indicators()])

    @extend_schema(responses=DefinitionSerializer)
    def retrieve(self, request: Request, code: str | None = None) -> Response:
        return Response(_definition(self._indicator(code)))

    @extend_schema(parameters=PARAMETERS, responses=VALUES)
    @action(detail=True, methods=["get"])
    def values(self, request: Request, code: str | None = None) -> Response:
        indicator = self._indicator(code)
        params = request.query_params
        by = [part.strip() for part in params.get("by", "").split(",") if part.strip()]
        unknown = [d for d in by if d not in indicator.dimensions]
        if unknown:
            raise ValidationError(
                {
                    "by": _(
                        "These splits do not apply to this indicator: %(splits)s. Use: %(known)s."
                    )
                    % {"splits": ", ".join(unknown), "known": ", ".join(indicator.dimensions)}
                }
            )
        if len(set(by)) != len(by):
            raise ValidationError({"by": _("Give each split once.")})
        try:
            period = periods.from_params(params)
        except DjangoValidationError as error:
            raise ValidationError({"period": error.messages}) from error
        try:
            area = areas.resolve(request.user, params.get("territory", ""))
        except DjangoValidationError as error:
            raise ValidationError({"territory": error.messages}) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        rows = compute.compute(indicator, period, area, by)
        return Response(
            {
                "indicator": indicator.code,
                "period": period.code,
                "territory": area.code,
                "by": by,
                "rows": [{**row.keys, "value": row.value} for row in rows],
            }
        )

    def _indicator(self, code: str | None) -> Indicator:
        indicator = definitions.get(code or "")
        if indicator is None:
            raise Http404
        return indicator


def register(router: BaseRouter) -> None:
    """Adds this app's API endpoints under /api/v1/."""
    router.register("indicators", IndicatorViewSet, basename="indicator")
