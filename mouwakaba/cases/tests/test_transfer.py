"""A transfer: asked by the holding cell, answered by the receiving cell's head; on
acceptance the receiving cell holds the case and sees the person; the history stays."""

import pytest
from django.core.exceptions import ValidationError

from mouwakaba.accounts.models import Role
from mouwakaba.accounts.tests.factories import make_user
from mouwakaba.cases import actions
from mouwakaba.cases.models import Case, CaseEvent
from mouwakaba.cases.tests.factories import make_case
from mouwakaba.core.errors import NotAllowed
from mouwakaba.people.models import Person
from mouwakaba.people.queries import can_see_vulnerabilities

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_b(personas):
    return make_user(role=Role.CELL_HEAD, cell=personas.cell_b, username="head_b")


def test_accepted_transfer_moves_the_case_and_opens_the_person_to_the_new_cell(personas, head_b):
    case = make_case(personas.agent_a, pregnancy=True)
    person = case.person
    assert not Person.objects.visible_to(personas.agent_b).filter(pk=person.pk).exists()
    transfer = actions.request_transfer(
        case=case, by=personas.agent_a, to_cell=personas.cell_b, reason="moved to Nador"
    )
    # Before the answer the receiving cell sees the request, not the case.
    assert not Case.objects.visible_to(personas.agent_b).exists()
    actions.decide_transfer(transfer=transfer, by=head_b, accept=True)
    case.refresh_from_db()
    assert case.cell == personas.cell_b and case.assigned_to == head_b
    assert Case.objects.visible_to(personas.agent_b).filter(pk=case.pk).exists()
    assert Person.objects.visible_to(personas.agent_b).filter(pk=person.pk).exists()
    # The former cell keeps the person, not the case nor the sensitive flags.
    assert Person.objects.visible_to(personas.agent_a).filter(pk=person.pk).exists()
    assert not Case.objects.visible_to(personas.agent_a).filter(pk=case.pk).exists()
    assert can_see_vulnerabilities(personas.agent_b, person)
    assert not can_see_vulnerabilities(personas.agent_a, person)
    kinds = list(
        CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", flat=True)
    )
    assert kinds == ["opened", "transfer_requested", "transfer_accepted"]


def test_declined_transfer_leaves_the_case_where_it_was(personas, head_b):
    case = make_case(personas.agent_a)
    transfer = actions.request_transfer(
        case=case, by=personas.agent_a, to_cell=personas.cell_b, reason="x"
    )
    actions.decide_transfer(transfer=transfer, by=head_b, accept=False, note="not our territory")
    case.refresh_from_db()
    assert case.cell == personas.cell_a
    assert not Person.objects.visible_to(personas.agent_b).exists()


def test_only_the_receiving_head_answers_and_only_once(personas, head_b):
    case = make_case(personas.agent_a)
    transfer = actions.request_transfer(
        case=case, by=personas.agent_a, to_cell=personas.cell_b, reason="x"
    )
    for intruder in (personas.agent_b, personas.head_a, personas.coordinator_nador):
        with pytest.raises(NotAllowed):
            actions.decide_transfer(transfer=transfer, by=intruder, accept=True)
    actions.decide_transfer(transfer=transfer, by=head_b, accept=True)
    with pytest.raises(ValidationError, match="already answered"):
        actions.decide_transfer(transfer=transfer, by=head_b, accept=False)


def test_one_pending_transfer_at_a_time_and_never_to_the_same_cell(personas):
    case = make_case(personas.agent_a)
    with pytest.raises(ValidationError):
        actions.request_transfer(
            case=case, by=personas.agent_a, to_cell=personas.cell_a, reason="x"
        )
    actions.request_transfer(case=case, by=personas.agent_a, to_cell=personas.cell_b, reason="x")
    with pytest.raises(ValidationError, match="already has a transfer"):
        actions.request_transfer(
            case=case, by=personas.agent_a, to_cell=personas.cell_b, reason="again"
        )


def test_the_regional_coordination_receives_no_case(personas):
    from mouwakaba.territories.models import Cell

    case = make_case(personas.agent_a)
    with pytest.raises(ValidationError, match="does not receive"):
        actions.request_transfer(
            case=case,
            by=personas.agent_a,
            to_cell=Cell.objects.get(code="coordination-oriental"),
            reason="x",
        )


def test_the_transfer_pages(client, personas, head_b):
    case = make_case(personas.agent_a)
    client.force_login(personas.agent_a)
    response = client.post(
        f"/fr/cases/{case.pk}/transfer/", {"to_cell": personas.cell_b.pk, "reason": "moved"}
    )
    assert response.status_code == 302
    client.force_login(head_b)
    page = client.get("/fr/cases/transfers/").content.decode()
    assert "Benali" in page
    transfer = case.transfers.get()
    response = client.post(f"/fr/cases/transfers/{transfer.pk}/decide/", {"decision": "accept"})
    assert response.status_code == 302 and response["Location"] == f"/fr/cases/{case.pk}/"
    assert client.get(f"/fr/cases/{case.pk}/").status_code == 200
