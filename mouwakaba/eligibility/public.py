""" "What could I be entitled to?": the public, anonymous questionnaire of the directory.

The answers travel in the body of a POST — never in the URL, which access logs, proxies
and the browser's history keep — are evaluated with the same engine and rules as a case,
and are forgotten: nothing is stored, no audit event is written, the session is not
touched. The POST changes nothing, so it needs no CSRF token (and sets no cookie); the
answer is not cached and sends no referrer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mouwakaba.core.middleware import public_page
from mouwakaba.directory.models import (
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
    need_term_id,
)

from .decisions import decide_facts
from .engine import ELIGIBLE, TO_VERIFY
from .forms import QuestionnaireForm

SHOWN = 20


@public_page
@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def entitled(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate()
    asked = request.method == "POST"
    form = QuestionnaireForm(request.POST if asked else None)
    results: list[dict[str, Any]] = []
    if asked and form.is_valid():
        services = Service.objects.filter(status=ServiceStatus.ACTIVE)
        need = form.cleaned_data.get("need")
        if need:
            services = services.for_domain(need)
        services = services.select_related("organization").prefetch_related(
            Prefetch("taxonomy_terms", TaxonomyTerm.objects.order_by("code")),
            Prefetch(
                "service_at_locations",
                ServiceAtLocation.objects.select_related("location__commune"),
            ),
        )
        service_list = list(services)
        decisions = decide_facts(form.facts(on), [s.pk for s in service_list], on)
        commune = form.cleaned_data.get("commune") or ""
        province = "/".join(commune.strip("/").split("/")[:2]) + "/" if commune else ""

        def nearness(service: Service) -> int:
            paths = [
                link.location.commune.path
                for link in service.service_at_locations.all()
                if link.location.commune is not None
            ]
            if commune and commune in paths:
                return 0
            if province and any(path.startswith(province) for path in paths):
                return 1
            return 2

        for service in service_list:
            decision = decisions[service.pk]
            if decision.status not in (ELIGIBLE, TO_VERIFY):
                continue
            results.append(
                {
                    "service": service,
                    "decision": decision,
                    "near": nearness(service),
                    # A service without conditions is open to everyone: listed after
                    # those whose conditions the visitor meets.
                    "open": decision.rule_version_id is None,
                }
            )
        results.sort(
            key=lambda r: (
                r["decision"].status != ELIGIBLE,
                r["open"],
                r["near"],
                r["service"].name,
            )
        )
    response = render(
        request,
        "eligibility/entitled.html",
        {
            "form": form,
            "asked": asked,
            "results": results[:SHOWN],
            "more": max(0, len(results) - SHOWN),
            "need_term_id": need_term_id,
        },
    )
    response["Referrer-Policy"] = "no-referrer"
    return response
