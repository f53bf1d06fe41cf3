"""Loading the deployment's service directory from ``data/directory/services.json``.

The file has a compact shape of its own (described in ``data/directory/README.md`` and
checked against ``data/directory/services.schema.json``): texts shared by many services
are written once, opening hours by name, locations by a key inside their organisation.
:func:`expand` turns it into an HSDS 3.0 document, which is validated against the
specification's schemas and written by the same importer as ``import_hsds``: one path
into the directory.

Same contract as the territories' loader: idempotent (a second run changes nothing),
returns counts for the file, one audit event when it changed something. Organisations,
locations and services absent from the file are left alone, never deleted: retire a
service by giving it the status "defunct".
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.db import transaction
from jsonschema import Draft202012Validator

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction

from .hsds import importer
from .models import DIRECTORY_NAMESPACE, attribute_id, need_term_id

FILENAME = "directory/services.json"
SCHEMA = "directory/services.schema.json"
LANGUAGES = ("ar", "fr", "en")

Json = dict[str, Any]


class ReferenceDataError(ValueError):
    """The file says something impossible; nothing of it was loaded."""


def _derived(*parts: object) -> str:
    return str(uuid.uuid5(DIRECTORY_NAMESPACE, "/".join(str(p) for p in parts)))


def location_id(organization_id: str, key: str) -> str:
    """The id of the location ``key`` of an organisation in the reference file."""
    return _derived("location", organization_id, key)


class Expander:
    """Turns the compact reference file into an HSDS dataset (no database)."""

    def __init__(self, raw: Json) -> None:
        self.texts: dict[str, Json] = raw.get("texts", {})
        self.hours: dict[str, list[Json]] = raw.get("hours", {})
        self.sample_default = bool(raw.get("sample_by_default", False))

    def text(self, value: Any, where: str) -> Json:
        """A text in three languages, given inline or as "@key" of ``texts``."""
        if value is None:
            return {}
        if isinstance(value, str):
            if not value.startswith("@") or value[1:] not in self.texts:
                raise ReferenceDataError(f"{where}: unknown shared text {value!r}")
            return dict(self.texts[value[1:]])
        return dict(value)

    def translations(self, where: str, **fields: Any) -> Json:
        result: Json = {}
        for name, value in fields.items():
            for language, text in self.text(value, f"{where}.{name}").items():
                if text:
                    result.setdefault(language, {})[name] = text
        return result

    @staticmethod
    def plain(translations: Json, name: str) -> str:
        for language in ("fr", "ar", "en"):
            text = translations.get(language, {}).get(name)
            if text:
                return str(text)
        return ""

    def schedules(self, owner: str, name: str | None, sample: bool, where: str) -> list[Json]:
        if name is None:
            return []
        if name not in self.hours:
            raise ReferenceDataError(f"{where}: unknown opening hours {name!r}")
        rows = []
        for index, entry in enumerate(self.hours[name]):
            notes = self.translations(f"{where}[{index}]", description=entry.get("notes"))
            rows.append(
                _without_empty(
                    {
                        "id": _derived(owner, "schedule", index),
                        "freq": "WEEKLY",
                        "byday": entry["days"],
                        "opens_at": entry.get("opens"),
                        "closes_at": entry.get("closes"),
                        "description": self.plain(notes, "description"),
                        "translations": notes,
                        "is_sample_data": sample,
                    }
                )
            )
        return rows

    def phones(self, owner: str, entries: list[Json], sample: bool, where: str) -> list[Json]:
        rows = []
        for index, entry in enumerate(entries):
            description = self.translations(
                f"{where}[{index}]", description=entry.get("description")
            )
            rows.append(
                _without_empty(
                    {
                        "id": _derived(owner, "phone", index),
                        "number": entry["number"],
                        "type": entry.get("type", "voice"),
                        "description": self.plain(description, "description"),
                        "translations": description,
                        "is_sample_data": entry.get("sample", sample),
                    }
                )
            )
        return rows

    @staticmethod
    def languages(owner: str, codes: list[str]) -> list[Json]:
        return [{"id": _derived(owner, "language", code), "code": code} for code in codes]

    def location(self, organization_id: str, entry: Json, sample: bool, where: str) -> Json:
        pk = location_id(organization_id, entry["key"])
        sample = entry.get("sample", sample)
        texts = self.translations(
            where,
            name=entry["name"],
            description=entry.get("description"),
            address_1=entry.get("address"),
        )
        return _without_empty(
            {
                "id": pk,
                "organization_id": organization_id,
                "location_type": entry.get("type", "physical"),
                "name": self.plain(texts, "name"),
                "description": self.plain(texts, "description"),
                "url": entry.get("url"),
                "latitude": entry.get("latitude"),
                "longitude": entry.get("longitude"),
                "commune_code": entry.get("commune"),
                "translations": texts,
                "is_sample_data": sample,
                "schedules": self.schedules(pk, entry.get("hours"), sample, f"{where}.hours"),
                "phones": self.phones(pk, entry.get("phones", []), sample, f"{where}.phones"),
                "languages": self.languages(pk, entry.get("languages", [])),
            },
            keep=("schedules", "phones", "languages"),
        )

    def service(
        self, organization_id: str, locations: dict[str, str], entry: Json, sample: bool, where: str
    ) -> Json:
        pk = entry["id"]
        sample = entry.get("sample", sample)
        texts = self.translations(
            where,
            name=entry["name"],
            description=entry.get("description"),
            eligibility_description=entry.get("eligibility"),
            application_process=entry.get("how_to_apply"),
            fees_description=entry.get("cost"),
        )
        links = []
        for index, at in enumerate(entry.get("at", [])):
            key, hours = (at, None) if isinstance(at, str) else (at["location"], at.get("hours"))
            if key not in locations:
                raise ReferenceDataError(
                    f"{where}.at[{index}]: no location {key!r} in this organisation"
                )
            link_id = _derived("service_at_location", pk, locations[key])
            links.append(
                {
                    "id": link_id,
                    "service_id": pk,
                    "location_id": locations[key],
                    "schedules": self.schedules(
                        link_id, hours, sample, f"{where}.at[{index}].hours"
                    ),
                }
            )
        documents = []
        for index, document in enumerate(entry.get("documents", [])):
            text = self.translations(f"{where}.documents[{index}]", document=document)
            documents.append(
                {
                    "id": _derived(pk, "document", index),
                    "service_id": pk,
                    "document": self.plain(text, "document"),
                    "translations": text,
                }
            )
        costs = []
        for index, cost in enumerate(entry.get("costs", [])):
            text = self.translations(f"{where}.costs[{index}]", option=cost.get("option"))
            costs.append(
                _without_empty(
                    {
                        "id": _derived(pk, "cost", index),
                        "service_id": pk,
                        "option": self.plain(text, "option"),
                        "amount": cost.get("amount"),
                        "currency": cost.get("currency", "MAD"),
                        "translations": text,
                    }
                )
            )
        return _without_empty(
            {
                "id": pk,
                "organization_id": organization_id,
                "status": entry.get("status", "active"),
                "name": self.plain(texts, "name"),
                "alternate_name": entry.get("short_name"),
                "description": self.plain(texts, "description"),
                "eligibility_description": self.plain(texts, "eligibility_description"),
                "application_process": self.plain(texts, "application_process"),
                "fees_description": self.plain(texts, "fees_description"),
                "minimum_age": entry.get("minimum_age"),
                "maximum_age": entry.get("maximum_age"),
                "url": entry.get("url"),
                "answer_delay_days": entry.get("answer_delay_days"),
                "translations": texts,
                "is_sample_data": sample,
                "attributes": [
                    {
                        "id": str(attribute_id(uuid.UUID(pk), need_term_id(need))),
                        "link_id": pk,
                        "link_entity": "service",
                        "link_type": "need_domain",
                        "taxonomy_term_id": str(need_term_id(need)),
                    }
                    for need in entry["needs"]
                ],
                "service_at_locations": links,
                "required_documents": documents,
                "cost_options": costs,
                "languages": self.languages(pk, entry.get("languages", [])),
                "service_areas": [
                    {"id": _derived(pk, "area", code), "service_id": pk, "territory_code": code}
                    for code in entry.get("areas", [])
                ],
                "phones": self.phones(pk, entry.get("phones", []), sample, f"{where}.phones"),
                "schedules": self.schedules(pk, entry.get("hours"), sample, f"{where}.hours"),
            },
            keep=(
                "attributes",
                "service_at_locations",
                "required_documents",
                "cost_options",
                "languages",
                "service_areas",
                "phones",
                "schedules",
            ),
        )

    def dataset(self, raw: Json) -> Json:
        organizations, services = [], []
        seen: dict[str, str] = {}
        for index, entry in enumerate(raw["organizations"]):
            where = f"organizations[{index}]"
            _unique(seen, entry["id"], where)
            sample = entry.get("sample", self.sample_default)
            texts = self.translations(
                where, name=entry["name"], description=entry.get("description")
            )
            locations: dict[str, str] = {}
            hsds_locations = []
            for number, location in enumerate(entry.get("locations", [])):
                location_where = f"{where}.locations[{number}]"
                if location["key"] in locations:
                    raise ReferenceDataError(f"{location_where}.key: {location['key']!r} twice")
                hsds = self.location(entry["id"], location, sample, location_where)
                locations[location["key"]] = hsds["id"]
                hsds_locations.append(hsds)
            organizations.append(
                _without_empty(
                    {
                        "id": entry["id"],
                        "name": self.plain(texts, "name"),
                        "alternate_name": entry.get("short_name"),
                        "description": self.plain(texts, "description"),
                        "kind": entry["kind"],
                        "website": entry.get("website"),
                        "email": entry.get("email"),
                        "translations": texts,
                        "is_sample_data": sample,
                        "locations": hsds_locations,
                    },
                    keep=("description",),
                )
            )
            for number, service in enumerate(entry.get("services", [])):
                service_where = f"{where}.services[{number}]"
                _unique(seen, service["id"], service_where)
                services.append(
                    self.service(entry["id"], locations, service, sample, service_where)
                )
        return {"organizations": organizations, "services": services}


def _unique(seen: dict[str, str], pk: str, where: str) -> None:
    if pk in seen:
        raise ReferenceDataError(f"{where}.id: {pk} is already used at {seen[pk]}")
    seen[pk] = where


def _without_empty(data: Json, *, keep: tuple[str, ...] = ()) -> Json:
    return {k: v for k, v in data.items() if k in keep or v not in (None, "", [], {})}


def check_shape(raw: Any, schema: Json) -> None:
    """The file against its own schema, every problem with where it is."""
    validator = Draft202012Validator(schema)
    found = sorted(validator.iter_errors(raw), key=lambda e: [str(p) for p in e.absolute_path])
    if found:
        lines = []
        for error in found[:10]:
            where = ""
            for part in error.absolute_path:
                where += f"[{part}]" if isinstance(part, int) else f".{part}"
            lines.append(f"{where.lstrip('.') or '(file)'}: {error.message}")
        raise ReferenceDataError("; ".join(lines))


def expand(raw: Json) -> Json:
    """The compact reference file as an HSDS dataset (see the module's docstring)."""
    return Expander(raw).dataset(raw)


def read(data_dir: Path) -> Json:
    path = data_dir / FILENAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ReferenceDataError(f"{FILENAME}: line {error.lineno}: {error.msg}") from error
    schema = json.loads((data_dir / SCHEMA).read_text(encoding="utf-8"))
    try:
        check_shape(raw, schema)
        return expand(raw)
    except ReferenceDataError as error:
        raise ReferenceDataError(f"{FILENAME}: {error}") from error


def load(data_dir: Path) -> dict[str, dict[str, int]]:
    """Load the directory from ``data_dir``; one audit event when the file changed it."""
    if not (data_dir / FILENAME).exists():
        return {}
    dataset = read(data_dir)
    with transaction.atomic():
        try:
            report = importer.import_document(dataset, language="fr")
        except ValueError as error:
            raise ReferenceDataError(f"{FILENAME}: {error}") from error
        counts = report.total()
        if report.changed:
            audit.record(
                action=AuditAction.UPDATE,
                object_type="reference",
                object_id=FILENAME,
                actor_username="load_reference",
                details=counts,
            )
    return {FILENAME: counts}
