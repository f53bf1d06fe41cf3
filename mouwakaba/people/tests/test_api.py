"""/api/v1/persons/: the field names of the contract, scope as 404, search, and 409."""

import pytest
from rest_framework.test import APIClient

from mouwakaba.people.models import Person
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

CONTRACT = {
    "given_name_ar",
    "family_name_ar",
    "given_name_lat",
    "family_name_lat",
    "sex",
    "birth_date",
    "birth_year",
    "birth_date_approximate",
    "nationality",
    "population",
    "legal_status",
    "phone",
    "consent_processing",
    "consent_sharing",
    "version",
}


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_agent_registers_through_the_api(personas):
    response = api_as(personas.agent_a).post(
        "/api/v1/persons/",
        {
            "given_name_lat": "Aminata",
            "family_name_lat": "Diallo",
            "sex": "F",
            "birth_year": 1998,
            "nationality": "GN",
            "population": "foreign",
            "legal_status": "in_regularisation",
            "phone": "+224 620 00 00 00",
            "consent_processing": True,
            "consent_sharing": False,
            "languages": ["fr", "ff"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= CONTRACT
    assert body["consent_processing"] is True and body["consent_sharing"] is False
    assert body["version"] == 1


def test_bad_input_gets_a_field_error_and_creates_nothing(personas):
    response = api_as(personas.agent_a).post(
        "/api/v1/persons/",
        {
            "given_name_lat": "Aminata7",
            "sex": "F",
            "population": "foreign",
            "birth_date": "2999-01-01",
            "consent_processing": True,
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert {"given_name_lat", "birth_date"} <= set(response.json())
    assert Person.objects.count() == 0


def test_registration_without_consent_is_refused(personas):
    response = api_as(personas.agent_a).post(
        "/api/v1/persons/",
        {"given_name_lat": "Awa", "sex": "F", "population": "foreign"},
        format="json",
    )
    assert response.status_code == 400
    assert "consent_processing" in response.json()


def test_a_person_outside_the_scope_answers_404(personas):
    person = make_person(personas.agent_a)
    assert api_as(personas.agent_b).get(f"/api/v1/persons/{person.pk}/").status_code == 404
    assert (
        api_as(personas.agent_b)
        .patch(
            f"/api/v1/persons/{person.pk}/", {"phone": "0600000000", "version": 1}, format="json"
        )
        .status_code
        == 404
    )
    assert api_as(personas.agent_a).get(f"/api/v1/persons/{person.pk}/").status_code == 200


def test_search_by_q_in_either_script(personas):
    make_person(personas.agent_a)
    for query in ("بنعلي", "ben ali"):
        body = api_as(personas.agent_a).get("/api/v1/persons/", {"q": query}).json()
        assert [p["family_name_lat"] for p in body["results"]] == ["Benali"]
    assert api_as(personas.agent_b).get("/api/v1/persons/", {"q": "benali"}).json()["results"] == []


def test_a_stale_update_answers_409_and_changes_nothing(personas):
    person = make_person(personas.agent_a)
    client = api_as(personas.agent_a)
    assert (
        client.patch(
            f"/api/v1/persons/{person.pk}/", {"phone": "0611111111", "version": 1}, format="json"
        ).status_code
        == 200
    )
    response = client.patch(
        f"/api/v1/persons/{person.pk}/", {"phone": "0622222222", "version": 1}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert (
        body["current_version"] == 2
        and body["changed_by"] == "agent_a"
        and body["changed_fields"] == ["phone"]
    )
    person.refresh_from_db()
    assert person.phone == "0611111111"


def test_an_update_must_say_its_version(personas):
    person = make_person(personas.agent_a)
    response = api_as(personas.agent_a).patch(
        f"/api/v1/persons/{person.pk}/", {"phone": "0611111111"}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()


def test_vulnerabilities_are_hidden_from_those_who_must_not_see_them(personas):
    person = make_person(personas.agent_a, pregnancy=True)
    assert (
        api_as(personas.agent_a)
        .get(f"/api/v1/persons/{person.pk}/")
        .json()["vulnerabilities"]["pregnancy"]
        is True
    )
    assert (
        api_as(personas.regional)
        .get(f"/api/v1/persons/{person.pk}/")
        .json()["vulnerabilities"]["pregnancy"]
        is True
    )


def test_the_list_costs_the_same_queries_with_more_persons(personas, django_assert_num_queries):
    client = api_as(personas.agent_a)
    make_person(personas.agent_a)
    with django_assert_num_queries(4) as before:
        client.get("/api/v1/persons/")
    for number in range(5):
        make_person(personas.agent_a, given_name_lat="Omar" + "a" * number)
    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/api/v1/persons/")
