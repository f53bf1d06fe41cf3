"""Directory records written by hand for tests that need more rows than the reference
data has (query counts) or rows the tests control."""

from __future__ import annotations

import itertools
from datetime import time

from mouwakaba.directory.models import (
    Language,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    need_term_id,
)
from mouwakaba.territories.models import Territory

_numbers = itertools.count(1)


def make_organization(**fields) -> Organization:
    number = next(_numbers)
    values = {
        "name_ar": f"جمعية {number}",
        "name_fr": f"Association {number}",
        "name_en": f"Association {number}",
        "kind": "association",
    }
    values.update(fields)
    return Organization.objects.create(**values)


def make_service(
    *,
    organization: Organization | None = None,
    commune: str = "OUJ-OUJDA",
    needs: tuple[str, ...] = ("health",),
    places: int = 1,
    **fields,
) -> Service:
    """A service with ``places`` locations in ``commune``, each with hours, a phone and a
    language, and a document to bring."""
    organization = organization or make_organization()
    number = next(_numbers)
    values = {
        "name_ar": f"خدمة {number}",
        "name_fr": f"Service {number}",
        "name_en": f"Service {number}",
        "description_fr": "Une description.",
    }
    values.update(fields)
    service = Service.objects.create(organization=organization, **values)
    service.taxonomy_terms.set(TaxonomyTerm.objects.filter(pk__in=[need_term_id(n) for n in needs]))
    territory = Territory.objects.get(code=commune)
    for place in range(places):
        location = Location.objects.create(
            organization=organization,
            name_ar=f"مكان {number}-{place}",
            name_fr=f"Lieu {number}-{place}",
            commune=territory,
            address_fr="Avenue 1",
        )
        link = ServiceAtLocation.objects.create(service=service, location=location)
        Schedule.objects.create(
            service_at_location=link, byday="MO,TU,WE", opens_at=time(9), closes_at=time(12)
        )
        Phone.objects.create(location=location, number=f"0500{number:06d}")
        Language.objects.create(location=location, code="ar")
    RequiredDocument.objects.create(service=service, document_fr="Passeport")
    Service.objects.filter(pk=service.pk).refresh_search_keys()
    service.refresh_from_db()
    return service
