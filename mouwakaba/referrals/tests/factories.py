"""Referrals made through the real operations, as an agent would."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from mouwakaba.accounts.models import User
from mouwakaba.cases.models import Case
from mouwakaba.cases.tests.factories import make_case
from mouwakaba.directory.models import Service
from mouwakaba.referrals import actions
from mouwakaba.referrals.models import Referral

# Services of the demo directory (data/directory/services.json).
CONSULTATIONS = UUID("427e0398-85fa-54f8-8417-a4f74df8db8c")  # regional hospital of Oujda
CNIE = UUID("6326d0a0-363b-5b47-a512-acf0582008f9")  # national identity card (DGSN)


def make_referral(
    agent: User,
    *,
    case: Case | None = None,
    service: UUID = CONSULTATIONS,
    send: bool = True,
    **values: Any,
) -> Referral:
    """A referral of the case's health need to the hospital's consultations, sent."""
    case = case or make_case(agent, needs=[("health", "consultation")], **values)
    need = case.needs.get(domain=Service.objects.get(pk=service).need_domains()[0])
    referral = actions.create_referral(
        case=case, need=need, by=agent, service=Service.objects.get(pk=service)
    )
    if send:
        referral = actions.send(referral=referral, by=agent)
    return Referral.objects.get(pk=referral.pk)
