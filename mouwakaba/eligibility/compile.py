"""The caseload path: a rule compiled to database conditions over persons.

Each node compiles to a pair of conditions ``(is_true, is_false)``; a person for whom
neither holds is "unknown". Kleene's logic then needs no NULL arithmetic:

- all: true when every child is true, false when one child is false;
- any: true when one child is true, false when every child is false;
- not: swaps the pair.

The leaves say in SQL exactly what :mod:`.engine` says in Python (same date arithmetic,
computed once in Python for the date), so that both paths agree — a property test checks
it on random persons and random rules. Plain conditions (``population IN (...)``) leave
the planner free to use indexes when filtering on "eligible".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import reduce
from operator import and_, or_
from typing import Any

from django.db.models import Case, CharField, Q, Value, When
from django.db.models.expressions import Expression

from mouwakaba.people.models import Document
from mouwakaba.territories.models import Territory

from . import engine
from .engine import minus_months, minus_years

NOTHING = Q(pk__in=[])
EVERYTHING = ~NOTHING

Pair = tuple[Q, Q]


def _known(field: str) -> Q:
    return ~Q(**{field: ""})


def _choice(field: str, values: list[str]) -> Pair:
    inside = Q(**{f"{field}__in": values})
    return inside, _known(field) & ~inside


def _legal_status(node: Mapping[str, Any], on: date) -> Pair:
    values = list(node.get("values") or [])
    inside = Q(legal_status__in=values)
    known = ~Q(legal_status__in=["", "unknown"])
    without_expiry = Q(legal_status__in=sorted(engine.STATUSES_WITHOUT_EXPIRY))
    valid = without_expiry | Q(legal_status_until__gte=on)
    expired = ~without_expiry & Q(legal_status_until__lt=on)
    return known & inside & valid, known & (~inside | (inside & expired))


def _year(op: str, value: int) -> Q:
    """The birth year (or the year of the birth date) compared with ``value``."""
    return Q(birth_year__isnull=False, **{f"birth_year__{op}": value}) | Q(
        birth_year__isnull=True, birth_date__isnull=False, **{f"birth_date__year__{op}": value}
    )


def _age(node: Mapping[str, Any], on: date, params: Mapping[str, Any]) -> Pair:
    low = engine._number(node.get("min"), params, "min")
    high = engine._number(node.get("max"), params, "max")
    exact = Q(birth_date__isnull=False, birth_date_approximate=False)
    exact_true, exact_false = EVERYTHING, NOTHING
    if low is not None:
        exact_true &= Q(birth_date__lte=minus_years(on, low))
        exact_false |= Q(birth_date__gt=minus_years(on, low))
    if high is not None:
        exact_true &= Q(birth_date__gt=minus_years(on, high + 1))
        exact_false |= Q(birth_date__lte=minus_years(on, high + 1))
    is_true, is_false = exact & exact_true, exact & exact_false
    # Only a year: the possible ages span two years, or four when the year is estimated.
    for widen in (0, 1):
        where = ~exact & Q(birth_date_approximate=bool(widen))
        year_true, year_false = EVERYTHING, NOTHING
        if low is not None:
            year_true &= _year("lte", on.year - 1 - widen - low)
            year_false |= _year("gt", on.year + widen - low)
        if high is not None:
            year_true &= _year("gte", on.year + widen - high)
            year_false |= _year("lt", on.year - 1 - widen - high)
        is_true |= where & year_true
        is_false |= where & year_false
    return is_true, is_false


def _document(node: Mapping[str, Any], on: date) -> Pair:
    # "id IN (persons holding such a document)": PostgreSQL reads the documents once into
    # a hash, where a correlated EXISTS under OR tempted it into probing every person.
    kind = str(node.get("doc_type") or "")
    documents = Document.objects.filter(doc_type=kind)
    valid = documents.filter(expires_on__gte=on).values("person_id")
    valid_or_unknown = documents.filter(Q(expires_on__gte=on) | Q(expires_on__isnull=True)).values(
        "person_id"
    )
    return Q(pk__in=valid), ~Q(pk__in=valid_or_unknown)


def _residence(node: Mapping[str, Any], on: date, params: Mapping[str, Any]) -> Pair:
    months = engine._number(node.get("months"), params, "months") or 0
    cutoff = minus_months(on, months)
    return Q(in_morocco_since__lte=cutoff), Q(in_morocco_since__gt=cutoff)


def _territory(node: Mapping[str, Any]) -> Pair:
    codes = [str(code) for code in node.get("territories") or []]
    segment = reduce(
        or_,
        (Q(path__startswith=f"{code}/") | Q(path__contains=f"/{code}/") for code in codes),
        NOTHING,
    )
    inside = Q(commune_id__in=Territory.objects.filter(segment).values("pk"))
    return inside, Q(commune_id__isnull=False) & ~inside


def _vulnerability(node: Mapping[str, Any]) -> Pair:
    flag = str(node.get("flag") or "")
    if flag not in engine.VULNERABILITY_FLAGS:
        raise engine.RuleError(flag)
    present = bool(node.get("present", True))
    return Q(**{flag: present}), Q(**{flag: not present})


def conditions(rule: Mapping[str, Any] | None, on: date, params: Mapping[str, Any]) -> Pair:
    """``(is_true, is_false)`` over persons for ``rule`` as of ``on``."""
    if not rule:
        return EVERYTHING, NOTHING
    if "all" in rule or "any" in rule:
        pairs = [conditions(child, on, params) for child in rule["all" if "all" in rule else "any"]]
        trues = [t for t, _f in pairs]
        falses = [f for _t, f in pairs]
        if "all" in rule:
            return reduce(and_, trues), reduce(or_, falses)
        return reduce(or_, trues), reduce(and_, falses)
    if "not" in rule:
        is_true, is_false = conditions(rule["not"], on, params)
        return is_false, is_true
    kind = rule.get("type")
    if kind == "population_in":
        return _choice("population", list(rule.get("values") or []))
    if kind == "sex_in":
        return _choice("sex", list(rule.get("values") or []))
    if kind == "nationality_in":
        return _choice("nationality", [str(v).upper() for v in rule.get("values") or []])
    if kind == "legal_status_in":
        return _legal_status(rule, on)
    if kind == "age_between":
        return _age(rule, on, params)
    if kind == "holds_document":
        return _document(rule, on)
    if kind == "residence_months_min":
        return _residence(rule, on, params)
    if kind == "lives_in":
        return _territory(rule)
    if kind == "vulnerability":
        return _vulnerability(rule)
    raise engine.RuleError(str(kind))


def status_expression(
    rule: Mapping[str, Any] | None, on: date, params: Mapping[str, Any]
) -> Expression:
    """An expression giving each person's status: eligible, not_eligible or to_verify."""
    is_true, is_false = conditions(rule, on, params)
    return Case(
        When(is_true, then=Value(engine.ELIGIBLE)),
        When(is_false, then=Value(engine.NOT_ELIGIBLE)),
        default=Value(engine.TO_VERIFY),
        output_field=CharField(),
    )


def status_filter(
    rule: Mapping[str, Any] | None, on: date, params: Mapping[str, Any], status: str
) -> Q:
    """The condition for persons of ``status`` (plain WHERE conditions, no CASE)."""
    is_true, is_false = conditions(rule, on, params)
    if status == engine.ELIGIBLE:
        return is_true
    if status == engine.NOT_ELIGIBLE:
        return is_false
    return ~is_true & ~is_false


__all__ = ["conditions", "status_expression", "status_filter"]
