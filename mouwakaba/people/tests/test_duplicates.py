"""The duplicate check where users meet it: at registration, in the API, and in the
coordinators' review queue — across the whole registry, with minimal fields only."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.people import actions, duplicates, merge
from mouwakaba.people.duplicates import run_batch
from mouwakaba.people.matching import BLOCKING_VERSION
from mouwakaba.people.models import (
    CommonMatchKey,
    DuplicatePair,
    DuplicateRun,
    Person,
    PersonMatchKey,
)
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

ARABIC_ONLY = {
    "given_name_ar": "محمد",
    "family_name_ar": "بن علي",
    "sex": "M",
    "birth_year": "1990",
    "population": "returnee",
    "consent_processing": "on",
}


@pytest.fixture
def in_nador(personas):
    """Mohamed Benali, registered in Latin script by the Nador cell, with a phone and a
    passport that must never show to another cell."""
    return make_person(
        personas.agent_b,
        given_name_ar="",
        family_name_ar="",
        given_name_lat="Mohamed",
        family_name_lat="Benali",
        phone="0661234567",
        documents=[actions.DocumentData(doc_type="passport", number="ZX998877")],
    )


def test_registration_shows_the_same_person_registered_by_another_cell(client, personas, in_nador):
    client.force_login(personas.agent_a)
    response = client.post("/en/people/new/", ARABIC_ONLY)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="candidates"' in html
    assert "Mohamed Benali" in html and "1990" in html
    assert "MRE and migrant reception cell – Province of Nador" in html
    assert "0661234567" not in html and "ZX998877" not in html
    assert Person.objects.count() == 1  # nothing registered yet
    assert AuditEvent.objects.filter(action=AuditAction.MATCH, actor=personas.agent_a).exists()


def test_same_person_elsewhere_tells_which_cell_holds_the_file(client, personas, in_nador):
    client.force_login(personas.agent_a)
    response = client.get(f"/en/people/{in_nador.pk}/elsewhere/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Province of Nador" in html and "Benali" not in html
    assert client.get(f"/en/people/{in_nador.pk}/").status_code == 404


def test_none_of_them_registers_and_the_pair_is_not_asked_again(client, personas, in_nador):
    client.force_login(personas.agent_a)
    response = client.post(
        "/en/people/new/", {**ARABIC_ONLY, "confirmed": "1", "shown": [str(in_nador.pk)]}
    )
    assert response.status_code == 302
    new = Person.objects.exclude(pk=in_nador.pk).get()
    pair = DuplicatePair.objects.get()
    assert {pair.first_id, pair.second_id} == {new.pk, in_nador.pk}
    assert pair.status == "different" and pair.decided_by == personas.agent_a
    run_batch(full=True)
    assert DuplicatePair.objects.get().status == "different"


def test_a_different_person_is_registered_without_a_question(client, personas, in_nador):
    client.force_login(personas.agent_a)
    response = client.post(
        "/en/people/new/",
        {
            **ARABIC_ONLY,
            "given_name_ar": "فاطمة",
            "family_name_ar": "الزهراوي",
            "sex": "F",
            "birth_year": "1971",
        },
    )
    assert response.status_code == 302


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_match_api_answers_across_the_registry_with_minimal_fields(personas, in_nador):
    response = api(personas.agent_a).post(
        "/api/v1/persons/match/",
        {"given_name_ar": "محمد", "family_name_ar": "بن علي", "sex": "M", "birth_year": 1990},
        format="json",
    )
    assert response.status_code == 200
    [candidate] = response.json()["candidates"]
    assert candidate["level"] in ("match", "possible") and 0 < candidate["score"] <= 1
    assert set(candidate["person"]) == {
        "id",
        "given_name_ar",
        "family_name_ar",
        "given_name_lat",
        "family_name_lat",
        "birth_year",
        "sex",
        "cell",
    }
    assert candidate["person"]["family_name_lat"] == "Benali"


def test_the_match_api_finds_by_phone_or_document_even_with_another_spelling(personas, in_nador):
    body = (
        api(personas.agent_a)
        .post(
            "/api/v1/persons/match/",
            {
                "given_name_lat": "M'hamed",
                "family_name_lat": "Ben Ali",
                "phone": "+212 661 23 45 67",
            },
            format="json",
        )
        .json()
    )
    assert [c["person"]["id"] for c in body["candidates"]] == [str(in_nador.pk)]


def test_the_match_api_needs_a_name_and_a_cell_scope(personas, in_nador):
    assert (
        api(personas.agent_a)
        .post("/api/v1/persons/match/", {"sex": "M"}, format="json")
        .status_code
        == 400
    )
    for outsider in (personas.auditor, personas.focal_point, personas.administrator):
        response = api(outsider).post(
            "/api/v1/persons/match/", {"given_name_lat": "Mohamed"}, format="json"
        )
        assert response.status_code == 403


def test_the_batch_queues_pairs_once_and_only_looks_at_changed_files(personas, in_nador):
    twin = make_person(
        personas.agent_a,
        given_name_lat="Mohammed",
        family_name_lat="Ben Ali",
        birth_date=date(1990, 5, 17),
    )
    make_person(
        personas.agent_a,
        given_name_lat="Khadija",
        family_name_lat="Tazi",
        sex="F",
        birth_date=date(1960, 1, 1),
    )
    first = run_batch()
    assert first.checked == 3
    pair = DuplicatePair.objects.get()
    assert {pair.first_id, pair.second_id} == {in_nador.pk, twin.pk} and pair.status == "pending"
    second = run_batch()
    assert second.checked == 0 and DuplicatePair.objects.count() == 1


def test_after_an_engine_change_the_batch_refiles_every_key_and_checks_every_file(
    personas, in_nador
):
    twin = make_person(
        personas.agent_a,
        given_name_lat="Mohammed",
        family_name_lat="Ben Ali",
        birth_date=date(1990, 5, 17),
    )
    run_batch()
    # Keys filed by an older engine: lookups no longer meet them.
    PersonMatchKey.objects.update(key="stale")
    DuplicatePair.objects.all().delete()
    DuplicateRun.objects.update(blocking_version="0")

    run = run_batch()

    assert run.checked == 2 and run.blocking_version == BLOCKING_VERSION
    assert not PersonMatchKey.objects.filter(key="stale").exists()
    pair = DuplicatePair.objects.get()
    assert {pair.first_id, pair.second_id} == {in_nador.pk, twin.pk}


@pytest.mark.parametrize("jobs", [1, 2])
def test_rekey_files_exactly_the_current_keys_of_every_file(
    personas, in_nador, settings, monkeypatch, jobs
):
    settings.MATCHING_JOBS = jobs
    monkeypatch.setattr(duplicates, "REKEY_RUN", 2)  # several runs, in workers when jobs > 1
    others = [
        make_person(personas.agent_a, given_name_lat=name, family_name_lat="Tahiri")
        for name in ("Brahim", "Ibrahim", "Youssef")
    ]
    merged = make_person(personas.agent_a, given_name_ar="يوسف", family_name_ar="الطاهري")
    merge.merge(kept=others[2], merged=merged, by=personas.regional)
    PersonMatchKey.objects.update(key="stale")
    PersonMatchKey.objects.create(person=merged, key="left behind")
    seen = []

    assert duplicates.rekey(progress=lambda done, total: seen.append((done, total))) == 4

    expected = {
        (person.pk, key)
        for person in (in_nador, *others)
        for key in duplicates.keys_of(
            duplicates.record_of(person, person.documents.values_list("number", flat=True))
        )
    }
    assert set(PersonMatchKey.objects.values_list("person_id", "key")) == expected
    assert PersonMatchKey.objects.count() == len(expected)  # each key once
    assert seen == [(2, 4), (4, 4)]
    assert CommonMatchKey.objects.exists() is False  # recounted: nobody shares a key 50 times


@pytest.mark.django_db(transaction=True)
def test_rekey_outside_a_transaction_tidies_the_key_table_on_postgresql(personas):
    """Run as the nightly command runs it (no surrounding transaction): on PostgreSQL the
    old keys' rows are vacuumed away and the table analysed, which VACUUM allows only
    there; elsewhere nothing more happens. Either way every key is filed."""
    from django.db import connection

    person = make_person(personas.agent_a, given_name_lat="Brahim", family_name_lat="Tahiri")
    PersonMatchKey.objects.update(key="stale")
    started = datetime.now(tz=UTC)

    assert duplicates.rekey() == 1

    assert not PersonMatchKey.objects.filter(key="stale").exists()
    assert PersonMatchKey.objects.filter(person=person).count() == len(
        duplicates.keys_of(duplicates.record_of(person))
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_stat_get_last_vacuum_time(%s::regclass)",
                [PersonMatchKey._meta.db_table],
            )
            (vacuumed,) = cursor.fetchone()
        assert vacuumed is not None and vacuumed >= started


def test_a_rekey_that_fails_leaves_the_keys_as_they_were(personas, in_nador, monkeypatch):
    other = make_person(personas.agent_a, given_name_lat="Brahim", family_name_lat="Tahiri")
    before = set(PersonMatchKey.objects.values_list("person_id", "key"))
    monkeypatch.setattr(duplicates, "REKEY_RUN", 1)
    real = duplicates.keys_of

    def failing(record):
        if record.given_name_lat == "Brahim":
            raise RuntimeError("disk full")
        return real(record)

    monkeypatch.setattr(duplicates, "keys_of", failing)
    with pytest.raises(RuntimeError):
        duplicates.rekey()

    assert set(PersonMatchKey.objects.values_list("person_id", "key")) == before
    assert PersonMatchKey.objects.filter(person=other).exists()


def test_merged_files_are_not_checked_again(personas, in_nador):
    twin = make_person(personas.agent_a, given_name_lat="Mohammed", family_name_lat="Ben Ali")
    merge.merge(kept=in_nador, merged=twin, by=personas.regional)
    run = run_batch(full=True)
    assert run.checked == 1
    assert not DuplicatePair.objects.filter(status="pending").exists()


def test_the_command_prints_what_it_did(personas, in_nador, capsys):
    call_command("find_duplicates", "--full")
    assert "files checked" in capsys.readouterr().out


def test_coordinators_review_the_queue(client, personas, in_nador):
    twin = make_person(personas.agent_a, given_name_lat="Mohammed", family_name_lat="Ben Ali")
    run_batch()
    pair = DuplicatePair.objects.get()
    client.force_login(personas.regional)
    html = client.get("/en/people/duplicates/").content.decode()
    assert 'data-testid="duplicate-cluster"' in html and "Mohammed" in html
    response = client.post(f"/en/people/duplicates/{pair.pk}/", {"decision": "same"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == "same" and pair.decided_by == personas.regional
    assert twin.pk in (pair.first_id, pair.second_id)


def _queue_of(personas, pairs):
    """Pending pairs of (family name, score, level) among files of the Oujda cell."""
    made = []
    for family, score, level in pairs:
        a = make_person(personas.agent_a, given_name_lat="Amina", family_name_lat=family)
        b = make_person(personas.agent_a, given_name_lat="Amina", family_name_lat=family)
        first, second = duplicates.ordered(a.pk, b.pk)
        made.append(
            DuplicatePair.objects.create(first_id=first, second_id=second, score=score, level=level)
        )
    return made


def test_the_queue_pages_through_every_pair_best_first(
    client, personas, monkeypatch, django_assert_max_num_queries
):
    from mouwakaba.people import views

    monkeypatch.setattr(views, "QUEUE_PAGE", 2)
    _queue_of(
        personas,
        [("Alaoui", 0.999, "match"), ("Tazi", 0.5, "possible"), ("Idrissi", 0.3, "possible")],
    )
    client.force_login(personas.regional)
    with django_assert_max_num_queries(14):
        html = client.get("/en/people/duplicates/").content.decode()
    assert "3 pairs wait for a decision" in html
    assert "Alaoui" in html and "Tazi" in html and "Idrissi" not in html
    assert "Page 1 of 2" in html and 'data-testid="next-page"' in html
    html = client.get("/en/people/duplicates/?page=2").content.decode()
    assert "Idrissi" in html and "Alaoui" not in html


def test_the_queue_filters_by_likelihood_and_keeps_the_filter_across_pages(
    client, personas, monkeypatch
):
    from mouwakaba.people import views

    monkeypatch.setattr(views, "QUEUE_PAGE", 1)
    _queue_of(
        personas,
        [("Alaoui", 0.999, "match"), ("Tazi", 0.5, "possible"), ("Idrissi", 0.3, "possible")],
    )
    client.force_login(personas.regional)
    html = client.get("/en/people/duplicates/?level=possible").content.decode()
    assert "2 pairs wait for a decision" in html and "Tazi" in html and "Alaoui" not in html
    assert "level=possible&amp;page=2" in html
    html = client.get("/en/people/duplicates/?level=possible&page=2").content.decode()
    assert "Idrissi" in html and "Alaoui" not in html
    html = client.get("/ar/people/duplicates/?level=match").content.decode()
    assert "Alaoui" in html and "Tazi" not in html
    # A level that does not exist is refused by the form, and shows every pair.
    html = client.get("/en/people/duplicates/?level=certain").content.decode()
    assert "3 pairs wait for a decision" in html


def test_a_provincial_coordinator_sees_pairs_touching_the_province_only(client, personas, in_nador):
    make_person(personas.agent_a, given_name_lat="Mohammed", family_name_lat="Ben Ali")
    awa = {
        "given_name_ar": "",
        "family_name_ar": "",
        "given_name_lat": "Awa",
        "family_name_lat": "Diop",
    }
    make_person(personas.agent_b, sex="F", nationality="SN", **awa)
    make_person(personas.agent_b, sex="F", nationality="SN", **awa)
    run_batch()
    assert DuplicatePair.objects.count() == 2
    client.force_login(personas.coordinator_oujda)
    html = client.get("/en/people/duplicates/").content.decode()
    assert "Mohammed" in html and "Diop" not in html


@pytest.mark.parametrize("persona", ["agent_a", "head_a", "focal_point", "auditor"])
def test_the_queue_is_for_coordinators(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get("/en/people/duplicates/").status_code == 403


def _registry_of_namesakes_and_duplicates(personas):
    """Files in both scripts: two persons registered twice, namesakes, a stranger."""
    people = [
        (personas.agent_a, {"given_name_ar": "", "family_name_ar": "", "birth_year": 1990}),
        (
            personas.agent_b,
            {
                "given_name_lat": "",
                "family_name_lat": "",
                "birth_date": None,
                "birth_year": 1990,
            },
        ),
        (personas.agent_a, {"given_name_lat": "M'hamed", "family_name_lat": "Ben Ali"}),
        (
            personas.agent_b,
            {"given_name_ar": "", "family_name_ar": "", "birth_date": date(1971, 2, 3)},
        ),
        (
            personas.agent_a,
            {
                "given_name_ar": "فاطمة الزهراء",
                "family_name_ar": "العلوي",
                "given_name_lat": "",
                "family_name_lat": "",
                "sex": "F",
                "birth_date": date(1999, 8, 1),
            },
        ),
        (
            personas.agent_b,
            {
                "given_name_ar": "",
                "family_name_ar": "",
                "given_name_lat": "Fatimazahra",
                "family_name_lat": "El Alaoui",
                "sex": "F",
                "birth_date": date(1999, 1, 8),
            },
        ),
        (
            personas.agent_b,
            {
                "given_name_ar": "",
                "family_name_ar": "",
                "given_name_lat": "Awa",
                "family_name_lat": "Diop",
                "sex": "F",
                "nationality": "SN",
            },
        ),
    ]
    return [make_person(agent, **values) for agent, values in people]


def _queue():
    return {
        (pair.first_id, pair.second_id): (round(pair.score, 9), pair.level, tuple(pair.evidence))
        for pair in DuplicatePair.objects.all()
    }


def test_a_full_check_queues_what_looking_up_every_file_queues(personas):
    _registry_of_namesakes_and_duplicates(personas)
    full = run_batch()  # the first run checks every file, in memory
    assert full.checked == 7 and full.found == len(_queue()) >= 3
    compared_at_once = _queue()

    # The same files, each looked up in the key table as an incremental run does.
    DuplicatePair.objects.all().delete()
    DuplicateRun.objects.update(started_at=datetime(2000, 1, 1, tzinfo=UTC))
    one_by_one = run_batch()
    assert one_by_one.checked == 7
    assert _queue() == compared_at_once


def test_a_full_check_leaves_settled_pairs_as_they_are(personas):
    files = _registry_of_namesakes_and_duplicates(personas)
    run_batch()
    settled = DuplicatePair.objects.filter(status="pending").first()
    settled.status = "different"
    settled.save()
    again = run_batch(full=True)
    assert again.found == 0
    settled.refresh_from_db()
    assert settled.status == "different"
    assert len(files) == 7
