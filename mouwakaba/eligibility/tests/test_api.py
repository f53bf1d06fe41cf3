"""GET /api/v1/persons/{id}/eligibility/: every active service with status, reasons and
what is missing; scoped (404 outside the caller's scope) and audited."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from rest_framework.test import APIClient

from mouwakaba.core.models import AuditEvent
from mouwakaba.directory.models import Service, ServiceStatus
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

RESIDENCE = "585722e0-2f5c-513d-8e37-82d0d2b06c5a"


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_lists_every_active_service_with_reasons(personas):
    person = make_person(
        personas.agent_a,
        population="foreign",
        nationality="SN",
        legal_status="regular",
        legal_status_until=date(2026, 6, 30),
    )
    response = _client(personas.agent_a).get(
        f"/api/v1/persons/{person.pk}/eligibility/?date=2026-01-15", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    rows = {row["service"]: row for row in response.json()}
    assert len(rows) == Service.objects.filter(status=ServiceStatus.ACTIVE).count()
    residence = rows[RESIDENCE]
    assert residence["status"] == "eligible"
    assert {r["criterion"] for r in residence["reasons"]} >= {"population_in", "legal_status_in"}
    assert all(set(r) >= {"criterion", "result", "message"} for r in residence["reasons"])
    assert residence["missing"] == []


def test_the_date_replays_the_past_and_the_future(personas):
    person = make_person(
        personas.agent_a,
        population="foreign",
        nationality="SN",
        legal_status="regular",
        legal_status_until=date(2026, 6, 30),
    )
    client = _client(personas.agent_a)
    later = client.get(f"/api/v1/persons/{person.pk}/eligibility/?date=2026-07-01").json()
    residence = next(row for row in later if row["service"] == RESIDENCE)
    assert residence["status"] == "not_eligible"
    assert residence["missing"]


def test_bad_date_is_a_400(personas):
    person = make_person(personas.agent_a)
    response = _client(personas.agent_a).get(
        f"/api/v1/persons/{person.pk}/eligibility/?date=yesterday"
    )
    assert response.status_code == 400
    assert "date" in response.json()


def test_agent_of_another_cell_gets_404(personas):
    person = make_person(personas.agent_a)
    client = _client(personas.agent_b)
    assert client.get(f"/api/v1/persons/{person.pk}/eligibility/").status_code == 404
    assert client.get(f"/api/v1/persons/{uuid.uuid4()}/eligibility/").status_code == 404
    assert client.get("/api/v1/persons/not-a-uuid/eligibility/").status_code == 404


def test_anonymous_is_refused(personas):
    person = make_person(personas.agent_a)
    assert APIClient().get(f"/api/v1/persons/{person.pk}/eligibility/").status_code in (401, 403)


def test_read_is_audited_without_personal_data(personas):
    person = make_person(personas.agent_a)
    _client(personas.agent_a).get(f"/api/v1/persons/{person.pk}/eligibility/")
    event = AuditEvent.objects.filter(object_id=str(person.pk), action="view").latest("at")
    assert event.details["what"] == "eligibility"
    assert "Benali" not in str(event.details)


def test_schema_still_generates(personas):
    client = _client(personas.administrator)
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/eligibility/" in response.content
