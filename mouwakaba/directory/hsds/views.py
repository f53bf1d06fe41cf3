"""The HSDS 3.0 read API at /api/hsds/: public, no login, nothing personal in it (the
directory holds organisations and services; contacts are desks, never people).

Lists answer in the specification's ``Page`` envelope and take ``page`` and ``per_page``;
services and services-at-locations also take ``search``, ``taxonomy_term_id``,
``taxonomy_id``, ``organization_id`` and ``modified_after``. Texts are in the language of
``Accept-Language`` (French when a text is missing in it); every text is also given in
Arabic, French and English under ``translations``.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import search
from ..models import (
    Organization,
    Service,
    ServiceAtLocation,
    ServiceQuerySet,
    Taxonomy,
    TaxonomyTerm,
)
from . import export, schemas

M = TypeVar("M", bound=Model)
PER_PAGE = 50
MAX_PER_PAGE = 500
PROFILE = "https://docs.openreferral.org/en/latest/hsds/overview.html"


class BadParameter(ValueError):
    pass


def _answer(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    # Public reference data: any web page may read it.
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept-Language"
    return response


def _problem(message: str, status: int = 400) -> JsonResponse:
    return _answer({"detail": message}, status=status)


def public_api(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """GET only; a bad query parameter answers 400 with what is wrong, an unknown id 404,
    both as JSON."""

    @require_GET
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        try:
            return view(request, *args, **kwargs)
        except BadParameter as error:
            return _problem(str(error))
        except Http404:
            return _problem(_("No such record."), status=404)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- Parameters -------------------------------------------------------------------------------------


def _positive(request: HttpRequest, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadParameter(_("%(name)s must be a whole number from 1.") % {"name": name})
    value = int(raw)
    return min(value, maximum) if maximum else value


def _uuid_param(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError as error:
        raise BadParameter(_("%(name)s must be a UUID.") % {"name": name}) from error


def _datetime_param(request: HttpRequest, name: str) -> datetime | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    # A "+01:00" offset left unencoded in a query string arrives as " 01:00".
    raw = raw.replace(" ", "+") if "T" in raw else raw
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(
            _("%(name)s must be a date or a date and time (ISO 8601).") % {"name": name}
        )
    # Without an offset, a moment is taken to be in UTC, as HSDS dates are.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _boolean(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name, "").strip().lower() in {"1", "true", "yes"}


def _page(
    request: HttpRequest, queryset: QuerySet[M], serialize: Callable[[M], dict[str, Any]]
) -> JsonResponse:
    page = _positive(request, "page", 1)
    per_page = _positive(request, "per_page", PER_PAGE, MAX_PER_PAGE)
    total = queryset.count()
    start = (page - 1) * per_page
    rows = list(queryset[start : start + per_page]) if start < total else []
    pages = max(1, math.ceil(total / per_page))
    return _answer(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": page,
            "size": len(rows),
            "first_page": page == 1,
            "last_page": page >= pages,
            "empty": not rows,
            "contents": [serialize(row) for row in rows],
        }
    )


def _filter_services(request: HttpRequest, services: ServiceQuerySet) -> ServiceQuerySet:
    if query := request.GET.get("search", "").strip():
        services = services.search(query)
    if term_id := _uuid_param(request, "taxonomy_term_id"):
        links = Service.taxonomy_terms.through.objects.filter(taxonomyterm_id=term_id)
        services = services.filter(pk__in=links.values("service_id"))
    if taxonomy_id := _uuid_param(request, "taxonomy_id"):
        links = Service.taxonomy_terms.through.objects.filter(taxonomyterm__taxonomy_id=taxonomy_id)
        services = services.filter(pk__in=links.values("service_id"))
    if organization_id := _uuid_param(request, "organization_id"):
        services = services.filter(organization_id=organization_id)
    if since := _datetime_param(request, "modified_after"):
        services = services.filter(updated_at__gte=since)
    return services


def _matching(queryset: QuerySet[M], query: str, *fields: str) -> QuerySet[M]:
    """Rows whose ``fields`` match ``query``, forgiving spelling (small tables)."""
    rows = queryset.values_list("pk", *fields)
    keys = ((row[0], search.key_for(row[1:])) for row in rows)
    return queryset.filter(pk__in=search.rank(keys, query))


# --- Endpoints --------------------------------------------------------------------------------------


@public_api
def root(request: HttpRequest) -> JsonResponse:
    """What this API is: its HSDS version, profile and OpenAPI description."""
    return _answer(
        {
            "version": schemas.VERSION,
            "profile": PROFILE,
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
        }
    )


@public_api
def openapi(request: HttpRequest) -> JsonResponse:
    """The specification's OpenAPI document, with this server's details filled in."""
    document = schemas.openapi()
    document["info"] = {
        "title": "Mouwakaba service directory (HSDS 3.0)",
        "version": schemas.VERSION,
        "summary": "Public services for migrants in the Oriental region, as Open Referral HSDS.",
        "description": "Read only, no authentication. Texts follow Accept-Language.",
        "license": {
            "name": "CC BY-SA 4.0 (HSDS specification); data: see the deployment",
            "url": "https://creativecommons.org/licenses/by-sa/4.0/",
        },
    }
    document["servers"] = [{"url": request.build_absolute_uri(reverse("hsds:root")).rstrip("/")}]
    return _answer(document)


@public_api
def services(request: HttpRequest) -> JsonResponse:
    rows = _filter_services(request, Service.objects.all()).order_by_name()
    if _boolean(request, "full"):
        return _page(
            request, export.services_for_detail(rows), lambda row: export.service(row, full=True)
        )
    return _page(
        request, export.services_for_list(rows), lambda row: export.service(row, full=False)
    )


@public_api
def service(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    row = get_object_or_404(export.services_for_detail(Service.objects.all()), pk=pk)
    return _answer(export.service(row, full=True))


@public_api
def organizations(request: HttpRequest) -> JsonResponse:
    rows = Organization.objects.order_by("name_fr", "pk")
    if query := request.GET.get("search", "").strip():
        rows = _matching(rows, query, "name_ar", "name_fr", "name_en", "alternate_name")
    if _boolean(request, "full"):
        return _page(
            request,
            export.organizations_for_detail(rows),
            lambda row: export.organization(row, full=True),
        )
    return _page(request, rows, export.organization)


@public_api
def organization(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    row = get_object_or_404(export.organizations_for_detail(Organization.objects.all()), pk=pk)
    provided = Service.objects.filter(organization=row).order_by_name()
    if _boolean(request, "full_service"):
        nested = [export.service(s, full=True) for s in export.services_for_detail(provided)]
    else:
        nested = [
            {"id": str(s.id), "name": s.name, "status": s.status}
            for s in provided.only("id", "name_ar", "name_fr", "name_en", "status")
        ]
    return _answer(export.organization(row, full=True, services={"services": nested}))


def _links(request: HttpRequest) -> QuerySet[ServiceAtLocation]:
    wanted = _filter_services(request, Service.objects.all())
    return ServiceAtLocation.objects.filter(service__in=wanted.values("pk")).order_by(
        "service__name_fr", "location__name_fr", "pk"
    )


@public_api
def service_at_locations(request: HttpRequest) -> JsonResponse:
    full = _boolean(request, "full")
    rows = (
        export.service_at_locations_for_detail(_links(request))
        if full
        else export.service_at_locations_for_list(_links(request))
    )
    return _page(
        request,
        rows,
        lambda row: export.service_at_location(row, nested_service=full),
    )


@public_api
def service_at_location(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    """A service at a location, fully nested: its location and its service. (The 3.0
    OpenAPI file points this answer at the service schema; it is a service_at_location.)"""
    queryset = export.service_at_locations_for_detail(ServiceAtLocation.objects.all())
    row = get_object_or_404(queryset, pk=pk)
    return _answer(export.service_at_location(row, nested_service=True))


@public_api
def taxonomies(request: HttpRequest) -> JsonResponse:
    rows = Taxonomy.objects.order_by("name", "pk")
    if query := request.GET.get("search", "").strip():
        rows = _matching(rows, query, "name")
    return _page(request, rows, export.taxonomy)


@public_api
def taxonomy(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    return _answer(export.taxonomy(get_object_or_404(Taxonomy, pk=pk)))


@public_api
def taxonomy_terms(request: HttpRequest) -> JsonResponse:
    rows: QuerySet[TaxonomyTerm] = TaxonomyTerm.objects.order_by("taxonomy__name", "code", "pk")
    if query := request.GET.get("search", "").strip():
        rows = _matching(rows, query, "code", "name_ar", "name_fr", "name_en")
    if taxonomy_id := _uuid_param(request, "taxonomy_id"):
        rows = rows.filter(taxonomy_id=taxonomy_id)
    if parent_id := _uuid_param(request, "parent_id"):
        rows = rows.filter(parent_id=parent_id)
    if _boolean(request, "top_only"):
        rows = rows.filter(Q(parent__isnull=True))
    return _page(request, export.terms_for_list(rows), export.taxonomy_term)


@public_api
def taxonomy_term(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    row = get_object_or_404(export.terms_for_list(TaxonomyTerm.objects.all()), pk=pk)
    return _answer(export.taxonomy_term(row))
