"""A case from reception to closure: needs, status, tasks, notes, assignment — each
change in the case's history and the audit trail, each refusal clear and harmless."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mouwakaba.cases import actions
from mouwakaba.cases.models import Case, CaseEvent, EventKind, Need, Task
from mouwakaba.cases.tests.factories import make_case
from mouwakaba.core.errors import NotAllowed
from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.core.versioning import StaleVersion
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_opening_a_case_records_needs_history_and_audit(personas):
    case = make_case(personas.agent_a)
    assert case.cell == personas.cell_a and case.status == "open"
    assert case.assigned_to == personas.agent_a
    assert sorted(case.needs.values_list("domain", flat=True)) == ["health", "papers"]
    assert case.reference.startswith("C-") and len(case.reference) == 12
    assert CaseEvent.objects.filter(case=case, kind=EventKind.OPENED).exists()
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(case.pk)).exists()


def test_a_case_needs_at_least_one_need(personas):
    person = make_person(personas.agent_a)
    with pytest.raises(ValidationError):
        actions.open_case(person=person, by=personas.agent_a, needs=[])
    assert Case.objects.count() == 0


def test_one_open_case_per_person_and_cell(personas):
    case = make_case(personas.agent_a)
    with pytest.raises(ValidationError, match="already has an open case"):
        actions.open_case(person=case.person, by=personas.colleague_a, needs=[("health", "")])


def test_open_then_in_progress_then_closed_then_reopened(personas):
    case = make_case(personas.agent_a)
    case = actions.change_status(
        case=case, by=personas.agent_a, status="in_progress", expected_version=1
    )
    case = actions.close_case(
        case=case,
        by=personas.agent_a,
        outcome="resolved",
        reason="card renewed",
        expected_version=2,
    )
    assert case.status == "closed" and case.closed_at is not None
    case = actions.reopen_case(
        case=case, by=personas.agent_a, reason="new request", expected_version=3
    )
    assert case.status == "reopened" and case.closed_at is None
    kinds = list(
        CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", flat=True)
    )
    assert kinds == ["opened", "status", "closed", "reopened"]


def test_an_illegal_move_is_refused_and_changes_nothing(personas):
    case = make_case(personas.agent_a)
    with pytest.raises(ValidationError, match="cannot go from"):
        actions.change_status(case=case, by=personas.agent_a, status="open")
    with pytest.raises(ValidationError):
        actions.reopen_case(case=case, by=personas.agent_a, reason="x")
    case.refresh_from_db()
    assert case.status == "open" and case.version == 1


def test_closing_needs_an_outcome_and_a_reason(personas):
    case = make_case(personas.agent_a)
    with pytest.raises(ValidationError):
        actions.close_case(case=case, by=personas.agent_a, outcome="resolved", reason=" ")
    with pytest.raises(ValidationError):
        actions.close_case(case=case, by=personas.agent_a, outcome="", reason="done")
    case.refresh_from_db()
    assert case.status == "open"


def test_a_stale_version_is_refused_with_who_and_what(personas):
    case = make_case(personas.agent_a)
    actions.change_status(
        case=case, by=personas.colleague_a, status="in_progress", expected_version=1
    )
    with pytest.raises(StaleVersion) as stale:
        actions.close_case(
            case=case, by=personas.agent_a, outcome="resolved", reason="done", expected_version=1
        )
    assert stale.value.changed_by == "colleague_a" and stale.value.fields == ["status"]
    case.refresh_from_db()
    assert case.status == "in_progress"


@pytest.mark.parametrize(
    "persona", ["agent_b", "coordinator_oujda", "regional", "focal_point", "auditor"]
)
def test_only_the_holding_cell_changes_a_case(personas, persona):
    case = make_case(personas.agent_a)
    with pytest.raises(NotAllowed):
        actions.add_note(case=case, by=getattr(personas, persona), text="hello")
    with pytest.raises(NotAllowed):
        actions.change_status(case=case, by=getattr(personas, persona), status="in_progress")


def test_only_the_cell_head_reassigns_and_only_to_a_member(personas):
    case = make_case(personas.agent_a)
    with pytest.raises(NotAllowed):
        actions.assign(case=case, by=personas.agent_a, to=personas.colleague_a)
    with pytest.raises(ValidationError):
        actions.assign(case=case, by=personas.head_a, to=personas.agent_b)
    case = actions.assign(case=case, by=personas.head_a, to=personas.colleague_a)
    assert case.assigned_to == personas.colleague_a


def test_needs_change_status_with_their_own_version(personas):
    case = make_case(personas.agent_a)
    need = case.needs.get(domain="health")
    need = actions.change_need(need=need, by=personas.agent_a, status="met", expected_version=1)
    assert need.status == "met" and need.version == 2
    with pytest.raises(StaleVersion):
        actions.change_need(need=need, by=personas.agent_a, status="not_met", expected_version=1)
    extra = actions.add_need(
        case=case, by=personas.agent_a, domain="housing", description="shelter"
    )
    assert Need.objects.filter(case=case).count() == 3 and extra.status == "open"


def test_tasks_fall_overdue_and_are_done(personas):
    case = make_case(personas.agent_a)
    yesterday = timezone.localdate() - timedelta(days=1)
    task = actions.add_task(
        case=case, by=personas.agent_a, title="call the hospital", due_on=yesterday
    )
    actions.add_task(
        case=case,
        by=personas.agent_a,
        title="appointment",
        kind="appointment",
        due_on=yesterday + timedelta(days=5),
    )
    assert list(Task.objects.overdue()) == [task]
    assert Case.objects.with_overdue().get(pk=case.pk).has_overdue
    actions.complete_task(task=task, by=personas.colleague_a)
    assert not Task.objects.overdue().exists()
    assert not Case.objects.with_overdue().get(pk=case.pk).has_overdue


def test_no_task_on_a_closed_case(personas):
    case = make_case(personas.agent_a)
    actions.close_case(case=case, by=personas.agent_a, outcome="left", reason="moved to Rabat")
    with pytest.raises(ValidationError, match="closed"):
        actions.add_task(case=case, by=personas.agent_a, title="x", due_on=timezone.localdate())


def test_a_case_carries_the_persons_sex_population_and_birth_year_and_follows_corrections(personas):
    from mouwakaba.people import actions as people

    case = make_case(
        personas.agent_a, sex="M", population="returnee", birth_date=None, birth_year=1980
    )
    assert (case.person_sex, case.person_population, case.person_birth_year) == (
        "M",
        "returnee",
        1980,
    )
    people.update_person(
        person=case.person,
        by=personas.agent_a,
        changes={"sex": "F", "birth_year": 1981},
        expected_version=1,
    )
    case.refresh_from_db()
    assert (case.person_sex, case.person_birth_year) == ("F", 1981)


def test_a_case_carries_the_persons_legal_status_and_nationality(personas):
    from mouwakaba.people import actions as people

    case = make_case(
        personas.agent_a, population="foreign", legal_status="asylum_seeker", nationality="SN"
    )
    assert (case.person_legal_status, case.person_nationality) == ("asylum_seeker", "SN")
    people.update_person(
        person=case.person,
        by=personas.agent_a,
        changes={"legal_status": "refugee"},
        expected_version=1,
    )
    case.refresh_from_db()
    assert case.person_legal_status == "refugee"
