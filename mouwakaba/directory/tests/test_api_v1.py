"""The directory in the staff API, for the cells' tools: services by need and place."""

import pytest
from rest_framework.test import APIClient

from .factories import make_organization, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(personas):
    client = APIClient()
    client.force_authenticate(personas.agent_a)
    return client


def test_the_staff_api_needs_a_login():
    assert APIClient().get("/api/v1/services/").status_code in (401, 403)
    assert APIClient().get("/api/v1/organizations/").status_code in (401, 403)


def test_services_are_filtered_by_need_and_territory(api, hospital):
    body = api.get("/api/v1/services/", {"need": "health", "territory": "MA-OUJ"}).json()
    assert body["count"] > 0
    for service in body["results"]:
        assert "health" in service["needs"]
    ours = api.get("/api/v1/services/", {"organization": str(hospital.pk)}).json()
    assert {s["organization"] for s in ours["results"]} == {str(hospital.pk)}
    assert api.get("/api/v1/services/", {"organization": "x"}).json()["count"] == 0
    assert api.get("/api/v1/services/", {"territory": "nowhere"}).json()["count"] == 0


def test_a_service_answers_in_the_callers_language(api, emergency):
    body = api.get(f"/api/v1/services/{emergency.pk}/", HTTP_ACCEPT_LANGUAGE="ar").json()
    assert body["name"] == "المستعجلات"
    assert body["communes"] == ["OUJ-OUJDA"]
    assert body["answer_delay_days"] == 1


def test_search_forgives_spelling(api, hospital):
    body = api.get("/api/v1/services/", {"search": "farrabi"}).json()
    assert body["count"] >= 4


def test_organisations_are_listed_by_kind(api):
    body = api.get("/api/v1/organizations/", {"kind": "commune"}).json()
    assert body["count"] == 8


def test_the_list_costs_the_same_queries_with_more_services(api, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        api.get("/api/v1/services/", {"need": "health"})
    organization = make_organization()
    for _ in range(5):
        make_service(organization=organization, places=2)
    with django_assert_num_queries(len(captured.captured_queries)):
        api.get("/api/v1/services/", {"need": "health"})
