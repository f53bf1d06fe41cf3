"""Referrals follow their case: after a transfer the receiving cell sees them, and the
cell that gave the case away no longer does."""

import pytest

from mouwakaba.accounts.models import Role
from mouwakaba.accounts.tests.factories import make_user
from mouwakaba.cases import actions as case_actions
from mouwakaba.referrals.models import Referral
from mouwakaba.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db


def test_referrals_follow_their_case_to_the_receiving_cell(personas):
    referral = make_referral(personas.agent_a)
    head_b = make_user(role=Role.CELL_HEAD, cell=personas.cell_b, username="head_b")
    transfer = case_actions.request_transfer(
        case=referral.case, by=personas.agent_a, to_cell=personas.cell_b, reason="moved to Nador"
    )
    case_actions.decide_transfer(transfer=transfer, by=head_b, accept=True)

    assert Referral.objects.visible_to(personas.agent_b).filter(pk=referral.pk).exists()
    assert not Referral.objects.visible_to(personas.agent_a).filter(pk=referral.pk).exists()
    # The provider still sees what was sent to it.
    assert Referral.objects.visible_to(personas.focal_point).filter(pk=referral.pk).exists()
