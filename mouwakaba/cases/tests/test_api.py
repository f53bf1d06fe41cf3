"""/api/v1/cases/: open with needs, read, change through the operations, 409 when stale."""

import pytest
from rest_framework.test import APIClient

from mouwakaba.cases.models import Case
from mouwakaba.cases.tests.factories import make_case
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_agent_opens_a_case_with_needs(personas):
    person = make_person(personas.agent_a)
    response = api_as(personas.agent_a).post(
        "/api/v1/cases/",
        {
            "person": str(person.pk),
            "needs": [{"domain": "health", "description": "diabetes"}, {"domain": "education"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"id", "person", "cell", "status", "needs", "version"} <= set(body)
    assert body["cell"] == personas.cell_a.pk and body["status"] == "open"
    assert [need["domain"] for need in body["needs"]] == ["health", "education"]


def test_a_case_cannot_be_opened_for_a_person_outside_the_scope(personas):
    person = make_person(personas.agent_a)
    response = api_as(personas.agent_b).post(
        "/api/v1/cases/", {"person": str(person.pk), "needs": [{"domain": "health"}]}, format="json"
    )
    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_a_case_outside_the_scope_answers_404(personas):
    case = make_case(personas.agent_a)
    assert api_as(personas.agent_b).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert api_as(personas.coordinator_oujda).get(f"/api/v1/cases/{case.pk}/").status_code == 200


def test_status_and_needs_change_through_the_api_and_stale_answers_409(personas):
    case = make_case(personas.agent_a)
    client = api_as(personas.agent_a)
    need = case.needs.get(domain="health")
    response = client.patch(
        f"/api/v1/cases/{case.pk}/",
        {
            "version": 1,
            "status": "in_progress",
            "needs": [{"id": need.pk, "domain": "health", "status": "met"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_progress" and response.json()["version"] == 2
    need.refresh_from_db()
    assert need.status == "met"
    stale = client.patch(
        f"/api/v1/cases/{case.pk}/",
        {"version": 1, "status": "closed", "outcome": "resolved", "closure_reason": "done"},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["changed_fields"] == ["status"]
    closed = client.patch(
        f"/api/v1/cases/{case.pk}/",
        {"version": 2, "status": "closed", "outcome": "resolved", "closure_reason": "done"},
        format="json",
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("en", "Only a closed case can be reopened."),
        ("fr", "Seul un dossier clôturé peut être rouvert."),
    ],
)
def test_an_illegal_move_answers_400_with_the_reason_in_the_callers_language(
    personas, language, reason
):
    case = make_case(personas.agent_a)
    response = api_as(personas.agent_a).patch(
        f"/api/v1/cases/{case.pk}/",
        {"version": 1, "status": "reopened", "closure_reason": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [reason]}


def test_a_coordinator_cannot_change_a_case(personas):
    case = make_case(personas.agent_a)
    response = api_as(personas.coordinator_oujda).patch(
        f"/api/v1/cases/{case.pk}/", {"version": 1, "status": "in_progress"}, format="json"
    )
    assert response.status_code == 403
