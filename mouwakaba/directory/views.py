"""The public directory: anyone, without an account, in Arabic, French, English or
Spanish, finds the services that answer a need near them and what to bring."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from mouwakaba.core.domains import NeedDomain
from mouwakaba.core.middleware import public_page
from mouwakaba.territories.models import Level, Territory

from . import search
from .forms import DirectoryFilterForm
from .models import (
    Language,
    Organization,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    need_term_id,
)

PER_PAGE = 20


def _need_counts(services: Any) -> dict[str, int]:
    """How many of ``services`` answer each need, in one query."""
    links = Service.taxonomy_terms.through.objects.filter(
        service__in=services.values("pk"), taxonomyterm__in=[need_term_id(d) for d in NeedDomain]
    )
    rows = links.values("taxonomyterm__code").annotate(n=Count("service_id"))
    return {row["taxonomyterm__code"]: row["n"] for row in rows}


@public_page
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Browse and search the services by need, province and commune."""
    territories = list(
        Territory.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE]).order_by("path")
    )
    form = DirectoryFilterForm(request.GET or None, territories=territories)
    services = Service.objects.listed()
    need, place, query = "", None, ""
    if form.is_valid():
        place = form.place()
        if place is not None:
            services = services.serving(place)
        need = form.cleaned_data["need"]
        query = form.cleaned_data["q"].strip()
    counts = _need_counts(services)
    if need:
        services = services.for_domain(need)
    if query and search.query_words(query):
        ranked = search.rank(services.order_by_name().values_list("pk", "search_key"), query)
        labels = {domain.value: str(domain.label) for domain in NeedDomain}
        for domain in search.labels_matching(query, labels):
            # The query names a need: its services follow those found by name.
            found_by_name = set(ranked)
            answering = services.for_domain(domain).order_by_name().values_list("pk", flat=True)
            ranked += [pk for pk in answering if pk not in found_by_name]
        page = Paginator(ranked, PER_PAGE).get_page(request.GET.get("page"))
        found = {s.pk: s for s in Service.objects.filter(pk__in=list(page)).for_cards()}
        results = [found[pk] for pk in page if pk in found]
    else:
        page = Paginator(services.order_by_name().for_cards(), PER_PAGE).get_page(
            request.GET.get("page")
        )
        results = list(page)
    needs = [
        {"domain": domain, "count": counts.get(domain.value, 0), "current": domain.value == need}
        for domain in NeedDomain
    ]
    return render(
        request,
        "directory/index.html",
        {
            "form": form,
            "page": page,
            "results": results,
            "needs": needs,
            "need": need,
            "place": place,
            "query": query,
        },
    )


def _location_details() -> Prefetch[Any]:
    links = (
        ServiceAtLocation.objects.select_related("location__commune__parent")
        .prefetch_related(
            "phones", "schedules", "location__phones", "location__schedules", "location__languages"
        )
        .order_by("location__commune__path", "location__name_fr")
    )
    return Prefetch("service_at_locations", links)


@public_page
@require_GET
def service(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """One service: what it is, who can use it, what to bring, where and when to go."""
    queryset = Service.objects.select_related("organization").prefetch_related(
        Prefetch("taxonomy_terms", TaxonomyTerm.objects.order_by("code")),
        "required_documents",
        "cost_options",
        "languages",
        "schedules",
        "phones",
        "service_areas__territory",
        _location_details(),
    )
    found = get_object_or_404(queryset, pk=pk)
    places = []
    languages: dict[str, Language] = {lang.code: lang for lang in found.languages.all()}
    sample = found.is_sample_data
    for link in found.service_at_locations.all():
        location = link.location
        hours = list(link.schedules.all()) or list(location.schedules.all())
        hours = hours or list(found.schedules.all())
        phones = [*link.phones.all(), *location.phones.all()]
        for language in location.languages.all():
            languages.setdefault(language.code, language)
        sample = sample or location.is_sample_data or any(h.is_sample_data for h in hours)
        sample = sample or any(p.is_sample_data for p in phones)
        places.append({"link": link, "location": location, "hours": hours, "phones": phones})
    phones = list(found.phones.all())
    sample = sample or any(p.is_sample_data for p in phones)
    return render(
        request,
        "directory/service.html",
        {
            "service": found,
            "places": places,
            "phones": phones,
            "spoken": sorted(languages.values(), key=lambda lang: lang.label),
            "sample": sample,
            "documents": list(found.required_documents.all()),
            "costs": list(found.cost_options.all()),
            "areas": list(found.service_areas.all()),
        },
    )


@public_page
@require_GET
def organization(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A provider and the services it offers."""
    found = get_object_or_404(Organization, pk=pk)
    services = Service.objects.listed().filter(organization=found).order_by_name().for_cards()
    return render(
        request, "directory/organization.html", {"organization": found, "services": services}
    )
