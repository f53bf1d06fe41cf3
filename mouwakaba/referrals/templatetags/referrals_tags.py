"""The referrals app's sections on other apps' pages: the case page's referrals (with the
form to refer a need) and the cell dashboard's referrals waiting or past their delay."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import reverse

from mouwakaba.accounts.models import Role

from ..forms import StartReferralForm
from ..models import Referral

register = template.Library()

SHOWN = 10


@register.simple_tag(takes_context=True)
def case_referrals(context: dict[str, Any], case: Any) -> str:
    """The case page's section: the case's referrals and their state, and for the cell
    that holds an active case, the form to refer one of its needs."""
    request = context.get("request")
    user = getattr(request, "user", None)
    referrals = (
        Referral.objects.visible_to(user)
        .filter(case=case)
        .select_related("need", "service__organization")
        .order_by("-created_at")
    )
    membership = getattr(user, "membership", None)
    holds = (
        membership is not None
        and membership.role in (Role.CELL_AGENT, Role.CELL_HEAD)
        and membership.cell_id == case.cell_id
    )
    form = StartReferralForm(case=case) if holds and case.is_active else None
    return render_to_string(
        "referrals/_case_referrals.html",
        {"case": case, "referrals": list(referrals), "form": form},
        request=request,
    )


@register.simple_tag(takes_context=True)
def referrals_waiting(context: dict[str, Any]) -> str:
    """For the cell dashboard: referrals waiting for an answer and those past their
    delay, in the user's scope."""
    request = context.get("request")
    user = getattr(request, "user", None)
    visible = Referral.objects.visible_to(user).select_related("service__organization")
    waiting = visible.waiting().order_by("due_on")
    late = visible.past_delay().order_by("due_on")
    return render_to_string(
        "referrals/_waiting.html",
        {
            "waiting": list(waiting[:SHOWN]),
            "waiting_count": waiting.count(),
            "late": list(late[:SHOWN]),
            "late_count": late.count(),
            "list_url": reverse("referrals:list"),
        },
        request=request,
    )
