"""Persons made through the real registration operation, as an agent would; labelled
registries from the duplicate benchmark."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from mouwakaba.accounts.models import User
from mouwakaba.people import actions
from mouwakaba.people.matching import PersonRecord
from mouwakaba.people.models import Person


def make_person(
    agent: User,
    *,
    documents: list[actions.DocumentData] | None = None,
    sharing: bool = True,
    **values: Any,
) -> Person:
    fields: dict[str, Any] = {
        "given_name_ar": "محمد",
        "family_name_ar": "بن علي",
        "given_name_lat": "Mohamed",
        "family_name_lat": "Benali",
        "sex": "M",
        "birth_date": date(1990, 5, 17),
        "population": "returnee",
        "nationality": "MA",
    }
    fields.update(values)
    estimated_age = fields.pop("estimated_age", None)
    return actions.register_person(
        by=agent,
        registration=actions.Registration(
            values=fields,
            estimated_age=estimated_age,
            consent_processing=True,
            consent_sharing=sharing,
            documents=documents or [],
        ),
    )


BENCH = Path(__file__).resolve().parents[3] / "bench"


def bench_module(name: str) -> Any:
    """A module of bench/: ``bench_module("matching_data")`` is the duplicate
    benchmark's generator of labelled registries."""
    sys.path.insert(0, str(BENCH))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(BENCH))


def record_strategy(
    names: SearchStrategy[str],
    *,
    birth_dates: SearchStrategy[date | None],
    birth_years: SearchStrategy[int | None],
    nationalities: list[str],
    documents: list[str],
) -> SearchStrategy[PersonRecord]:
    """Hypothesis records for the matching engine's properties: the four names drawn from
    ``names``, and the other evidence from the values given (phones as desks write them)."""
    return st.builds(
        PersonRecord,
        given_name_ar=names,
        family_name_ar=names,
        given_name_lat=names,
        family_name_lat=names,
        sex=st.sampled_from(["F", "M", ""]),
        birth_date=birth_dates,
        birth_year=birth_years,
        birth_date_approximate=st.booleans(),
        nationality=st.sampled_from(nationalities),
        phone=st.sampled_from(["", "0661234567", "+212 6 61 23 45 67", "0700000000"]),
        document_numbers=st.lists(st.sampled_from(documents), max_size=2).map(tuple),
    )
