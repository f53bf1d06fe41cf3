"""The Open Referral HSDS 3.0 read API, mounted at /api/hsds/.

Paths are those of the specification (``/services``, ``/services/{id}``); each also answers
with a trailing slash, as clients write both.
"""

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver, path

from .hsds import views

app_name = "hsds"


def _both(route: str, view: Callable[..., Any], name: str) -> list[URLPattern]:
    return [path(route, view, name=name), path(f"{route}/", view)]


urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.root, name="root"),
    path("openapi.json", views.openapi, name="openapi"),
    *_both("services", views.services, "services"),
    *_both("services/<uuid:pk>", views.service, "service"),
    *_both("organizations", views.organizations, "organizations"),
    *_both("organizations/<uuid:pk>", views.organization, "organization"),
    *_both("service_at_locations", views.service_at_locations, "service_at_locations"),
    *_both("service_at_locations/<uuid:pk>", views.service_at_location, "service_at_location"),
    *_both("taxonomies", views.taxonomies, "taxonomies"),
    *_both("taxonomies/<uuid:pk>", views.taxonomy, "taxonomy"),
    *_both("taxonomy_terms", views.taxonomy_terms, "taxonomy_terms"),
    *_both("taxonomy_terms/<uuid:pk>", views.taxonomy_term, "taxonomy_term"),
]
