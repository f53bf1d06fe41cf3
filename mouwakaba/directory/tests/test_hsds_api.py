"""The HSDS 3.0 read API: public, in the specification's shape (checked against the
vendored schemas), paginated, filtered, and at a constant number of queries."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mouwakaba.directory.hsds import schemas
from mouwakaba.directory.models import (
    NEED_TAXONOMY_ID,
    Service,
    ServiceAtLocation,
    need_term_id,
)

from .factories import make_organization, make_service

pytestmark = pytest.mark.django_db

PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def _page(client, url, name, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) >= PAGE_KEYS
    for index, item in enumerate(body["contents"]):
        assert list(schemas.errors(name, item, f"contents[{index}]")) == []
    return body


def test_the_root_says_version_profile_and_openapi(client):
    body = client.get("/api/hsds/").json()
    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"] == "http://testserver/api/hsds/openapi.json"
    openapi = client.get("/api/hsds/openapi.json").json()
    assert openapi["openapi"].startswith("3.1")
    assert "/services/{id}" in openapi["paths"]


def test_services_are_listed_in_pages_that_conform(client):
    body = _page(client, "/api/hsds/services", "service", per_page=10, page=2)
    total = Service.objects.count()
    assert body["total_items"] == total
    assert body["total_pages"] == -(-total // 10)
    assert (body["page_number"], body["size"], body["first_page"], body["empty"]) == (
        2,
        10,
        False,
        False,
    )
    last = _page(client, "/api/hsds/services", "service", per_page=10, page=body["total_pages"])
    assert last["last_page"] is True
    beyond = _page(client, "/api/hsds/services", "service", per_page=10, page=99)
    assert beyond["empty"] is True and beyond["contents"] == []


def test_a_service_is_given_fully_nested_and_conforms(client, emergency):
    response = client.get(f"/api/hsds/services/{emergency.pk}", HTTP_ACCEPT_LANGUAGE="ar")
    body = response.json()
    assert list(schemas.errors("service", body)) == []
    assert body["name"] == "المستعجلات"
    assert body["translations"]["en"]["name"] == "Emergency department"
    assert body["organization"]["id"] == str(emergency.organization_id)
    location = body["service_at_locations"][0]["location"]
    assert location["commune_code"] == "OUJ-OUJDA"
    assert location["addresses"][0]["country"] == "MA"
    assert body["service_at_locations"][0]["schedules"][0]["byday"] == "MO,TU,WE,TH,FR,SA,SU"
    assert {p["number"] for p in body["phones"]} == {"141", "15"}
    assert body["attributes"][0]["taxonomy_term"]["code"] == "health"
    assert body["is_sample_data"] is True
    assert response["Access-Control-Allow-Origin"] == "*"


def test_texts_follow_accept_language_spanish_included(client, emergency):
    fr = client.get(f"/api/hsds/services/{emergency.pk}", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert fr["name"] == "Urgences"
    es = client.get("/api/hsds/taxonomy_terms", HTTP_ACCEPT_LANGUAGE="es").json()
    assert "salud" in {term["name"] for term in es["contents"]}


def test_services_are_filtered_by_term_organisation_search_and_date(client, hospital):
    health = _page(
        client,
        "/api/hsds/services",
        "service",
        taxonomy_term_id=need_term_id("health"),
        per_page=100,
    )
    assert health["total_items"] == Service.objects.for_domain("health").count()
    ours = _page(client, "/api/hsds/services", "service", organization_id=hospital.pk)
    assert {s["organization_id"] for s in ours["contents"]} == {str(hospital.pk)}
    assert ours["total_items"] == hospital.services.count()
    found = _page(client, "/api/hsds/services", "service", search="الفرابي")
    assert found["total_items"] >= 4
    assert all(s["organization_id"] == str(hospital.pk) for s in found["contents"])
    by_taxonomy = _page(client, "/api/hsds/services", "service", taxonomy_id=NEED_TAXONOMY_ID)
    assert by_taxonomy["total_items"] == Service.objects.count()
    full = _page(client, "/api/hsds/services", "service", full="true", per_page=3)
    assert all("service_at_locations" in s for s in full["contents"])


def test_modified_after_gives_what_changed_since(client, emergency):
    since = timezone.now() + timedelta(seconds=1)
    assert (
        _page(client, "/api/hsds/services", "service", modified_after=since.isoformat())[
            "total_items"
        ]
        == 0
    )
    Service.objects.filter(pk=emergency.pk).update(updated_at=since + timedelta(minutes=1))
    body = _page(client, "/api/hsds/services", "service", modified_after=since.isoformat())
    assert [s["id"] for s in body["contents"]] == [str(emergency.pk)]
    # An offset left unencoded ("+01:00" read as " 01:00") is still understood.
    local = since.astimezone(timezone.get_fixed_timezone(60)).isoformat().replace("+", " ")
    assert _page(client, "/api/hsds/services", "service", modified_after=local)["total_items"] == 1
    assert (
        _page(client, "/api/hsds/services", "service", modified_after="2000-01-01")["total_items"]
        == Service.objects.count()
    )


@pytest.mark.parametrize(
    "params",
    [
        {"taxonomy_term_id": "health"},
        {"organization_id": "x"},
        {"modified_after": "yesterday"},
        {"page": "0"},
        {"per_page": "many"},
    ],
)
def test_a_bad_parameter_is_refused_with_what_is_wrong(client, params):
    response = client.get("/api/hsds/services", params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["detail"]


def test_an_unknown_id_is_a_json_404(client):
    response = client.get(f"/api/hsds/services/{uuid.uuid4()}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such record."}
    assert client.get("/api/hsds/services/not-a-uuid").status_code == 404


def test_organizations_are_listed_and_given_with_their_services(client, hospital):
    _page(client, "/api/hsds/organizations", "organization", per_page=100)
    full = _page(client, "/api/hsds/organizations", "organization", full="true", per_page=5)
    assert all("locations" in o for o in full["contents"])
    found = _page(client, "/api/hsds/organizations", "organization", search="farabi")
    assert [o["id"] for o in found["contents"]] == [str(hospital.pk)]
    body = client.get(f"/api/hsds/organizations/{hospital.pk}").json()
    assert list(schemas.errors("organization", body)) == []
    assert {s["id"] for s in body["services"]} == {str(s.pk) for s in hospital.services.all()}
    assert body["locations"][0]["commune_code"] == "OUJ-OUJDA"
    full = client.get(f"/api/hsds/organizations/{hospital.pk}", {"full_service": "true"}).json()
    for service in full["services"]:
        assert list(schemas.errors("service", service)) == []


def test_services_at_locations_conform_and_follow_the_service_filters(client, hospital):
    body = _page(
        client, "/api/hsds/service_at_locations", "service_at_location", organization_id=hospital.pk
    )
    assert (
        body["total_items"]
        == ServiceAtLocation.objects.filter(service__organization=hospital).count()
    )
    first = body["contents"][0]
    assert first["location"]["commune_code"] == "OUJ-OUJDA"
    detail = client.get(f"/api/hsds/service_at_locations/{first['id']}").json()
    assert list(schemas.errors("service_at_location", detail)) == []
    assert list(schemas.errors("service", detail["service"])) == []
    full = _page(client, "/api/hsds/service_at_locations", "service_at_location", full="1")
    assert "service" in full["contents"][0]


def test_taxonomies_and_terms_conform(client):
    taxonomies = _page(client, "/api/hsds/taxonomies", "taxonomy")
    assert str(NEED_TAXONOMY_ID) in {t["id"] for t in taxonomies["contents"]}
    terms = _page(client, "/api/hsds/taxonomy_terms", "taxonomy_term", taxonomy_id=NEED_TAXONOMY_ID)
    assert terms["total_items"] == 11
    term = client.get(f"/api/hsds/taxonomy_terms/{need_term_id('housing')}").json()
    assert term["code"] == "housing"
    assert list(schemas.errors("taxonomy_term", term)) == []
    taxonomy = client.get(f"/api/hsds/taxonomies/{NEED_TAXONOMY_ID}").json()
    assert list(schemas.errors("taxonomy", taxonomy)) == []


def test_the_api_holds_no_personal_data(client, hospital, personas):
    text = client.get(
        f"/api/hsds/organizations/{hospital.pk}", {"full_service": "1"}
    ).content.decode()
    for user in (personas.focal_point, personas.agent_a):
        assert user.username not in text
    assert "@" not in text  # no e-mail address in the reference data either


def test_the_api_is_read_only(client, emergency):
    assert client.post("/api/hsds/services", {}).status_code == 405
    assert client.delete(f"/api/hsds/services/{emergency.pk}").status_code == 405


def test_trailing_slashes_are_accepted(client, emergency):
    assert client.get("/api/hsds/services/").status_code == 200
    assert client.get(f"/api/hsds/services/{emergency.pk}/").status_code == 200


def _queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/api/hsds/services",
        "/api/hsds/services?search=service",
        "/api/hsds/services?full=true",
        "/api/hsds/organizations?full=1",
        "/api/hsds/service_at_locations",
        "/api/hsds/service_at_locations?full=1",
        "/api/hsds/taxonomy_terms",
    ],
)
def test_lists_cost_the_same_queries_with_more_rows(client, django_assert_num_queries, url):
    before = _queries(client, url, per_page=500)
    organization = make_organization()
    for _ in range(6):
        make_service(organization=organization, places=2, name_fr="Service plus")
    with django_assert_num_queries(before):
        client.get(url, {"per_page": 500})


def test_a_detail_costs_the_same_queries_with_more_places(client, django_assert_num_queries):
    small = make_service(places=1)
    big = make_service(places=6)
    make_service(organization=big.organization, places=3)
    before = _queries(client, f"/api/hsds/services/{small.pk}")
    with django_assert_num_queries(before):
        client.get(f"/api/hsds/services/{big.pk}")
    url = "/api/hsds/organizations/{}"
    before = _queries(client, url.format(small.organization_id), full_service="1")
    with django_assert_num_queries(before):
        client.get(url.format(big.organization_id), {"full_service": "1"})
