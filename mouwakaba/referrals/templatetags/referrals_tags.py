from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_referrals(context: dict[str, Any], case: Any) -> str:
    """The case page's section for this app (filled in by the app)."""
    return ""


@register.simple_tag(takes_context=True)
def referrals_waiting(context: dict[str, Any]) -> str:
    """For the cell dashboard: referrals waiting for an answer or past their delay."""
    return ""
