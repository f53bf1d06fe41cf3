"""The audit trail is append-only: the application and the database both refuse to
change or remove an event."""

import pytest
from django.db import DatabaseError, connection, transaction

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(personas):
    return audit.record(action=AuditAction.VIEW, actor=personas.agent_a, target=personas.cell_a)


def test_an_event_records_who_what_and_which_object(event, personas):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == personas.agent_a
    assert stored.actor_username == "agent_a"
    assert stored.action == AuditAction.VIEW
    assert stored.object_type == "territories.cell"
    assert stored.object_id == str(personas.cell_a.pk)
    assert stored.at is not None


def test_an_event_cannot_be_saved_again(event):
    event.action = AuditAction.DELETE
    with pytest.raises(PermissionError):
        event.save()


def test_an_event_cannot_be_deleted_through_the_application(event):
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.LOGIN)
    assert AuditEvent.objects.filter(pk=event.pk, action=AuditAction.VIEW).exists()


def test_the_database_refuses_to_update_an_event(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'login' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL's")
def test_the_database_refuses_to_delete_an_event_on_postgresql(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_failed_login_is_recorded_without_an_actor():
    event = audit.record(action=AuditAction.LOGIN_FAILED, actor_username="mallory")
    assert event.actor is None
    assert event.actor_username == "mallory"
