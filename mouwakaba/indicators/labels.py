"""Names to show for the values of each split, in the active language."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django_countries import countries

from mouwakaba.core.domains import NeedDomain
from mouwakaba.people.models import LegalStatus, Population, Sex
from mouwakaba.territories.models import Cell, Territory

from .compute import UNKNOWN

_CHOICES = {
    "sex": Sex,
    "population": Population,
    "legal_status": LegalStatus,
    "need_domain": NeedDomain,
    "service_type": NeedDomain,
}


class Labels:
    """Loaded once per page: the names of provinces and cells (two queries)."""

    do_not_call_in_templates = True  # templates pass it to {% split_label %}

    def __init__(self) -> None:
        self.places = {t.code: str(t.name) for t in Territory.objects.exclude(level="commune")}
        self.cells = {c.code: str(c.name) for c in Cell.objects.all()}
        self._names: dict[tuple[str, str], str] = {}

    def __call__(self, dimension: str, value: str) -> str:
        key = (dimension, value)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = self._name(dimension, value)
        return name

    def _name(self, dimension: str, value: str) -> str:
        if value == UNKNOWN:
            return _("not recorded")
        if dimension == "age_group":
            return (
                _("60 and over")
                if value == "60+"
                else _("%(range)s years") % {"range": value.replace("-", "–")}
            )
        if dimension in _CHOICES:
            try:
                return str(_CHOICES[dimension](value).label)
            except ValueError:
                return value
        if dimension == "nationality":
            return str(countries.name(value)) or value
        if dimension == "province":
            return self.places.get(value, value)
        if dimension == "cell":
            return self.cells.get(value, value)
        return value

    def row(self, by: Sequence[str], keys: dict[str, str]) -> list[str]:
        return [self(dimension, keys[dimension]) for dimension in by]
