from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from mouwakaba.eligibility.queries import services_for_needs
from mouwakaba.people.queries import can_see_vulnerabilities

register = template.Library()


@register.simple_tag(takes_context=True)
def case_services(context: dict[str, Any], case: Any) -> str:
    """The case page's section: for each need, the services that answer it, with the
    person's eligibility and its reasons, nearest locations first."""
    person = case.person
    request = context.get("request")
    user = getattr(request, "user", None)
    domains = [need.domain for need in case.needs.all()]
    on = timezone.localdate()
    needs = services_for_needs(person, domains, on)
    # The vulnerability flags are sensitive: a viewer who may not see them reads that a
    # situation is checked, not which one was found.
    show_vulnerabilities = user is not None and can_see_vulnerabilities(user, person)
    return render_to_string(
        "eligibility/_case_services.html",
        {
            "needs": needs,
            "case": case,
            "on": on,
            "show_vulnerabilities": show_vulnerabilities,
        },
        request=request,
    )
