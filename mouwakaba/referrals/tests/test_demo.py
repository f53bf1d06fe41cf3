"""The demo referrals: every state of the flow, some to the hospital of focal_health,
some past their delay; the same for a seed, and nothing more on a second run."""

from __future__ import annotations

import io
import random

import pytest

from mouwakaba.cases.tests.factories import make_case
from mouwakaba.referrals import demo
from mouwakaba.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_demo_referrals_are_made_once(personas):
    for _ in range(12):
        make_case(personas.agent_a, needs=[("health", "consultation"), ("papers", "card")])
    summary = demo.build(persons=0, rng=random.Random(1), stdout=io.StringIO())
    made = Referral.objects.count()
    assert made > 0 and f"{made} demo referrals created" == summary
    assert Referral.objects.filter(addressed_to_id=demo.HOSPITAL).exists()
    assert all(r.events.count() >= 1 for r in Referral.objects.all())
    demo.build(persons=0, rng=random.Random(1), stdout=io.StringIO())
    assert Referral.objects.count() == made
