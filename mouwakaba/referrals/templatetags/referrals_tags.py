from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_referrals(context: dict[str, Any], case: Any) -> str:
    """The case page's section for this app (filled in by the app)."""
    return ""
