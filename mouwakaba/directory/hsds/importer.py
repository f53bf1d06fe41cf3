"""Reading HSDS 3.0 into the directory.

A document is one of:

- the export file of ``export_hsds``: ``{"taxonomies": [...], "taxonomy_terms": [...],
  "organizations": [...], "services": [...]}`` (any of the four lists);
- a list of services, a ``Page`` of services (``{"contents": [...]}``), or one service, as
  another HSDS API answers them.

Everything is validated against the vendored schemas before anything is written; then the
rows are written in one transaction, so an invalid document imports nothing, and the error
says where (``services[3].service_at_locations[0].location_id: ...``).

Records are matched by id: a known id is updated in place, an unknown one created; nothing
absent from the document is deleted, except the details of a record that the document
lists in full: when a service carries ``phones`` (even empty), its phones become exactly
those. Texts come from the ``translations`` extension when present (see ``export``),
otherwise from the plain property, taken to be in the document's ``language``.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation

from mouwakaba.core.domains import NeedDomain
from mouwakaba.core.text import normalize_name
from mouwakaba.territories.models import Level, Territory

from .. import models as m
from ..models import DIRECTORY_NAMESPACE, NEED_TAXONOMY_ID, need_term_id
from . import schemas

Json = dict[str, Any]
M = TypeVar("M", bound=models.Model)
LANGUAGES = ("ar", "fr", "en")
SECTIONS = {
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "organizations": "organization",
    "services": "service",
}
KINDS = ("taxonomies", "taxonomy_terms", "organizations", "locations", "services")


class ImportProblem(ValueError):
    """The document cannot be imported; the message says where and why."""


@dataclass
class Report:
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    warnings: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    def total(self) -> dict[str, int]:
        result = {"created": 0, "updated": 0, "unchanged": 0}
        for counter in self.counts.values():
            for outcome in result:
                result[outcome] += counter[outcome]
        return result

    @property
    def changed(self) -> bool:
        totals = self.total()
        return bool(totals["created"] or totals["updated"])


# --- The shape of a document ------------------------------------------------------------------------


def as_dataset(document: Any) -> Json:
    """Any accepted shape of document as the four lists of the export file."""
    if isinstance(document, list):
        return {"services": document}
    if not isinstance(document, dict):
        raise ImportProblem("(document): expected a JSON object or a list of services")
    if any(key in document for key in SECTIONS):
        for key in SECTIONS:
            if key in document and not isinstance(document[key], list):
                raise ImportProblem(f"{key}: expected a list")
        return document
    if isinstance(document.get("contents"), list):
        return {"services": document["contents"]}
    if "status" in document and "name" in document:
        return {"services": [document]}
    raise ImportProblem(
        "(document): no taxonomies, taxonomy_terms, organizations or services found"
    )


def problems(dataset: Json) -> list[str]:
    """Every way the dataset breaks the HSDS schemas, with where it is."""
    found: list[str] = []
    for key, name in SECTIONS.items():
        for index, item in enumerate(dataset.get(key, [])):
            found.extend(schemas.errors(name, item, f"{key}[{index}]"))
    return found


def validate(dataset: Json) -> None:
    found = problems(dataset)
    if found:
        raise schemas.HSDSValidationError(found)


# --- Values ---------------------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


def _time(value: Any, where: str) -> time | None:
    if not value:
        return None
    match = _TIME.match(str(value))
    if match is None:
        raise ImportProblem(f"{where}: {value!r} is not a time (HH:MM)")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    try:
        return time(hours, minutes, seconds)
    except ValueError as error:
        raise ImportProblem(f"{where}: {value!r} is not a time: {error}") from error


def _date(value: Any, where: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as error:
        raise ImportProblem(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from error


def _decimal(value: Any, places: int, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    except InvalidOperation as error:
        raise ImportProblem(f"{where}: {value!r} is not a number") from error


def _int(value: Any) -> int | None:
    return int(value) if value is not None and value != "" else None


# --- The import -------------------------------------------------------------------------------------------


class Importer:
    """One import: caches of what exists, what this document said, and the report."""

    def __init__(self, *, language: str = "fr") -> None:
        self.language = language if language in LANGUAGES else "fr"
        self.report = Report()
        self.services_touched: set[uuid.UUID] = set()
        self._cache: dict[type[models.Model], dict[Any, Any]] = {}
        self._claimed: dict[tuple[type[models.Model], uuid.UUID], str] = {}
        self._done: dict[tuple[str, uuid.UUID], str] = {}
        self._territories: dict[str, Territory] | None = None

    # ----- rows ---------------------------------------------------------------------------------------

    def _existing(self, model: type[M]) -> dict[Any, M]:
        if model not in self._cache:
            self._cache[model] = {row.pk: row for row in model._default_manager.all()}
        return self._cache[model]

    def _upsert(
        self,
        model: type[M],
        pk: uuid.UUID,
        values: Json,
        where: str,
        *,
        exclude: Iterable[str] = (),
    ) -> tuple[M, str]:
        """Create or update one row; "created", "updated" or "unchanged"."""
        existing = self._existing(model)
        row = existing.get(pk)
        if row is None:
            row = model(pk=pk, **values)
            outcome = "created"
            fields = None
        else:
            changed = [name for name, value in values.items() if getattr(row, name) != value]
            if not changed:
                return row, "unchanged"
            for name in changed:
                setattr(row, name, values[name])
            outcome = "updated"
            fields = [_field_name(model, name) for name in changed]
            if any(f.name == "updated_at" for f in model._meta.fields):
                fields.append("updated_at")
        # Foreign keys were checked against the caches above; clean_fields() would query
        # the database once per key and row.
        relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
        # A text missing in one language is allowed here (it falls back to another);
        # the administration asks for it when someone edits the record.
        empty = [name for name, value in values.items() if value == ""]
        try:
            row.clean_fields(exclude=["id", *relations, *empty, *exclude])
        except ValidationError as error:
            raise ImportProblem(f"{where}: {_messages(error)}") from error
        try:
            # No savepoint: an error here ends the whole import, which rolls back.
            if fields is None:
                row.save(force_insert=True)
            else:
                row.save(update_fields=fields)
        except IntegrityError as error:
            raise ImportProblem(f"{where}: refused by the database ({error})") from error
        existing[pk] = row
        return row, outcome

    def _sync(
        self,
        model: type[M],
        owner_field: str,
        owner_id: Any,
        items: list[Json],
        where: str,
        build: Callable[[Json, str], tuple[uuid.UUID, Json] | None],
        *,
        exclude: Iterable[str] = (),
    ) -> bool:
        """Make the rows of ``model`` owned by ``owner_id`` exactly ``items``; returns
        whether anything changed."""
        changed = False
        kept: set[uuid.UUID] = set()
        for index, item in enumerate(items):
            item_where = f"{where}[{index}]"
            built = build(item, item_where)
            if built is None:
                continue
            pk, values = built
            pk = self._claim(model, pk, f"{owner_field}={owner_id}")
            values[owner_field] = owner_id
            _row, outcome = self._upsert(model, pk, values, item_where, exclude=exclude)
            changed |= outcome != "unchanged"
            kept.add(pk)
        existing = self._existing(model)
        stale = [
            pk
            for pk, row in existing.items()
            if getattr(row, owner_field) == owner_id and pk not in kept
        ]
        if stale:
            model._default_manager.filter(pk__in=stale).delete()
            for pk in stale:
                existing.pop(pk, None)
            changed = True
        return changed

    def _claim(self, model: type[models.Model], pk: uuid.UUID, owner: str) -> uuid.UUID:
        """The id a nested row gets. HSDS examples reuse one id for a phone of a service and
        of its location; here a row has one owner, so a second owner gets a derived id."""
        key = (model, pk)
        first = self._claimed.setdefault(key, owner)
        if first == owner:
            return pk
        return uuid.uuid5(DIRECTORY_NAMESPACE, f"{owner}/{pk}")

    def _texts(self, item: Json, fields: dict[str, str]) -> Json:
        """Model values ``{<field>_<lang>: text}`` from ``translations`` or the plain
        property (in the document's language)."""
        translations = item.get("translations")
        values: Json = {}
        for hsds_name, field_name in fields.items():
            given = {
                language: texts.get(hsds_name)
                for language, texts in (translations or {}).items()
                if isinstance(texts, dict) and texts.get(hsds_name)
            }
            if not given and item.get(hsds_name):
                given = {self.language: item[hsds_name]}
            for language in LANGUAGES:
                values[f"{field_name}_{language}"] = str(given.get(language) or "")
        return values

    def _all_territories(self) -> dict[str, Territory]:
        if self._territories is None:
            self._territories = {t.code: t for t in Territory.objects.select_related("parent")}
        return self._territories

    def _territory(self, code: str | None) -> Territory | None:
        return self._all_territories().get(code) if code else None

    def _commune_named(self, name: str) -> Territory | None:
        wanted = normalize_name(name)
        for territory in self._all_territories().values():
            if territory.level != Level.COMMUNE:
                continue
            if wanted in {normalize_name(n) for n in (territory.name_ar, territory.name_fr)}:
                return territory
        return None

    def _once(self, kind: str, pk: uuid.UUID, where: str) -> bool:
        """False when this record was already imported from another place of the document."""
        if (kind, pk) in self._done:
            return False
        self._done[(kind, pk)] = where
        return True

    # ----- taxonomies --------------------------------------------------------------------------------

    def need_domains(self) -> None:
        """The taxonomy of need domains and one term per NeedDomain, named in each
        language from the code's translations: always there, whatever the document."""
        values = {
            "name": "Mouwakaba need domains",
            "description": "The domains of need of a case, which the services answer "
            "(mouwakaba.core.domains.NeedDomain).",
            "uri": "",
            "version": "1",
        }
        _row, outcome = self._upsert(m.Taxonomy, NEED_TAXONOMY_ID, values, "need domains")
        self.report.add("taxonomies", outcome)
        # A document that lists them (an export does) changes nothing: they are the code's.
        self._done[("taxonomies", NEED_TAXONOMY_ID)] = "need domains"
        for domain in NeedDomain:
            names = {}
            for language in LANGUAGES:
                with translation.override(language):
                    names[f"name_{language}"] = str(domain.label)
            term_values = {
                "taxonomy_id": NEED_TAXONOMY_ID,
                "code": domain.value,
                "parent_id": None,
                **names,
            }
            term_id = need_term_id(domain.value)
            _term, outcome = self._upsert(
                m.TaxonomyTerm, term_id, term_values, f"need domain {domain.value}"
            )
            self.report.add("taxonomy_terms", outcome)
            self._done[("taxonomy_terms", term_id)] = "need domains"

    def taxonomy(self, item: Json, where: str) -> m.Taxonomy:
        pk = uuid.UUID(item["id"])
        if not self._once("taxonomies", pk, where):
            return self._existing(m.Taxonomy)[pk]
        values = {
            "name": item["name"],
            "description": item.get("description", ""),
            "uri": item.get("uri", ""),
            "version": item.get("version", ""),
        }
        row, outcome = self._upsert(m.Taxonomy, pk, values, where)
        self.report.add("taxonomies", outcome)
        return row

    def term(self, item: Json, where: str) -> m.TaxonomyTerm:
        pk = uuid.UUID(item["id"])
        if not self._once("taxonomy_terms", pk, where):
            return self._existing(m.TaxonomyTerm)[pk]
        if item.get("taxonomy_detail"):
            taxonomy_id = self.taxonomy(item["taxonomy_detail"], f"{where}.taxonomy_detail").pk
        elif item.get("taxonomy_id"):
            taxonomy_id = uuid.UUID(item["taxonomy_id"])
            if taxonomy_id not in self._existing(m.Taxonomy):
                raise ImportProblem(f"{where}.taxonomy_id: unknown taxonomy {taxonomy_id}")
        elif pk in self._existing(m.TaxonomyTerm):
            taxonomy_id = self._existing(m.TaxonomyTerm)[pk].taxonomy_id
        else:
            raise ImportProblem(f"{where}: a new term needs its taxonomy_id or taxonomy_detail")
        code = item.get("code", "")
        if taxonomy_id == NEED_TAXONOMY_ID and pk != need_term_id(code):
            raise ImportProblem(
                f"{where}: the need domains are those of the code (mouwakaba.core.domains); "
                f"{code!r} with id {pk} is not one of them"
            )
        parent_id = _uuid(item.get("parent_id"))
        if parent_id is not None and parent_id not in self._existing(m.TaxonomyTerm):
            self.report.warnings.append(f"{where}.parent_id: unknown term {parent_id}, left out")
            parent_id = None
        values = {
            "taxonomy_id": taxonomy_id,
            "code": code,
            "description": item.get("description", ""),
            "parent_id": parent_id,
            "term_uri": item.get("term_uri", ""),
            **self._texts(item, {"name": "name"}),
        }
        row, outcome = self._upsert(m.TaxonomyTerm, pk, values, where)
        self.report.add("taxonomy_terms", outcome)
        return row

    # ----- organisations and locations -----------------------------------------------------------

    def organization(self, item: Json, where: str) -> m.Organization:
        pk = uuid.UUID(item["id"])
        if not self._once("organizations", pk, where):
            return self._existing(m.Organization)[pk]
        parent_id = _uuid(item.get("parent_organization_id"))
        if parent_id is not None and parent_id not in self._existing(m.Organization):
            self.report.warnings.append(
                f"{where}.parent_organization_id: unknown organisation {parent_id}, left out"
            )
            parent_id = None
        kind = item.get("kind") or m.OrganizationKind.OTHER
        if kind not in m.OrganizationKind.values:
            raise ImportProblem(f"{where}.kind: unknown kind of provider {kind!r}")
        values = {
            "alternate_name": item.get("alternate_name", ""),
            "kind": kind,
            "parent_id": parent_id,
            "email": item.get("email", ""),
            "website": item.get("website", ""),
            "is_sample_data": bool(item.get("is_sample_data", False)),
            **self._texts(item, {"name": "name", "description": "description"}),
        }
        row, outcome = self._upsert(m.Organization, pk, values, where)
        changed = False
        if "phones" in item:
            changed |= self._sync(
                m.Phone, "organization_id", pk, item["phones"], f"{where}.phones", self._phone
            )
        if "contacts" in item:
            changed |= self._sync(
                m.Contact,
                "organization_id",
                pk,
                item["contacts"],
                f"{where}.contacts",
                self._contact,
            )
        for index, location in enumerate(item.get("locations", [])):
            self.location(location, f"{where}.locations[{index}]", organization_id=pk)
        self.report.add("organizations", self._bump(row, outcome, changed))
        return row

    def location(
        self, item: Json, where: str, *, organization_id: uuid.UUID | None = None
    ) -> m.Location:
        pk = uuid.UUID(item["id"])
        if not self._once("locations", pk, where):
            return self._existing(m.Location)[pk]
        known = self._existing(m.Location).get(pk)
        organization_id = (
            _uuid(item.get("organization_id"))
            or organization_id
            or (known.organization_id if known is not None else None)
        )
        if organization_id is not None and organization_id not in self._existing(m.Organization):
            raise ImportProblem(f"{where}.organization_id: unknown organisation {organization_id}")
        addresses = item.get("addresses") or []
        first = addresses[0] if addresses else {}
        commune = self._territory(item.get("commune_code"))
        if item.get("commune_code") and (commune is None or commune.level != Level.COMMUNE):
            raise ImportProblem(
                f"{where}.commune_code: {item['commune_code']!r} is not a commune of "
                "data/territories.csv"
            )
        if commune is None and first.get("city"):
            commune = self._commune_named(first["city"])
        if commune is None and item["location_type"] != m.LocationType.VIRTUAL:
            self.report.warnings.append(
                f"{where}: no commune of the region found; this location will not be found "
                "by province or commune"
            )
        texts = self._texts(item, {"name": "name", "description": "description"})
        if not any(texts[f"name_{language}"] for language in LANGUAGES):
            fallback = item.get("name") or first.get("address_1") or str(pk)
            texts[f"name_{self.language}"] = fallback
        address = self._texts(item, {"address_1": "address"})
        if not any(address.values()) and first.get("address_1"):
            address[f"address_{self.language}"] = first["address_1"]
        values = {
            "organization_id": organization_id,
            "location_type": item["location_type"],
            "address_ar": address["address_ar"],
            "address_fr": address["address_fr"] or address["address_en"],
            "postal_code": first.get("postal_code", ""),
            "commune_id": commune.pk if commune is not None else None,
            "latitude": _decimal(item.get("latitude"), 6, f"{where}.latitude"),
            "longitude": _decimal(item.get("longitude"), 6, f"{where}.longitude"),
            "url": item.get("url", ""),
            "is_sample_data": bool(item.get("is_sample_data", False)),
            **texts,
        }
        row, outcome = self._upsert(m.Location, pk, values, where)
        changed = False
        for key, model, build in (
            ("phones", m.Phone, self._phone),
            ("schedules", m.Schedule, self._schedule),
            ("languages", m.Language, self._language),
            ("contacts", m.Contact, self._contact),
        ):
            if key in item:
                changed |= self._sync(
                    model,
                    "location_id",
                    pk,
                    item[key],
                    f"{where}.{key}",
                    build,
                    exclude=["code"] if model is m.Language else (),
                )
        outcome = self._bump(row, outcome, changed)
        self.report.add("locations", outcome)
        if outcome != "unchanged":
            self.services_touched.update(
                link.service_id
                for link in self._existing(m.ServiceAtLocation).values()
                if link.location_id == pk
            )
        return row

    # ----- services -------------------------------------------------------------------------------

    def service(self, item: Json, where: str) -> m.Service:
        pk = uuid.UUID(item["id"])
        if not self._once("services", pk, where):
            return self._existing(m.Service)[pk]
        organization_id: uuid.UUID | None
        if item.get("organization"):
            organization_id = self.organization(item["organization"], f"{where}.organization").pk
        else:
            organization_id = _uuid(item.get("organization_id"))
            if organization_id is None:
                raise ImportProblem(f"{where}: a service needs its organization_id")
            if organization_id not in self._existing(m.Organization):
                raise ImportProblem(
                    f"{where}.organization_id: unknown organisation {organization_id}"
                )
        minimum, maximum = _int(item.get("minimum_age")), _int(item.get("maximum_age"))
        if minimum is not None and maximum is not None and minimum > maximum:
            raise ImportProblem(f"{where}: minimum_age {minimum} is above maximum_age {maximum}")
        values = {
            "organization_id": organization_id,
            "alternate_name": item.get("alternate_name", ""),
            "status": item["status"],
            "url": item.get("url", ""),
            "email": item.get("email", ""),
            "minimum_age": minimum,
            "maximum_age": maximum,
            "assured_date": _date(item.get("assured_date"), f"{where}.assured_date"),
            "is_sample_data": bool(item.get("is_sample_data", False)),
            **self._texts(
                item,
                {
                    "name": "name",
                    "description": "description",
                    "application_process": "application_process",
                    "fees_description": "fees_description",
                    "eligibility_description": "eligibility_description",
                },
            ),
        }
        if item.get("answer_delay_days"):
            values["answer_delay_days"] = int(item["answer_delay_days"])
        row, outcome = self._upsert(m.Service, pk, values, where)
        changed = False
        if "attributes" in item:
            changed |= self._attributes(row, item["attributes"], f"{where}.attributes")
        for key, model, build in (
            ("phones", m.Phone, self._phone),
            ("schedules", m.Schedule, self._schedule),
            ("languages", m.Language, self._language),
            ("contacts", m.Contact, self._contact),
            ("required_documents", m.RequiredDocument, self._document),
            ("cost_options", m.CostOption, self._cost),
            ("service_areas", m.ServiceArea, self._area),
        ):
            if key in item:
                changed |= self._sync(
                    model,
                    "service_id",
                    pk,
                    item[key],
                    f"{where}.{key}",
                    build,
                    exclude=["code"] if model is m.Language else (),
                )
        if "service_at_locations" in item:
            changed |= self._service_at_locations(row, item["service_at_locations"], where)
        outcome = self._bump(row, outcome, changed)
        self.report.add("services", outcome)
        if outcome != "unchanged":
            self.services_touched.add(pk)
        return row

    def _attributes(self, service: m.Service, items: list[Json], where: str) -> bool:
        wanted: list[uuid.UUID] = []
        for index, item in enumerate(items):
            item_where = f"{where}[{index}]"
            if item.get("link_entity") not in (None, "", "service"):
                continue
            term_id: uuid.UUID | None
            if item.get("taxonomy_term"):
                term_id = self.term(item["taxonomy_term"], f"{item_where}.taxonomy_term").pk
            else:
                term_id = _uuid(item.get("taxonomy_term_id"))
                if term_id is None or term_id not in self._existing(m.TaxonomyTerm):
                    raise ImportProblem(f"{item_where}.taxonomy_term_id: unknown term {term_id}")
            wanted.append(term_id)
        current = set(service.taxonomy_terms.values_list("pk", flat=True))
        if current == set(wanted):
            return False
        terms = self._existing(m.TaxonomyTerm)
        service.taxonomy_terms.set([terms[pk] for pk in dict.fromkeys(wanted)])
        return True

    def _service_at_locations(self, service: m.Service, items: list[Json], where: str) -> bool:
        changed = False
        kept: set[uuid.UUID] = set()
        for index, item in enumerate(items):
            item_where = f"{where}.service_at_locations[{index}]"
            location_id: uuid.UUID | None
            if item.get("location"):
                location_id = self.location(
                    item["location"],
                    f"{item_where}.location",
                    organization_id=service.organization_id,
                ).pk
            else:
                location_id = _uuid(item.get("location_id"))
                if location_id is None or location_id not in self._existing(m.Location):
                    raise ImportProblem(f"{item_where}.location_id: unknown location {location_id}")
            pk = self._claim(m.ServiceAtLocation, uuid.UUID(item["id"]), f"service={service.pk}")
            values = {
                "service_id": service.pk,
                "location_id": location_id,
                **self._texts(item, {"description": "description"}),
            }
            _row, outcome = self._upsert(m.ServiceAtLocation, pk, values, item_where)
            changed |= outcome != "unchanged"
            kept.add(pk)
            for key, model, build in (
                ("phones", m.Phone, self._phone),
                ("schedules", m.Schedule, self._schedule),
                ("contacts", m.Contact, self._contact),
            ):
                if key in item:
                    changed |= self._sync(
                        model, "service_at_location_id", pk, item[key], f"{item_where}.{key}", build
                    )
        existing = self._existing(m.ServiceAtLocation)
        stale = [
            pk for pk, row in existing.items() if row.service_id == service.pk and pk not in kept
        ]
        if stale:
            m.ServiceAtLocation.objects.filter(pk__in=stale).delete()
            for pk in stale:
                existing.pop(pk)
            changed = True
        return changed

    def _bump(self, row: models.Model, outcome: str, children_changed: bool) -> str:
        """A record whose details changed is itself changed: its ``updated_at`` moves,
        so that ``modified_after`` finds it."""
        if outcome == "unchanged" and children_changed:
            row.save(update_fields=["updated_at"])
            return "updated"
        return outcome

    # ----- details ------------------------------------------------------------------------------------

    def _phone(self, item: Json, where: str) -> tuple[uuid.UUID, Json]:
        return uuid.UUID(item["id"]), {
            "number": item["number"],
            "extension": _int(item.get("extension")),
            "type": item.get("type") or m.PhoneType.VOICE,
            "is_sample_data": bool(item.get("is_sample_data", False)),
            **self._texts(item, {"description": "description"}),
        }

    def _contact(self, item: Json, where: str) -> tuple[uuid.UUID, Json]:
        return uuid.UUID(item["id"]), {
            "name": item.get("name") or item.get("department") or item.get("title") or "-",
            "title": item.get("title", ""),
            "department": item.get("department", ""),
            "email": item.get("email", ""),
            "is_sample_data": bool(item.get("is_sample_data", False)),
        }

    def _schedule(self, item: Json, where: str) -> tuple[uuid.UUID, Json]:
        if item.get("freq") not in (None, "", "WEEKLY"):
            raise ImportProblem(f"{where}.freq: only weekly opening hours are kept")
        days = [
            part.strip()[-2:].upper()
            for part in str(item.get("byday", "")).split(",")
            if part.strip()
        ]
        unknown = [day for day in days if day not in m.DAY_CODES]
        if unknown:
            raise ImportProblem(f"{where}.byday: unknown days {', '.join(unknown)}")
        return uuid.UUID(item["id"]), {
            "byday": ",".join(days),
            "opens_at": _time(item.get("opens_at"), f"{where}.opens_at"),
            "closes_at": _time(item.get("closes_at"), f"{where}.closes_at"),
            "valid_from": _date(item.get("valid_from"), f"{where}.valid_from"),
            "valid_to": _date(item.get("valid_to"), f"{where}.valid_to"),
            "is_sample_data": bool(item.get("is_sample_data", False)),
            **self._texts(item, {"description": "notes"}),
        }

    def _language(self, item: Json, where: str) -> tuple[uuid.UUID, Json]:
        code = str(item.get("code") or "").strip().lower()
        if not code:
            raise ImportProblem(f"{where}.code: a language needs its ISO 639 code")
        return uuid.UUID(item["id"]), {
            "code": code[:8],
            "name": "" if code in m.LanguageCode.values else item.get("name", ""),
            "note": item.get("note", ""),
        }

    def _document(self, item: Json, where: str) -> tuple[uuid.UUID, Json]:
        values = self._texts(item, {"document": "document"})
        if not values["document_fr"]:
            values["document_fr"] = values["document_en"] or values["document_ar"]
        if not values["document_fr"]:
            raise ImportProblem(f"{where}.document: a document to bring needs its description")
        values["uri"] = item.get("uri", "")
        values["position"] = int(where.rsplit("[", 1)[-1].rstrip("]"))
        return uuid.UUID(item["id"]), values

    def _cost(self, item: Json, where: str) -> tuple[uuid.UUID, Json]:
        return uuid.UUID(item["id"]), {
            "amount": _decimal(item.get("amount"), 2, f"{where}.amount"),
            "currency": (item.get("currency") or "MAD").upper()[:3],
            "valid_from": _date(item.get("valid_from"), f"{where}.valid_from"),
            "valid_to": _date(item.get("valid_to"), f"{where}.valid_to"),
            "position": int(where.rsplit("[", 1)[-1].rstrip("]")),
            **self._texts(item, {"option": "option"}),
        }

    def _area(self, item: Json, where: str) -> tuple[uuid.UUID, Json] | None:
        territory = self._territory(item.get("territory_code"))
        if territory is None and item.get("name"):
            wanted = normalize_name(item["name"])
            territory = next(
                (
                    t
                    for t in self._all_territories().values()
                    if wanted in {normalize_name(t.name_ar), normalize_name(t.name_fr)}
                ),
                None,
            )
        if territory is None:
            if item.get("territory_code"):
                raise ImportProblem(
                    f"{where}.territory_code: {item['territory_code']!r} is not in "
                    "data/territories.csv"
                )
            self.report.warnings.append(
                f"{where}: no territory of the region named {item.get('name', '')[:60]!r}, left out"
            )
            return None
        return uuid.UUID(item["id"]), {"territory_id": territory.pk}

    # ----- the whole document ----------------------------------------------------------------------

    def run(
        self, dataset: Json, *, progress: Callable[[list[Json]], Iterable[Json]] | None
    ) -> Report:
        for index, item in enumerate(dataset.get("taxonomies", [])):
            self.taxonomy(item, f"taxonomies[{index}]")
        for index, item in enumerate(dataset.get("taxonomy_terms", [])):
            self.term(item, f"taxonomy_terms[{index}]")
        for index, item in enumerate(dataset.get("organizations", [])):
            self.organization(item, f"organizations[{index}]")
        services = dataset.get("services", [])
        iterable = progress(services) if progress is not None else services
        for index, item in enumerate(iterable):
            self.service(item, f"services[{index}]")
        if self.services_touched:
            m.Service.objects.filter(pk__in=self.services_touched).refresh_search_keys()
        return self.report


def _field_name(model: type[models.Model], name: str) -> str:
    """``organization_id`` → ``organization`` for ``save(update_fields=...)``."""
    for model_field in model._meta.concrete_fields:
        if name in (model_field.name, model_field.attname):
            return model_field.name
    return name


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(message) for message in messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(str(message) for message in error.messages)


def import_document(
    document: Any,
    *,
    language: str = "fr",
    progress: Callable[[list[Json]], Iterable[Json]] | None = None,
) -> Report:
    """Validate ``document`` and write it, all or nothing."""
    dataset = as_dataset(document)
    validate(dataset)
    with transaction.atomic():
        importer = Importer(language=language)
        importer.need_domains()
        return importer.run(dataset, progress=progress)
