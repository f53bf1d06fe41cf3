"""The directory written as HSDS 3.0 objects, for the read API and the export file.

Texts (``name``, ``description``...) are in the active language, French when a text is
missing in it. Beside the specification's properties (which allows more), each object
carries what HSDS has no place for and what an import needs to read it back unchanged:

- ``translations``: ``{"ar": {"name": ...}, "fr": {...}, "en": {...}}``, every text in the
  three languages the directory keeps;
- ``is_sample_data`` (organisation, service, location, phone, schedule, contact): the
  details are examples, not verified facts;
- ``kind`` (organisation), ``answer_delay_days`` (service), ``commune_code`` (location) and
  ``territory_code`` (service area): the codes of ``data/territories.csv``.

Each function takes rows whose relations were fetched in advance (see the ``*_for_*``
query helpers): none of them queries the database by itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from .. import models as m
from ..models import (
    DIRECTORY_NAMESPACE,
    NEED_TAXONOMY_ID,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    attribute_id,
)
from .schemas import VERSION

LANGUAGES = ("ar", "fr", "en")
COUNTRY = "MA"

Json = dict[str, Any]


# --- Small helpers ---------------------------------------------------------------------------------


def _compact(data: Json, *, keep: Iterable[str] = ()) -> Json:
    """Drop empty optional values: HSDS types allow no null."""
    kept = set(keep)
    return {k: v for k, v in data.items() if k in kept or v not in (None, "", [], {})}


def _translations(obj: object, fields: dict[str, str]) -> Json:
    """``{language: {hsds_name: text}}`` for the ``<field>_<language>`` of ``obj``."""
    result: Json = {}
    for language in LANGUAGES:
        texts = {
            name: getattr(obj, f"{field}_{language}", "") or "" for name, field in fields.items()
        }
        texts = {name: text for name, text in texts.items() if text}
        if texts:
            result[language] = texts
    return result


def _id(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def timestamp(value: datetime) -> str:
    """An aware datetime in UTC with milliseconds, as HSDS ``last_modified``."""
    text = value.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def _language_code() -> str:
    return (get_language() or "fr")[:2]


# --- Objects ------------------------------------------------------------------------------------------


def taxonomy(row: Taxonomy) -> Json:
    return _compact(
        {
            "id": str(row.id),
            "name": row.name,
            "description": row.description,
            "uri": row.uri,
            "version": row.version,
        },
        keep=("description",),
    )


def taxonomy_term(row: TaxonomyTerm) -> Json:
    return _compact(
        {
            "id": str(row.id),
            "code": row.code,
            "name": row.label,
            "description": row.description,
            "parent_id": _id(row.parent_id),
            "taxonomy": row.taxonomy.name,
            "taxonomy_id": str(row.taxonomy_id),
            "taxonomy_detail": taxonomy(row.taxonomy),
            "language": _language_code(),
            "term_uri": row.term_uri,
            "translations": _translations(row, {"name": "name"}),
        },
        keep=("description",),
    )


def attribute(service: Service, term: TaxonomyTerm) -> Json:
    return _compact(
        {
            "id": str(attribute_id(service.id, term.id)),
            "link_id": str(service.id),
            "link_entity": "service",
            "link_type": "need_domain" if term.taxonomy_id == NEED_TAXONOMY_ID else "",
            "taxonomy_term_id": str(term.id),
            "taxonomy_term": taxonomy_term(term),
        }
    )


def phone(row: m.Phone) -> Json:
    return _compact(
        {
            "id": str(row.id),
            "organization_id": _id(row.organization_id),
            "service_id": _id(row.service_id),
            "location_id": _id(row.location_id),
            "service_at_location_id": _id(row.service_at_location_id),
            "number": row.number,
            "extension": row.extension,
            "type": row.type,
            "description": row.description,
            "translations": _translations(row, {"description": "description"}),
            "is_sample_data": row.is_sample_data,
        }
    )


def contact(row: m.Contact) -> Json:
    return _compact(
        {
            "id": str(row.id),
            "organization_id": _id(row.organization_id),
            "service_id": _id(row.service_id),
            "location_id": _id(row.location_id),
            "service_at_location_id": _id(row.service_at_location_id),
            "name": row.name,
            "title": row.title,
            "department": row.department,
            "email": row.email,
            "is_sample_data": row.is_sample_data,
        }
    )


def schedule(row: m.Schedule) -> Json:
    return _compact(
        {
            "id": str(row.id),
            "service_id": _id(row.service_id),
            "location_id": _id(row.location_id),
            "service_at_location_id": _id(row.service_at_location_id),
            "valid_from": _date(row.valid_from),
            "valid_to": _date(row.valid_to),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": ",".join(row.days),
            # Local time of the provider (Africa/Casablanca); no fixed UTC offset is given
            # because Morocco changes its offset during Ramadan.
            "opens_at": _time(row.opens_at),
            "closes_at": _time(row.closes_at),
            "description": row.notes,
            "translations": _translations(row, {"description": "notes"}),
            "is_sample_data": row.is_sample_data,
        }
    )


def language(row: m.Language) -> Json:
    return _compact(
        {
            "id": str(row.id),
            "service_id": _id(row.service_id),
            "location_id": _id(row.location_id),
            "name": row.label,
            "code": row.code,
            "note": row.note,
        }
    )


def required_document(row: m.RequiredDocument) -> Json:
    return _compact(
        {
            "id": str(row.id),
            "service_id": str(row.service_id),
            "document": row.document,
            "uri": row.uri,
            "translations": _translations(row, {"document": "document"}),
        }
    )


def cost_option(row: m.CostOption) -> Json:
    return _compact(
        {
            "id": str(row.id),
            "service_id": str(row.service_id),
            "valid_from": _date(row.valid_from),
            "valid_to": _date(row.valid_to),
            "option": row.option,
            "currency": row.currency,
            "amount": _number(row.amount),
            "translations": _translations(row, {"option": "option"}),
        }
    )


def service_area(row: m.ServiceArea) -> Json:
    return _compact(
        {
            "id": str(row.id),
            "service_id": str(row.service_id),
            "name": row.territory.name,
            "territory_code": row.territory.code,
        }
    )


def address(row: Location) -> Json | None:
    """The location's address as an HSDS ``address`` (none for a virtual location)."""
    if row.location_type == m.LocationType.VIRTUAL:
        return None
    commune = row.commune
    province = commune.parent if commune is not None else None
    region = province.parent if province is not None else None
    return {
        "id": str(uuid.uuid5(DIRECTORY_NAMESPACE, f"address/{row.id}")),
        "location_id": str(row.id),
        "address_1": row.address or row.name,
        "city": commune.name if commune is not None else "",
        "region": region.name if region is not None else "",
        "state_province": province.name if province is not None else "",
        "postal_code": row.postal_code,
        "country": COUNTRY,
        "address_type": row.location_type,
    }


def location(row: Location, *, full: bool = True) -> Json:
    data: Json = {
        "id": str(row.id),
        "location_type": row.location_type,
        "url": row.url,
        "organization_id": _id(row.organization_id),
        "name": row.name,
        "description": row.description,
        "latitude": _number(row.latitude),
        "longitude": _number(row.longitude),
        "commune_code": row.commune.code if row.commune is not None else None,
        "translations": _translations(
            row, {"name": "name", "description": "description", "address_1": "address"}
        ),
        "is_sample_data": row.is_sample_data,
    }
    found = address(row)
    data["addresses"] = [found] if found else []
    if full:
        data["phones"] = [phone(p) for p in row.phones.all()]
        data["schedules"] = [schedule(s) for s in row.schedules.all()]
        data["languages"] = [language(lang) for lang in row.languages.all()]
        data["contacts"] = [contact(c) for c in row.contacts.all()]
    return _compact(data, keep=("addresses", "phones", "schedules", "languages", "contacts"))


def organization(row: Organization, *, full: bool = False, services: Json | None = None) -> Json:
    data: Json = {
        "id": str(row.id),
        "name": row.name,
        "alternate_name": row.alternate_name,
        "description": row.description,
        "email": row.email,
        "website": row.website,
        "parent_organization_id": _id(row.parent_id),
        "kind": row.kind,
        "translations": _translations(row, {"name": "name", "description": "description"}),
        "is_sample_data": row.is_sample_data,
    }
    if full:
        data["phones"] = [phone(p) for p in row.phones.all()]
        data["contacts"] = [contact(c) for c in row.contacts.all()]
        data["locations"] = [location(loc) for loc in row.locations.all()]
    if services is not None:
        data.update(services)
    return _compact(data, keep=("description", "phones", "contacts", "locations", "services"))


def service_at_location(
    row: ServiceAtLocation, *, nested_location: bool = True, nested_service: bool = False
) -> Json:
    data: Json = {
        "id": str(row.id),
        "service_id": str(row.service_id),
        "location_id": str(row.location_id),
        "description": row.description,
        "translations": _translations(row, {"description": "description"}),
        "phones": [phone(p) for p in row.phones.all()],
        "schedules": [schedule(s) for s in row.schedules.all()],
        "contacts": [contact(c) for c in row.contacts.all()],
    }
    if nested_location:
        data["location"] = location(row.location)
    if nested_service:
        data["service"] = service(row.service, full=False)
    return _compact(data, keep=("phones", "schedules", "contacts"))


def service(
    row: Service, *, full: bool, nested_locations: bool = True, nested_organization: bool = True
) -> Json:
    data: Json = {
        "id": str(row.id),
        "organization_id": str(row.organization_id),
        "name": row.name,
        "alternate_name": row.alternate_name,
        "description": row.description,
        "url": row.url,
        "email": row.email,
        "status": row.status,
        "application_process": row.application_process,
        "fees_description": row.fees_description,
        "eligibility_description": row.eligibility_description,
        "minimum_age": row.minimum_age,
        "maximum_age": row.maximum_age,
        "assured_date": _date(row.assured_date),
        "last_modified": timestamp(row.updated_at),
        "answer_delay_days": row.answer_delay_days,
        "is_sample_data": row.is_sample_data,
        "translations": _translations(
            row,
            {
                "name": "name",
                "description": "description",
                "application_process": "application_process",
                "fees_description": "fees_description",
                "eligibility_description": "eligibility_description",
            },
        ),
        "attributes": [attribute(row, term) for term in row.taxonomy_terms.all()],
    }
    if nested_organization:
        data["organization"] = organization(row.organization)
    if full:
        data["phones"] = [phone(p) for p in row.phones.all()]
        data["schedules"] = [schedule(s) for s in row.schedules.all()]
        data["service_areas"] = [service_area(a) for a in row.service_areas.all()]
        data["service_at_locations"] = [
            service_at_location(link, nested_location=nested_locations)
            for link in row.service_at_locations.all()
        ]
        data["languages"] = [language(lang) for lang in row.languages.all()]
        data["cost_options"] = [cost_option(c) for c in row.cost_options.all()]
        data["required_documents"] = [required_document(d) for d in row.required_documents.all()]
        data["contacts"] = [contact(c) for c in row.contacts.all()]
    return _compact(
        data,
        keep=(
            "phones",
            "schedules",
            "service_areas",
            "service_at_locations",
            "languages",
            "cost_options",
            "required_documents",
            "contacts",
            "attributes",
        ),
    )


# --- Fetching rows with what the functions above read ------------------------------------------------

_TERMS = Prefetch(
    "taxonomy_terms", TaxonomyTerm.objects.select_related("taxonomy").order_by("code")
)
_COMMUNE = "commune__parent__parent"


def _location_details(prefix: str = "") -> list[str]:
    return [f"{prefix}{name}" for name in ("phones", "schedules", "languages", "contacts")]


def services_for_list(queryset: QuerySet[Service]) -> QuerySet[Service]:
    return queryset.select_related("organization").prefetch_related(_TERMS)


def services_for_detail(queryset: QuerySet[Service]) -> QuerySet[Service]:
    links = ServiceAtLocation.objects.select_related(f"location__{_COMMUNE}").prefetch_related(
        "phones", "schedules", "contacts", *_location_details("location__")
    )
    return queryset.select_related("organization").prefetch_related(
        _TERMS,
        Prefetch("service_at_locations", links),
        "phones",
        "schedules",
        Prefetch("service_areas", m.ServiceArea.objects.select_related("territory")),
        "languages",
        "cost_options",
        "required_documents",
        "contacts",
    )


def organizations_for_detail(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    locations = Location.objects.select_related(_COMMUNE).prefetch_related(*_location_details())
    return queryset.prefetch_related("phones", "contacts", Prefetch("locations", locations))


def service_at_locations_for_list(
    queryset: QuerySet[ServiceAtLocation],
) -> QuerySet[ServiceAtLocation]:
    return queryset.select_related(
        "service__organization", f"location__{_COMMUNE}"
    ).prefetch_related("phones", "schedules", "contacts", *_location_details("location__"))


def service_at_locations_for_detail(
    queryset: QuerySet[ServiceAtLocation],
) -> QuerySet[ServiceAtLocation]:
    return service_at_locations_for_list(queryset).prefetch_related(
        Prefetch("service__taxonomy_terms", TaxonomyTerm.objects.select_related("taxonomy"))
    )


def terms_for_list(queryset: QuerySet[TaxonomyTerm]) -> QuerySet[TaxonomyTerm]:
    return queryset.select_related("taxonomy")


# --- The whole directory, for the export file --------------------------------------------------------


def dataset(*, progress: Any = None) -> Json:
    """Every taxonomy, organisation (with its locations) and service (fully nested,
    pointing at locations by id) as one document: what ``export_hsds`` writes and
    ``import_hsds`` reads."""
    services = services_for_detail(Service.objects.order_by("pk"))
    organizations = organizations_for_detail(Organization.objects.order_by("pk"))
    terms = terms_for_list(TaxonomyTerm.objects.order_by("taxonomy_id", "code", "pk"))
    service_rows = []
    for row in progress(services) if progress else services:
        service_rows.append(
            service(row, full=True, nested_locations=False, nested_organization=False)
        )
    return {
        "hsds_version": VERSION,
        "generator": "Mouwakaba",
        "exported_at": timestamp(timezone.now()),
        "language": _language_code(),
        "taxonomies": [taxonomy(t) for t in Taxonomy.objects.order_by("pk")],
        "taxonomy_terms": [taxonomy_term(t) for t in terms],
        "organizations": [organization(o, full=True) for o in organizations],
        "services": service_rows,
    }
