"""Validation against the HSDS 3.0 schemas vendored under ``data/hsds-3.0/schema``.

The schemas point at one another with relative ``$ref`` ("phone.json"). They are loaded
into a local :class:`referencing.Registry` under the specification's own base address,
which has no ``retrieve`` function: a reference to anything not vendored fails instead of
reaching the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

VERSION = "3.0"
BASE_URI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OBJECTS = (
    "service",
    "organization",
    "location",
    "service_at_location",
    "taxonomy",
    "taxonomy_term",
    "attribute",
    "phone",
    "schedule",
    "language",
    "required_document",
    "cost_option",
    "service_area",
    "contact",
    "address",
)


def schema_dir() -> Path:
    return Path(settings.DATA_DIR) / "hsds-3.0" / "schema"


class HSDSValidationError(ValueError):
    """A document does not conform; ``problems`` lists each error with where it is."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{shown}{more}")


def _checks_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return "T" in value or " " in value


def _checks_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    for name, check in Draft202012Validator.FORMAT_CHECKER.checkers.items():
        checker.checkers[name] = check
    checker.checks("date-time")(_checks_date_time)
    checker.checks("uri")(_checks_uri)
    return checker


@cache
def registry() -> Registry[Any]:
    resources = []
    for path in sorted(schema_dir().glob("*.json")):
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT202012)
        resources.append((BASE_URI + path.name, resource))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for one HSDS object (``service``, ``organization``...)."""
    if name not in OBJECTS:
        raise KeyError(name)
    return Draft202012Validator(
        {"$ref": f"{BASE_URI}{name}.json"},
        registry=registry(),
        format_checker=_format_checker(),
    )


def _where(prefix: str, error: ValidationError) -> str:
    path = prefix
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".") or "(document)"


def errors(name: str, instance: Any, where: str = "") -> Iterator[str]:
    """Each way ``instance`` breaks the schema of ``name``, as "where: what"."""
    found = sorted(
        validator(name).iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]
    )
    for error in found:
        yield f"{_where(where, error)}: {error.message}"


def validate(name: str, instance: Any, where: str = "") -> None:
    problems = list(errors(name, instance, where))
    if problems:
        raise HSDSValidationError(problems)


def openapi() -> dict[str, Any]:
    """The specification's OpenAPI document, as vendored."""
    return json.loads((schema_dir() / "openapi.json").read_text(encoding="utf-8"))
