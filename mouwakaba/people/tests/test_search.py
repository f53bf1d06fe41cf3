"""Search as agents type: either script, spelling variants, document number, phone —
and only within the user's scope."""

from datetime import date

import pytest

from mouwakaba.people import actions
from mouwakaba.people.queries import search_persons
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(personas):
    make_person(
        personas.agent_a,
        phone="+212 661 23 45 67",
        documents=[actions.DocumentData(doc_type="national_id", number="FA 123456")],
    )
    make_person(
        personas.agent_a,
        given_name_ar="فاطمة الزهراء",
        family_name_ar="العلوي",
        given_name_lat="Fatima Zahra",
        family_name_lat="El Alaoui",
        sex="F",
    )
    make_person(
        personas.agent_b,
        given_name_ar="يوسف",
        family_name_ar="الناظوري",
        given_name_lat="Youssef",
        family_name_lat="Nadori",
    )
    return personas


def names(user, query):
    return [p.given_name_lat for p in search_persons(user, query)]


@pytest.mark.parametrize(
    "query",
    [
        "محمد",
        "مُحَمَّد",
        "محمد بنعلي",
        "بن علي",
        "Mohamed",
        "moh",
        "Ben Ali",
        "benali",
        "BENALI mohamed",
    ],
)
def test_a_person_is_found_by_any_spelling_of_their_name(registry, query):
    assert names(registry.agent_a, query) == ["Mohamed"]


@pytest.mark.parametrize("query", ["فاطمه", "الزهراء", "el alaoui", "Alaoui", "fatima zahra"])
def test_compound_names_and_particles(registry, query):
    assert names(registry.agent_a, query) == ["Fatima Zahra"]


def test_a_person_is_found_by_document_number_or_phone(registry):
    assert names(registry.agent_a, "fa123456") == ["Mohamed"]
    assert names(registry.agent_a, "0661 23 45 67") == ["Mohamed"]
    assert names(registry.agent_a, "00212661234567") == ["Mohamed"]


def test_search_stays_within_the_users_scope(registry):
    assert names(registry.agent_b, "Mohamed") == []
    assert names(registry.agent_a, "Youssef") == []
    assert names(registry.coordinator_nador, "Youssef") == ["Youssef"]
    assert names(registry.auditor, "Mohamed") == []
    assert names(registry.focal_point, "Mohamed") == []


def test_an_empty_query_finds_nobody(registry):
    assert names(registry.agent_a, "  ") == []


def test_the_search_page_answers_htmx_with_the_results_only(client, registry):
    client.force_login(registry.agent_a)
    response = client.get("/fr/people/", {"q": "benali"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Mohamed" in html and "<html" not in html
    full = client.get("/ar/people/", {"q": "بنعلي"}).content.decode()
    assert "<html" in full and "Mohamed" in full


def test_search_costs_the_same_queries_with_more_persons(
    client, registry, django_assert_num_queries
):
    client.force_login(registry.agent_a)
    with django_assert_num_queries(4) as before:
        client.get("/fr/people/", {"q": "mo"}, HTTP_HX_REQUEST="true")
    for number in range(8):
        make_person(
            registry.agent_a,
            given_name_lat=f"Mounir{'x' * number}",
            birth_date=date(1980, 1, 1 + number),
        )
    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/fr/people/", {"q": "mo"}, HTTP_HX_REQUEST="true")
