"""Who in my caseload is eligible for a service and not yet referred: one query over the
scope, counts by sex and province, paginated."""

from __future__ import annotations

from datetime import date

import pytest

from mouwakaba.directory.models import Service
from mouwakaba.eligibility.views import caseload_rows
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

CNIE = "6326d0a0-363b-5b47-a512-acf0582008f9"
URL = f"/en/eligibility/caseload/?service={CNIE}&status=eligible&not_referred=on"


def test_lists_eligible_persons_of_my_scope_with_counts(client, personas):
    make_person(personas.agent_a, population="returnee", sex="F", given_name_lat="Amina")
    make_person(personas.agent_a, population="mre", sex="M", given_name_lat="Karim")
    make_person(personas.agent_a, population="foreign", nationality="SN", given_name_lat="Moussa")
    make_person(personas.agent_b, population="returnee", given_name_lat="Elsewhere")
    client.force_login(personas.agent_a)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Amina" in page and "Karim" in page
    assert "Moussa" not in page
    assert "Elsewhere" not in page
    assert response.context["women"] == 1
    assert response.context["men"] == 1


def test_to_verify_and_not_eligible_lists(personas):
    make_person(personas.agent_a, population="foreign", nationality="SN", given_name_lat="Moussa")
    service = Service.objects.get(pk=CNIE)
    persons, version = caseload_rows(
        personas.agent_a, service, "not_eligible", True, date(2026, 1, 15)
    )
    assert [p.given_name_lat for p in persons] == ["Moussa"]
    assert version is not None
    persons, _version = caseload_rows(
        personas.agent_a, service, "to_verify", True, date(2026, 1, 15)
    )
    assert list(persons) == []


def test_persons_already_referred_are_left_out(personas):
    from django.apps import apps

    if not apps.is_installed("mouwakaba.referrals"):
        pytest.skip("referrals app not installed")
    from mouwakaba.cases.tests.factories import make_case

    case = make_case(personas.agent_a, population="returnee", needs=[("papers", "CNIE")])
    service = Service.objects.get(pk=CNIE)
    persons, _v = caseload_rows(personas.agent_a, service, "eligible", True, date(2026, 1, 15))
    assert case.person in list(persons)
    try:
        from mouwakaba.referrals.tests.factories import make_referral
    except ImportError:
        pytest.skip("no referral factory yet")
    make_referral(personas.agent_a, case=case, service=service.pk)
    persons, _v = caseload_rows(personas.agent_a, service, "eligible", True, date(2026, 1, 15))
    assert case.person not in list(persons)
    persons, _v = caseload_rows(personas.agent_a, service, "eligible", False, date(2026, 1, 15))
    assert case.person in list(persons)


def test_page_queries_do_not_grow_with_persons(client, personas, django_assert_max_num_queries):
    for number in range(3):
        make_person(
            personas.agent_a, population="returnee", given_name_lat="P" + "abcdefghij"[number]
        )
    client.force_login(personas.agent_a)
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for number in range(10):
        make_person(
            personas.agent_a, population="returnee", given_name_lat="Q" + "abcdefghij"[number]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)


@pytest.mark.parametrize("who", ["focal_point", "auditor", "administrator"])
def test_roles_without_a_caseload_are_refused(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(URL).status_code == 403
