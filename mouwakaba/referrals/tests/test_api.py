"""/api/v1/referrals/: scoped list and read with the history, create with a service alone
(the nearest place is chosen), transitions as actions, 409 for an illegal move."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mouwakaba.accounts.models import Role
from mouwakaba.accounts.tests.factories import OTHER_ORG, make_user
from mouwakaba.cases.tests.factories import make_case
from mouwakaba.core.domains import NeedDomain
from mouwakaba.directory.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    need_term_id,
)
from mouwakaba.referrals import actions
from mouwakaba.referrals.models import Referral
from mouwakaba.referrals.tests.factories import CONSULTATIONS, make_referral
from mouwakaba.territories.models import Territory

pytestmark = pytest.mark.django_db


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _service_in(*communes: str) -> tuple[Service, dict[str, ServiceAtLocation]]:
    organization = Organization.objects.create(name_ar="جمعية", name_fr="Association")
    service = Service.objects.create(
        organization=organization, name_ar="سكن", name_fr="Hébergement", answer_delay_days=2
    )
    service.taxonomy_terms.add(TaxonomyTerm.objects.get(pk=need_term_id(NeedDomain.HOUSING)))
    places = {}
    for code in communes:
        location = Location.objects.create(
            organization=organization,
            name_ar=code,
            name_fr=code,
            commune=Territory.objects.get(code=code),
        )
        places[code] = ServiceAtLocation.objects.create(service=service, location=location)
    return service, places


@pytest.mark.parametrize(
    ("communes", "expected"),
    [
        (["NAD-NADOR", "OUJ-BNIDRAR", "OUJ-OUJDA"], "OUJ-OUJDA"),  # same commune
        (["NAD-NADOR", "OUJ-BNIDRAR"], "OUJ-BNIDRAR"),  # same province
        (["NAD-ZAIO", "NAD-NADOR"], "NAD-NADOR"),  # any: the first by place
    ],
)
def test_a_service_alone_picks_the_place_nearest_the_person(personas, communes, expected):
    service, places = _service_in(*communes)
    oujda = Territory.objects.get(code="OUJ-OUJDA")
    case = make_case(personas.agent_a, needs=[("housing", "shelter")], commune=oujda)
    response = api_as(personas.agent_a).post(
        "/api/v1/referrals/",
        {"case": str(case.pk), "need": case.needs.get().pk, "service": str(service.pk)},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["service_at_location"] == str(places[expected].pk)
    assert body["status"] == "draft" and body["code"]
    assert [e["to_status"] for e in body["events"]] == ["draft"]


def test_the_whole_flow_through_the_api_and_409_on_an_illegal_move(personas):
    case = make_case(personas.agent_a, needs=[("health", "consultation")])
    agent, focal = api_as(personas.agent_a), api_as(personas.focal_point)
    created = agent.post(
        "/api/v1/referrals/",
        {"case": str(case.pk), "need": case.needs.get().pk, "service": str(CONSULTATIONS)},
        format="json",
    ).json()
    pk = created["id"]
    assert focal.get(f"/api/v1/referrals/{pk}/").status_code == 404  # a draft
    assert agent.post(f"/api/v1/referrals/{pk}/send/", {}, format="json").status_code == 200
    body = focal.get(f"/api/v1/referrals/{pk}/").json()
    assert "eligibility" not in body and "justification" not in body and "case" not in body
    assert body["person"]["name"] and body["person"]["vulnerabilities"] is None
    assert focal.post(f"/api/v1/referrals/{pk}/accept/", {}, format="json").status_code == 200
    refused = agent.post(f"/api/v1/referrals/{pk}/send/", {}, format="json")
    assert refused.status_code == 409
    assert refused.json()["status"] == "accepted" and refused.json()["detail"]
    done = focal.post(
        f"/api/v1/referrals/{pk}/complete/",
        {"delivered_on": timezone.localdate().isoformat(), "outcome": "Seen"},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert [e["to_status"] for e in done.json()["events"]] == [
        "draft",
        "sent",
        "accepted",
        "completed",
    ]
    again = agent.post(f"/api/v1/referrals/{pk}/cancel/", {}, format="json")
    assert again.status_code == 409


def test_the_list_is_scoped(personas):
    mine = make_referral(personas.agent_a)
    other_focal = make_user(role=Role.FOCAL_POINT, organization=OTHER_ORG, username="fx")
    for user, expected in [
        (personas.agent_a, [str(mine.pk)]),
        (personas.coordinator_oujda, [str(mine.pk)]),
        (personas.focal_point, [str(mine.pk)]),
        (personas.agent_b, []),
        (other_focal, []),
        (personas.auditor, []),
    ]:
        response = api_as(user).get("/api/v1/referrals/")
        assert [r["id"] for r in response.json()["results"]] == expected, user.username


def test_a_bad_request_is_400_and_writes_nothing(personas):
    case = make_case(personas.agent_a, needs=[("health", "consultation")])
    response = api_as(personas.agent_a).post(
        "/api/v1/referrals/", {"case": str(case.pk), "need": case.needs.get().pk}, format="json"
    )
    assert response.status_code == 400
    referral = make_referral(personas.agent_a)
    actions.accept(referral=referral, by=personas.focal_point)
    response = api_as(personas.focal_point).post(
        f"/api/v1/referrals/{referral.pk}/complete/", {"outcome": "x"}, format="json"
    )
    assert response.status_code == 400
    assert Referral.objects.get(pk=referral.pk).status == "accepted"


def test_a_case_outside_the_scope_cannot_be_referred(personas):
    case = make_case(personas.agent_a, needs=[("health", "consultation")])
    response = api_as(personas.agent_b).post(
        "/api/v1/referrals/",
        {"case": str(case.pk), "need": case.needs.get().pk, "service": str(CONSULTATIONS)},
        format="json",
    )
    assert response.status_code == 400
    assert not Referral.objects.exists()
