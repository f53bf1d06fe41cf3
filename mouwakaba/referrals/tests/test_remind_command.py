"""The daily command: referrals past their delay expire (their agent is told), focal points
are reminded of those due today or on the next working day — once, however often it runs."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from mouwakaba.referrals.models import Referral, ReferralStatus
from mouwakaba.referrals.tests.factories import make_referral
from mouwakaba.referrals.workdays import add_working_days

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 2, 2)


def _due(referral: Referral, on: date) -> None:
    Referral.objects.filter(pk=referral.pk).update(due_on=on)


def _run(on: date) -> str:
    out = io.StringIO()
    call_command("remind_referrals", date=on.isoformat(), stdout=out)
    return out.getvalue()


def test_expires_reminds_and_is_idempotent(personas, django_capture_on_commit_callbacks):
    personas.focal_point.email = "focal@example.ma"
    personas.focal_point.save()
    personas.agent_a.email = "agent@example.ma"
    personas.agent_a.save()
    late = make_referral(personas.agent_a)
    due_today = make_referral(personas.agent_a)
    due_next = make_referral(personas.agent_a)
    later = make_referral(personas.agent_a)
    _due(late, date(2026, 1, 30))
    _due(due_today, MONDAY)
    _due(due_next, add_working_days(MONDAY, 1))
    _due(later, add_working_days(MONDAY, 3))

    with django_capture_on_commit_callbacks(execute=True):
        output = _run(MONDAY)
    assert "1 referral(s) expired, 2 reminded" in output
    assert Referral.objects.get(pk=late.pk).status == ReferralStatus.EXPIRED
    expired_event = Referral.objects.get(pk=late.pk).events.last()
    assert expired_event.to_status == "expired" and expired_event.actor is None
    assert sorted(m.to[0] for m in mail.outbox) == [
        "agent@example.ma",
        "focal@example.ma",
        "focal@example.ma",
    ]
    assert Referral.objects.get(pk=later.pk).status == ReferralStatus.SENT

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert "0 referral(s) expired, 0 reminded" in _run(MONDAY)
    assert mail.outbox == []
    assert Referral.objects.get(pk=late.pk).events.filter(to_status="expired").count() == 1


def test_answered_referrals_are_left_alone(personas):
    from mouwakaba.referrals import actions

    referral = make_referral(personas.agent_a)
    actions.accept(referral=referral, by=personas.focal_point)
    _due(referral, date(2026, 1, 1))
    assert "0 referral(s) expired" in _run(MONDAY)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED


def test_a_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("remind_referrals", date="30/11/2026")
