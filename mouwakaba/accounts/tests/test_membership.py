"""A membership's anchor must fit its role; one open membership per user."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mouwakaba.accounts.models import Membership, Role
from mouwakaba.accounts.tests.factories import HEALTH_ORG, make_user
from mouwakaba.territories.models import Cell, Territory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "anchor"),
    [
        (Role.CELL_AGENT, {}),
        (Role.CELL_AGENT, {"territory": "MA-NAD"}),
        (Role.PROVINCIAL_COORDINATOR, {"cell": "commune-oujda"}),
        (Role.FOCAL_POINT, {}),
        (Role.FOCAL_POINT, {"cell": "commune-oujda", "organization": HEALTH_ORG}),
        (Role.AUDITOR, {"cell": "commune-oujda"}),
    ],
)
def test_an_anchor_that_does_not_fit_the_role_is_refused(role, anchor):
    user = make_user()
    values = dict(anchor)
    if "cell" in values:
        values["cell"] = Cell.objects.get(code=values["cell"])
    if "territory" in values:
        values["territory"] = Territory.objects.get(code=values["territory"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=role, **values)
    assert not Membership.objects.filter(user=user).exists()


def test_a_user_has_one_open_membership_at_a_time():
    user = make_user(role=Role.CELL_AGENT, cell="commune-oujda")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=user, role=Role.CELL_AGENT, cell=Cell.objects.get(code="mre-nador")
        )


def test_a_provincial_coordinator_needs_a_province_not_a_commune():
    user = make_user()
    membership = Membership(
        user=user,
        role=Role.PROVINCIAL_COORDINATOR,
        territory=Territory.objects.get(code="NAD-NADOR"),
    )
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "territory" in error.value.message_dict


def test_a_form_that_breaks_a_rule_gets_a_clear_message_not_a_crash():
    user = make_user()
    membership = Membership(user=user, role=Role.CELL_AGENT)
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "A cell agent or head needs a cell" in str(error.value)
