"""The auditor's page: filterable, paginated, closed to everyone else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

URL = "/fr/audit/"


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "persona", ["agent_a", "head_a", "coordinator_oujda", "regional", "focal_point", "no_role"]
)
def test_only_auditors_and_administrators_may_read_the_trail(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("persona", ["auditor", "administrator"])
def test_auditor_and_administrator_read_the_trail(client, personas, persona):
    audit.record(
        action=AuditAction.VIEW, actor=personas.agent_a, object_type="people.person", object_id="42"
    )
    client.force_login(getattr(personas, persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert "people.person 42" in response.content.decode()


def test_filters_by_action_actor_object_and_dates(client, personas):
    audit.record(
        action=AuditAction.VIEW, actor=personas.agent_a, object_type="people.person", object_id="1"
    )
    audit.record(
        action=AuditAction.EXPORT, actor=personas.agent_b, object_type="cases.case", object_id="2"
    )
    client.force_login(personas.auditor)

    def shown(**params):
        response = client.get(URL, params)
        assert response.status_code == 200
        return {(e.actor_username, e.action) for e in response.context["page"].object_list}

    assert shown(action="export") == {("agent_b", "export")}
    assert shown(actor="AGENT_A") == {("agent_a", "view")}
    assert shown(object_type="people.person", object_id="1") == {("agent_a", "view")}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert shown(since=tomorrow, actor="agent_a") == set()
    today = timezone.localdate().isoformat()
    assert ("agent_a", "view") in shown(since=today, until=today)


def test_a_backward_date_range_is_explained(client, personas):
    client.force_login(personas.auditor)
    response = client.get(URL, {"since": "2026-05-02", "until": "2026-05-01"})
    assert "La date de début doit précéder la date de fin." in response.content.decode()


def test_query_count_does_not_grow_with_the_trail(client, personas, django_assert_max_num_queries):
    client.force_login(personas.auditor)
    for number in range(5):
        audit.record(
            action=AuditAction.VIEW, actor=personas.agent_a, object_type="x", object_id=str(number)
        )
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    for number in range(60):
        audit.record(
            action=AuditAction.VIEW, actor=personas.agent_a, object_type="x", object_id=str(number)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)


def test_the_admin_cannot_change_or_delete_events(client, personas):
    event = audit.record(action=AuditAction.VIEW, actor=personas.agent_a)
    client.force_login(personas.administrator)
    delete_url = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    client.post(change_url, {"action": "login"})
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW
