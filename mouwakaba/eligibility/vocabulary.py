"""The values criteria speak of (populations, legal statuses, documents...), with their
translated labels, and the check of one criterion's values. No database: territory names
are registered by :mod:`.decisions` when it first reads them (codes are shown until then)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mouwakaba.people.models import VULNERABILITIES, DocumentType, LegalStatus, Population, Sex

# code → {"ar": ..., "fr": ..., "en": ...}; filled by decisions.remember_territories().
TERRITORY_NAMES: dict[str, dict[str, str]] = {}


class _TerritoryName:
    """A territory's name in the language active when it is rendered."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __str__(self) -> str:
        names = TERRITORY_NAMES.get(self.code)
        if not names:
            return self.code
        language = (get_language() or "fr")[:2]
        return names.get(language) or names.get("fr") or self.code


class _Territories(dict[str, Any]):
    def get(self, key: str, default: Any = None) -> Any:
        return _TerritoryName(key)


class _CountryName:
    """A country's name in the language active when it is rendered."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __str__(self) -> str:
        return str(countries.name(self.code) or self.code)


class _Countries(dict[str, Any]):
    def get(self, key: str, default: Any = None) -> Any:
        return _CountryName(key)


@functools.cache
def labels(kind: str) -> dict[str, Any]:
    """Code → label (lazy: rendered in the language active then). Cached: callers read."""
    if kind == "population":
        return dict(Population.choices)
    if kind == "legal_status":
        return dict(LegalStatus.choices)
    if kind == "sex":
        return dict(Sex.choices)
    if kind == "doc_type":
        return dict(DocumentType.choices)
    if kind == "vulnerability":
        return dict(VULNERABILITIES)
    if kind == "territory":
        return _Territories()
    if kind == "country":
        return _Countries()
    return {}


def _fail(message: Any, **params: Any) -> None:
    from .engine import RuleError

    raise RuleError(str(message) % params if params else str(message))


def _values(node: Mapping[str, Any], allowed: list[str] | None) -> None:
    values = node.get("values")
    if not isinstance(values, list) or not values:
        _fail(_("Choose at least one value."))
        return
    if allowed is not None:
        unknown = [str(v) for v in values if v not in allowed]
        if unknown:
            _fail(_("Unknown value: %(value)s."), value=", ".join(unknown))


def _threshold(value: Any, parameters: set[str] | None) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, Mapping):
        code = value.get("param")
        if parameters is not None and code not in parameters:
            _fail(_("Unknown parameter %(code)s."), code=code)
        return True
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(_("A threshold must be a whole number or a named parameter."))
    if int(value) < 0:
        _fail(_("A threshold cannot be negative."))
    return True


def validate_criterion(node: Mapping[str, Any], parameters: set[str] | None) -> None:
    kind = node["type"]
    if kind == "population_in":
        _values(node, list(Population.values))
    elif kind == "legal_status_in":
        _values(node, [v for v in LegalStatus.values if v != "unknown"])
    elif kind == "sex_in":
        _values(node, list(Sex.values))
    elif kind == "nationality_in":
        _values(node, [code for code, _name in countries])
    elif kind == "age_between":
        has_min = _threshold(node.get("min"), parameters)
        has_max = _threshold(node.get("max"), parameters)
        if not (has_min or has_max):
            _fail(_("Give a minimum age, a maximum age, or both."))
        low, high = node.get("min"), node.get("max")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            _fail(_("The minimum age cannot exceed the maximum age."))
    elif kind == "holds_document":
        if node.get("doc_type") not in DocumentType.values:
            _fail(_("Choose a document type."))
    elif kind == "residence_months_min":
        if not _threshold(node.get("months"), parameters):
            _fail(_("Give a number of months."))
    elif kind == "lives_in":
        territories = node.get("territories")
        if not isinstance(territories, list) or not territories:
            _fail(_("Choose at least one territory."))
    elif kind == "vulnerability":
        if node.get("flag") not in [code for code, _label in VULNERABILITIES]:
            _fail(_("Choose a situation."))
        if not isinstance(node.get("present", True), bool):
            _fail(_("Say whether the situation must be present or absent."))
