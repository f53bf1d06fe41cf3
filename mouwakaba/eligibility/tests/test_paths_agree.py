"""The two evaluation paths agree: for random persons and random rules, the status the
engine gives in Python equals the status the compiled database query gives (run on SQLite
and on PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mouwakaba.eligibility import compile, engine
from mouwakaba.eligibility.decisions import facts_of
from mouwakaba.people.models import Document, Person
from mouwakaba.territories.models import Territory

pytestmark = pytest.mark.django_db

POPULATIONS = ["mre", "returnee", "foreign"]
STATUSES = ["regular", "in_regularisation", "asylum_seeker", "refugee", "irregular"]
DOC_TYPES = ["passport", "residence_card", "refugee_card", "national_id"]
COUNTRIES = ["MA", "SN", "CI", "CD", "ES"]
TERRITORY_CODES = ["MA-02", "MA-OUJ", "MA-NAD", "OUJ-OUJDA", "NAD-NADOR", "MA-FIG"]
COMMUNES = ["OUJ-OUJDA", "NAD-NADOR", "NAD-ZAIO", "BER-BERKANE"]
FLAGS = list(engine.VULNERABILITY_FLAGS)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
# Dates near the evaluation day and leap days, where off-by-one errors live.
near = st.one_of(
    dates,
    st.sampled_from([date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1), date(2026, 1, 15)]),
)
threshold = st.one_of(st.integers(0, 20), st.just({"param": "p"}))

LEAVES = {
    "population_in": st.builds(
        lambda v: {"type": "population_in", "values": v},
        st.lists(st.sampled_from(POPULATIONS), min_size=1, max_size=2),
    ),
    "legal_status_in": st.builds(
        lambda v: {"type": "legal_status_in", "values": v},
        st.lists(st.sampled_from(STATUSES), min_size=1, max_size=3),
    ),
    "sex_in": st.builds(
        lambda v: {"type": "sex_in", "values": v},
        st.lists(st.sampled_from(["F", "M"]), min_size=1, max_size=2),
    ),
    "nationality_in": st.builds(
        lambda v: {"type": "nationality_in", "values": v},
        st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=2),
    ),
    "age_between": st.builds(
        lambda low, high: (
            {
                "type": "age_between",
                **({"min": low} if low is not None else {}),
                **({"max": high} if high is not None else {}),
            }
            if (low is not None or high is not None)
            else {"type": "age_between", "min": 0}
        ),
        st.one_of(st.none(), threshold),
        st.one_of(st.none(), st.integers(0, 25)),
    ),
    "holds_document": st.builds(
        lambda d: {"type": "holds_document", "doc_type": d}, st.sampled_from(DOC_TYPES)
    ),
    "residence_months_min": st.builds(
        lambda m: {"type": "residence_months_min", "months": m}, threshold
    ),
    "lives_in": st.builds(
        lambda t: {"type": "lives_in", "territories": t},
        st.lists(st.sampled_from(TERRITORY_CODES), min_size=1, max_size=2),
    ),
    "vulnerability": st.builds(
        lambda f, p: {"type": "vulnerability", "flag": f, "present": p},
        st.sampled_from(FLAGS),
        st.booleans(),
    ),
}
leaf = st.one_of(*LEAVES.values())
rules = st.recursive(
    leaf,
    lambda children: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda c: {"any": c}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda c: {"not": c}, children),
    ),
    max_leaves=6,
)

person_values = st.fixed_dictionaries(
    {
        "population": st.sampled_from([*POPULATIONS, ""]),
        "legal_status": st.sampled_from([*STATUSES, "", "unknown"]),
        "legal_status_until": st.one_of(st.none(), near),
        "sex": st.sampled_from(["F", "M", ""]),
        "birth_date": st.one_of(st.none(), near),
        "birth_year": st.one_of(st.none(), st.integers(2000, 2026)),
        "birth_date_approximate": st.booleans(),
        "nationality": st.sampled_from([*COUNTRIES, ""]),
        "in_morocco_since": st.one_of(st.none(), near),
        "commune": st.one_of(st.none(), st.sampled_from(COMMUNES)),
        "documents": st.lists(
            st.tuples(st.sampled_from(DOC_TYPES), st.one_of(st.none(), near)), max_size=3
        ),
        "flags": st.fixed_dictionaries({flag: st.booleans() for flag in FLAGS}),
    }
)


def _create(values: dict[str, Any], registered: Person) -> Person:
    values = dict(values)
    documents = values.pop("documents")
    flags = values.pop("flags")
    commune = values.pop("commune")
    person = Person.objects.create(
        given_name_lat="Test",
        family_name_lat="Person",
        registered_by_cell_id=registered.registered_by_cell_id,
        registered_by_id=registered.registered_by_id,
        commune=Territory.objects.get(code=commune) if commune else None,
        **values,
        **flags,
    )
    Document.objects.bulk_create(
        Document(person=person, doc_type=kind, expires_on=expiry) for kind, expiry in documents
    )
    return person


@pytest.fixture
def template_person(personas):
    from mouwakaba.people.tests.factories import make_person

    return make_person(personas.agent_a)


def _check(
    registered: Person, rule: Any, people: list[dict[str, Any]], on: date, parameter: int
) -> None:
    params = {"p": parameter}
    persons = [_create(values, registered) for values in people]
    ids = [p.pk for p in persons]
    from_sql = dict(
        Person.objects.filter(pk__in=ids)
        .annotate(status=compile.status_expression(rule, on, params))
        .values_list("pk", "status")
    )
    for person in (
        Person.objects.filter(pk__in=ids).select_related("commune").prefetch_related("documents")
    ):
        expected = engine.evaluate(rule, facts_of(person), on, params).status
        assert from_sql[person.pk] == expected, (rule, facts_of(person), on)
        for status in (engine.ELIGIBLE, engine.NOT_ELIGIBLE, engine.TO_VERIFY):
            matches = Person.objects.filter(
                compile.status_filter(rule, on, params, status), pk=person.pk
            ).exists()
            assert matches == (status == expected), (status, rule, facts_of(person), on)
    Person.objects.filter(pk__in=ids).delete()


SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
days = st.one_of(st.sampled_from([date(2024, 2, 29), date(2025, 3, 1), date(2026, 1, 15)]), near)


@SETTINGS
@given(
    rule=rules,
    people=st.lists(person_values, min_size=1, max_size=6),
    on=days,
    parameter=st.integers(0, 20),
)
def test_python_and_sql_paths_agree_on_random_rules(template_person, rule, people, on, parameter):
    _check(template_person, rule, people, on, parameter)


@pytest.mark.parametrize("kind", sorted(engine.CATALOGUE))
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.data(),
    people=st.lists(person_values, min_size=1, max_size=6),
    on=days,
    parameter=st.integers(0, 20),
)
def test_python_and_sql_paths_agree_on_each_kind_of_condition(
    template_person, kind, data, people, on, parameter
):
    rule = data.draw(LEAVES[kind])
    _check(template_person, rule, people, on, parameter)
