"""A person's file: only within scope, every read audited, sensitive flags for the
holding cell and its coordinators, and a stale save that loses nothing."""

import pytest

from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.people import actions
from mouwakaba.people.models import Person
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(personas):
    return make_person(personas.agent_a, survivor_of_violence=True)


def test_the_holding_cell_reads_the_file_and_the_read_is_audited(client, personas, person):
    client.force_login(personas.agent_a)
    response = client.get(f"/fr/people/{person.pk}/")
    assert response.status_code == 200
    assert "Benali" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        actor=personas.agent_a,
        object_type="people.person",
        object_id=str(person.pk),
    ).exists()


@pytest.mark.parametrize(
    "persona",
    ["agent_b", "coordinator_nador", "focal_point", "auditor", "administrator", "no_role"],
)
def test_who_must_not_see_the_file_gets_404(client, personas, person, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(f"/fr/people/{person.pk}/").status_code == 404
    assert client.get(f"/fr/people/{person.pk}/edit/").status_code == 404


def test_the_provincial_coordinator_reads_but_does_not_edit(client, personas, person):
    client.force_login(personas.coordinator_oujda)
    assert client.get(f"/fr/people/{person.pk}/").status_code == 200
    assert client.get(f"/fr/people/{person.pk}/edit/").status_code == 403


def test_vulnerabilities_show_to_the_registering_cell_and_its_coordinator(client, personas, person):
    for user in (personas.agent_a, personas.coordinator_oujda):
        client.force_login(user)
        assert (
            "survivor of violence"
            in client.get(f"/en/people/{person.pk}/").content.decode().lower()
        )


def test_a_colleague_edits_and_a_stale_save_is_told_who_changed_what(client, personas, person):
    # Agent A opens the form (version 1); a colleague saves a new phone meanwhile.
    actions.update_person(
        person=person, by=personas.colleague_a, changes={"phone": "0612345678"}, expected_version=1
    )
    client.force_login(personas.agent_a)
    form = client.get(f"/en/people/{person.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"version": 1, "family_name_lat": "Ben Ali", "languages": []})
    data["phone"] = ""
    response = client.post(f"/en/people/{person.pk}/edit/", data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "colleague_a" in html and "phone" in html.lower()
    assert 'value="Ben Ali"' in html  # the agent's input is kept
    person.refresh_from_db()
    assert person.family_name_lat == "Benali" and person.phone == "0612345678"
    assert person.version == 2


def test_a_fresh_save_goes_through_and_bumps_the_version(personas, person):
    saved = actions.update_person(
        person=person,
        by=personas.agent_a,
        changes={"family_name_lat": "Ben Ali"},
        expected_version=1,
    )
    assert saved.version == 2
    from mouwakaba.people.queries import search_persons

    assert [p.pk for p in search_persons(personas.agent_a, "ben ali")] == [person.pk]


def test_the_registration_page_registers_and_opens_the_file(client, personas):
    client.force_login(personas.agent_a)
    assert client.get("/ar/people/new/").status_code == 200
    response = client.post(
        "/ar/people/new/",
        {
            "given_name_ar": "خديجة",
            "family_name_ar": "السنغالية",
            "sex": "F",
            "estimated_age": "34",
            "population": "foreign",
            "legal_status": "asylum_seeker",
            "nationality": "SN",
            "consent_processing": "on",
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ar/people/{person.pk}/"
    assert person.birth_date_approximate and not person.consent_sharing


def test_the_registration_page_refuses_without_consent_and_creates_nothing(client, personas):
    client.force_login(personas.agent_a)
    response = client.post(
        "/en/people/new/", {"given_name_lat": "Awa", "sex": "F", "population": "foreign"}
    )
    assert response.status_code == 200
    assert "Without this consent" in response.content.decode()
    assert Person.objects.count() == 0


def test_coordinators_cannot_open_the_registration_page(client, personas):
    client.force_login(personas.coordinator_oujda)
    assert client.get("/fr/people/new/").status_code == 403


def test_the_file_page_costs_a_fixed_number_of_queries(
    client, personas, person, django_assert_max_num_queries
):
    client.force_login(personas.agent_a)
    with django_assert_max_num_queries(20) as before:
        client.get(f"/fr/people/{person.pk}/")
    for number in range(4):
        actions.add_document(
            person=person,
            by=personas.agent_a,
            data=actions.DocumentData(doc_type="passport", number=f"P{number}"),
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(f"/fr/people/{person.pk}/")


def test_a_household_member_is_found_and_linked_from_the_file(client, personas, person):
    child = make_person(personas.agent_a, given_name_lat="Yasmine", given_name_ar="ياسمين", sex="F")
    client.force_login(personas.agent_a)
    fragment = client.get(
        f"/fr/people/{person.pk}/household/candidates/", {"q": "yasmine"}
    ).content.decode()
    assert str(child.pk) in fragment and str(person.pk) not in fragment
    response = client.post(
        f"/en/people/{person.pk}/household/", {"relative": str(child.pk), "relation": "child"}
    )
    assert response.status_code == 302
    # Read from both ends: Yasmine is Mohamed's child, Mohamed is Yasmine's parent.
    assert "Yasmine Benali</a> (child)" in client.get(f"/en/people/{person.pk}/").content.decode()
    assert "Mohamed Benali</a> (parent)" in client.get(f"/en/people/{child.pk}/").content.decode()


def test_a_person_outside_the_scope_cannot_be_linked(client, personas, person):
    stranger = make_person(personas.agent_b, given_name_lat="Karim")
    client.force_login(personas.agent_a)
    response = client.post(
        f"/fr/people/{person.pk}/household/", {"relative": str(stranger.pk), "relation": "sibling"}
    )
    assert response.status_code == 404


def test_registration_without_a_document_shows_no_document_error(client, personas):
    client.force_login(personas.agent_a)
    response = client.post(
        "/en/people/new/", {"given_name_lat": "Awa", "sex": "F", "population": "foreign"}
    )
    assert (
        "This field is required"
        not in response.content.decode().split('id="s-doc"')[1].split("</section>")[0]
    )


def test_a_half_typed_document_is_explained_and_nothing_is_registered(client, personas):
    client.force_login(personas.agent_a)
    response = client.post(
        "/en/people/new/",
        {
            "given_name_lat": "Awa",
            "sex": "F",
            "population": "foreign",
            "consent_processing": "on",
            "doc-number": "AB12",
        },
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert Person.objects.count() == 0
