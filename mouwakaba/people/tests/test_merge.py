"""Merging two files of the same person: everything attached to the merged file moves to
the kept one, nothing is lost, the history stays whole, it is audited and it can be
undone exactly."""

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from mouwakaba.cases.models import Case, CaseEvent, Need
from mouwakaba.cases.tests.factories import make_case
from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.people import actions, merge
from mouwakaba.people.models import (
    Consent,
    Document,
    DuplicatePair,
    HouseholdLink,
    Person,
    PersonAccess,
    PersonMerge,
)
from mouwakaba.people.queries import search_persons
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_files(personas):
    """The same man registered in Oujda in Arabic script and in Nador in Latin script,
    each file with its own case, document, consent and relative."""
    oujda = make_person(
        personas.agent_a,
        given_name_lat="",
        family_name_lat="",
        phone="",
        documents=[actions.DocumentData(doc_type="passport", number="AB123456")],
    )
    nador = make_person(
        personas.agent_b,
        given_name_ar="",
        family_name_ar="",
        given_name_lat="Mohamed",
        family_name_lat="Benali",
        birth_date=date(1990, 5, 17),
        phone="0661234567",
        documents=[actions.DocumentData(doc_type="national_id", number="F998877")],
    )
    make_case(personas.agent_a, person=oujda)
    make_case(personas.agent_b, person=nador, needs=[("legal_aid", "residence")])
    sister = make_person(
        personas.agent_b,
        given_name_ar="فاطمة",
        given_name_lat="Fatima",
        sex="F",
        birth_date=date(1993, 1, 2),
    )
    actions.link_household(person=nador, relative=sister, relation="sibling", by=personas.agent_b)
    return oujda, nador


def snapshot() -> dict[str, int]:
    """Row counts of everything a merge touches: none may change."""
    models = [Person, Case, Need, CaseEvent, Document, Consent, HouseholdLink]
    return {model._meta.label: model._default_manager.count() for model in models}


def pointing_to(person: Person) -> dict[str, set[object]]:
    return {
        "cases": set(Case.objects.filter(person=person).values_list("pk", flat=True)),
        "documents": set(Document.objects.filter(person=person).values_list("pk", flat=True)),
        "consents": set(Consent.objects.filter(person=person).values_list("pk", flat=True)),
        "household": set(HouseholdLink.objects.filter(person=person).values_list("pk", flat=True)),
    }


def test_merge_moves_everything_to_the_kept_file_and_loses_nothing(personas, two_files):
    oujda, nador = two_files
    before = snapshot()
    attached = {
        key: pointing_to(oujda)[key] | pointing_to(nador)[key] for key in pointing_to(oujda)
    }

    record = merge.merge(kept=oujda, merged=nador, by=personas.regional)

    assert snapshot() == before
    assert pointing_to(oujda) == attached
    assert all(not rows for rows in pointing_to(nador).values())
    nador.refresh_from_db()
    oujda.refresh_from_db()
    assert nador.merged_into == oujda
    # Blank fields of the kept file are filled from the other one.
    assert (oujda.given_name_lat, oujda.family_name_lat, oujda.phone) == (
        "Mohamed",
        "Benali",
        "0661234567",
    )
    assert set(record.filled) >= {"given_name_lat", "family_name_lat", "phone"}
    # The Nador cell keeps seeing the man, now through the kept file.
    assert Person.objects.visible_to(personas.agent_b).filter(pk=oujda.pk).exists()
    # The moved case's copies follow the kept file.
    assert set(Case.objects.filter(person=oujda).values_list("person_birth_year", flat=True)) == {
        oujda.birth_year
    }
    # History is whole: every case keeps its events.
    for case in Case.objects.filter(person=oujda):
        assert CaseEvent.objects.filter(case=case).exists()


def test_merged_file_leaves_the_search_and_its_page_leads_to_the_kept_file(
    client, personas, two_files
):
    oujda, nador = two_files
    merge.merge(kept=oujda, merged=nador, by=personas.regional)
    found = set(search_persons(personas.regional, "Mohamed Benali").values_list("pk", flat=True))
    assert found == {oujda.pk}
    client.force_login(personas.agent_b)
    response = client.get(f"/en/people/{nador.pk}/")
    assert response.status_code == 302 and response["Location"].endswith(f"/people/{oujda.pk}/")


def test_merge_is_audited_without_personal_data(personas, two_files):
    oujda, nador = two_files
    merge.merge(kept=oujda, merged=nador, by=personas.regional)
    event = AuditEvent.objects.get(action=AuditAction.MERGE)
    assert event.actor == personas.regional and event.object_id == str(oujda.pk)
    assert event.details["merged"] == str(nador.pk)
    assert "Benali" not in str(event.details) and "0661234567" not in str(event.details)


def test_undo_restores_the_registry_exactly(personas, two_files):
    oujda, nador = two_files
    before = {"oujda": pointing_to(oujda), "nador": pointing_to(nador)}
    access_before = set(PersonAccess.objects.values_list("person_id", "cell_id", "holds_case"))
    fields_before = Person.objects.get(pk=oujda.pk).given_name_lat

    record = merge.merge(kept=oujda, merged=nador, by=personas.regional)
    merge.undo(merge_record=record, by=personas.regional)

    assert {"oujda": pointing_to(oujda), "nador": pointing_to(nador)} == before
    assert set(PersonAccess.objects.values_list("person_id", "cell_id", "holds_case")) == (
        access_before
    )
    oujda.refresh_from_db()
    nador.refresh_from_db()
    assert oujda.given_name_lat == fields_before and nador.merged_into is None
    assert set(
        search_persons(personas.regional, "Mohamed Benali").values_list("pk", flat=True)
    ) == {nador.pk}
    assert AuditEvent.objects.filter(action=AuditAction.UNMERGE).count() == 1
    with pytest.raises(ValidationError):
        merge.undo(merge_record=record, by=personas.regional)


def test_work_done_on_the_kept_file_after_the_merge_stays_with_it_on_undo(personas, two_files):
    oujda, nador = two_files
    record = merge.merge(kept=oujda, merged=nador, by=personas.regional)
    new_doc = actions.add_document(
        person=oujda,
        by=personas.agent_a,
        data=actions.DocumentData(doc_type="birth_certificate", number="BC-1"),
    )
    merge.undo(merge_record=record, by=personas.regional)
    assert Document.objects.get(pk=new_doc.pk).person_id == oujda.pk


def test_only_a_coordinator_who_sees_both_files_may_merge(personas, two_files):
    oujda, nador = two_files
    for user in (personas.agent_a, personas.coordinator_oujda, personas.auditor):
        with pytest.raises(ValidationError):
            merge.merge(kept=oujda, merged=nador, by=user)
    assert not PersonMerge.objects.exists()
    assert Person.objects.get(pk=nador.pk).merged_into is None


def test_a_file_cannot_be_merged_twice_or_into_itself(personas, two_files):
    oujda, nador = two_files
    with pytest.raises(ValidationError):
        merge.merge(kept=oujda, merged=oujda, by=personas.regional)
    merge.merge(kept=oujda, merged=nador, by=personas.regional)
    with pytest.raises(ValidationError):
        merge.merge(kept=nador, merged=oujda, by=personas.regional)


def test_every_relation_to_a_person_is_covered():
    """A model added later with a foreign key to Person is merged too: the relations are
    read from the model graph. This lists what is moved today, so that a new one is seen."""
    moved = {f"{model._meta.label}.{field}" for model, field in merge.person_references()}
    assert {
        "cases.Case.person",
        "people.Document.person",
        "people.Consent.person",
        "people.HouseholdLink.person",
        "people.HouseholdLink.relative",
    } <= moved
    for label in moved:
        app_label, model_name, _field = label.split(".")
        assert apps.get_model(app_label, model_name)


def test_the_coordinator_merges_from_the_review_queue_and_undoes_it(client, personas, two_files):
    oujda, nador = two_files
    first, second = sorted([oujda.pk, nador.pk])
    pair = DuplicatePair.objects.create(first_id=first, second_id=second, score=0.97, level="match")
    client.force_login(personas.regional)
    queue = client.get("/en/people/duplicates/").content.decode()
    assert f"/en/people/duplicates/{pair.pk}/merge/" in queue
    page = client.get(f"/en/people/duplicates/{pair.pk}/merge/")
    assert page.status_code == 200 and page.content.decode().count('data-testid="merge-file"') == 2

    response = client.post(f"/en/people/duplicates/{pair.pk}/merge/", {"keep": str(nador.pk)})
    assert response.status_code == 302
    assert Person.objects.get(pk=oujda.pk).merged_into_id == nador.pk
    assert "Nothing to review" in client.get("/en/people/duplicates/").content.decode()
    record = PersonMerge.objects.get()
    detail = client.get(f"/en/people/{nador.pk}/").content.decode()
    assert f"/en/people/merges/{record.pk}/undo/" in detail

    client.post(f"/en/people/merges/{record.pk}/undo/")
    assert Person.objects.get(pk=oujda.pk).merged_into_id is None
    assert DuplicatePair.objects.get(pk=pair.pk).status == DuplicatePair.Status.PENDING


def test_a_merge_without_a_choice_changes_nothing(client, personas, two_files):
    oujda, nador = two_files
    first, second = sorted([oujda.pk, nador.pk])
    pair = DuplicatePair.objects.create(first_id=first, second_id=second, score=0.97, level="match")
    client.force_login(personas.regional)
    response = client.post(f"/en/people/duplicates/{pair.pk}/merge/", {})
    assert response.status_code == 400 and "Choose the file to keep" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_an_agent_cannot_reach_the_merge_page(client, personas, two_files):
    oujda, nador = two_files
    first, second = sorted([oujda.pk, nador.pk])
    pair = DuplicatePair.objects.create(first_id=first, second_id=second, score=0.97, level="match")
    client.force_login(personas.agent_a)
    assert client.get(f"/en/people/duplicates/{pair.pk}/merge/").status_code == 403


def test_every_file_keeps_an_access_row_so_region_wide_scopes_need_no_join(personas, two_files):
    """The scope of every cell reads persons without a condition (core.scope): that holds
    only while each file belongs to some cell — through registration and merges alike."""
    from dataclasses import replace

    from mouwakaba.core.scope import scope_condition, scope_of

    oujda, nador = two_files
    merge.merge(kept=oujda, merged=nador, by=personas.regional)
    assert not Person.objects.filter(access__isnull=True).exists()
    scope = scope_of(personas.regional)
    assert scope.every_cell and not scope_of(personas.coordinator_oujda).every_cell
    full = scope_condition(Person.objects.all(), replace(scope, every_cell=False))
    assert full is not None
    assert set(Person.objects.visible_to(personas.regional)) == set(Person.objects.filter(full))
