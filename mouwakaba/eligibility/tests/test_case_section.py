"""The case page lists, for each need, the services that answer it with the person's
eligibility and reasons, eligible first and nearest first."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mouwakaba.cases.tests.factories import make_case
from mouwakaba.eligibility.queries import services_for_needs
from mouwakaba.people.actions import DocumentData

pytestmark = pytest.mark.django_db

AMO = "307563f3-587c-54f2-8d0a-c844e51ceb09"
CNIE = "6326d0a0-363b-5b47-a512-acf0582008f9"


def test_case_page_shows_services_of_each_need_with_reasons(client, personas):
    case = make_case(
        personas.agent_a,
        needs=[("social_protection", "health insurance")],
        population="foreign",
        nationality="SN",
        legal_status="regular",
        legal_status_until=date(2099, 1, 1),
    )
    client.force_login(personas.agent_a)
    response = client.get(f"/en/cases/{case.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="case-services"' in page
    assert f'data-service="{AMO}" data-status="eligible"' in page
    assert "Legal status is one of" in page


def test_case_page_in_arabic_renders_reasons_in_arabic(client, personas):
    case = make_case(personas.agent_a, needs=[("papers", "identity card")], population="returnee")
    client.force_login(personas.agent_a)
    page = client.get(f"/ar/cases/{case.pk}/").content.decode()
    assert f'data-service="{CNIE}" data-status="eligible"' in page
    assert 'data-testid="reasons"' in page


def test_services_are_ordered_eligible_first_then_nearest(personas):
    case = make_case(
        personas.agent_a,
        needs=[("papers", "papers")],
        population="returnee",
        documents=[DocumentData(doc_type="national_id", expires_on=date(2099, 1, 1))],
    )
    [need] = services_for_needs(case.person, ["papers"], date(2026, 6, 1))
    statuses = [line.decision.status for line in need.lines]
    order = {"eligible": 0, "to_verify": 1, "not_eligible": 2}
    assert statuses == sorted(statuses, key=order.__getitem__)
    for line in need.lines:
        ranks = [place.rank for place in line.places]
        assert ranks == sorted(ranks)


def test_section_queries_do_not_grow_with_needs(personas):
    case = make_case(personas.agent_a, needs=[("health", "x")], population="returnee")
    person = case.person
    with CaptureQueriesContext(connection) as one:
        services_for_needs(person, ["health"], date(2026, 6, 1))
    with CaptureQueriesContext(connection) as many:
        services_for_needs(
            person, ["health", "papers", "education", "employment", "legal_aid"], date(2026, 6, 1)
        )
    assert len(many) <= len(one) + 1
