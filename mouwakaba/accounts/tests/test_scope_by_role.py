"""The contract of the one door, role by role: cell → its records; province → its cells;
region → all; focal point → only what is addressed to its organisation; auditor,
administrator and users without a role → no personal data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mouwakaba.accounts.models import Role
from mouwakaba.accounts.tests.factories import HEALTH_ORG, OTHER_ORG, make_user
from mouwakaba.core.scope import visible_to
from mouwakaba.core.tests.scoped.models import Copy, Dossier
from mouwakaba.territories.models import Cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(personas):
    """One file per situation, named after who holds it."""
    bouarfa = Cell.objects.get(code="commune-bouarfa")
    mre_oujda = Cell.objects.get(code="mre-oujda-angad")
    Dossier.objects.create(label="A", cell_id=personas.cell_a.pk)
    Dossier.objects.create(label="B", cell_id=personas.cell_b.pk)
    Dossier.objects.create(label="mre-oujda", cell_id=mre_oujda.pk)
    Dossier.objects.create(label="bouarfa", cell_id=bouarfa.pk)
    transferred = Dossier.objects.create(label="B-formerly-A", cell_id=personas.cell_b.pk)
    Copy.objects.create(dossier=transferred, cell_id=personas.cell_a.pk)
    Dossier.objects.create(label="to-health", cell_id=personas.cell_b.pk, addressed_to=HEALTH_ORG)
    Dossier.objects.create(label="to-other", cell_id=bouarfa.pk, addressed_to=OTHER_ORG)
    return personas


def seen_by(user):
    return sorted(visible_to(user, Dossier.objects.all()).values_list("label", flat=True))


def test_cell_agent_sees_the_records_of_their_cell_only(files):
    assert seen_by(files.agent_a) == ["A", "B-formerly-A"]
    assert seen_by(files.colleague_a) == seen_by(files.agent_a)


def test_cell_head_sees_the_records_of_their_cell_only(files):
    assert seen_by(files.head_a) == ["A", "B-formerly-A"]


def test_agent_of_another_cell_sees_nothing_of_cell_a(files):
    assert seen_by(files.agent_b) == ["B", "B-formerly-A", "to-health"]
    assert "A" not in seen_by(files.agent_b)


def test_provincial_coordinator_sees_every_cell_of_the_province_and_no_other(files):
    # Oujda-Angad has the commune cell of Oujda (cell A) and the prefecture's MRE cell.
    assert seen_by(files.coordinator_oujda) == ["A", "B-formerly-A", "mre-oujda"]
    assert seen_by(files.coordinator_nador) == ["B", "B-formerly-A", "to-health"]


def test_regional_coordinator_sees_all(files):
    assert len(seen_by(files.regional)) == Dossier.objects.count()


def test_focal_point_sees_only_what_is_addressed_to_their_organisation(files):
    assert seen_by(files.focal_point) == ["to-health"]


@pytest.mark.parametrize("persona", ["auditor", "administrator", "no_role"])
def test_auditor_administrator_and_roleless_accounts_see_no_personal_data(files, persona):
    assert seen_by(getattr(files, persona)) == []


def test_a_deactivated_account_sees_nothing(files):
    files.agent_a.is_active = False
    files.agent_a.save()
    assert seen_by(files.agent_a) == []


def test_an_ended_membership_no_longer_opens_the_door(files):
    yesterday = timezone.localdate() - timedelta(days=1)
    former = make_user(
        role=Role.CELL_AGENT,
        cell=files.cell_a,
        starts_on=yesterday - timedelta(days=30),
        ends_on=yesterday,
    )
    assert seen_by(former) == []


def test_a_membership_that_has_not_started_opens_nothing_yet(files):
    future = make_user(
        role=Role.CELL_AGENT, cell=files.cell_a, starts_on=timezone.localdate() + timedelta(days=3)
    )
    assert seen_by(future) == []


def test_scoping_costs_the_same_queries_however_many_cells(files, django_assert_max_num_queries):
    # Regional: one query for the membership, one for the cells, one for the rows.
    with django_assert_max_num_queries(3):
        list(visible_to(files.regional, Dossier.objects.all()))
