from __future__ import annotations

from django import template
from django.utils.formats import number_format

from mouwakaba.indicators.labels import Labels

register = template.Library()


@register.filter
def signed(value: float | None) -> str:
    """+3.5 / −2.0: the sign of a gap is its meaning."""
    if value is None:
        return "–"
    shown = number_format(abs(value), 1)
    return f"+{shown}" if value > 0 else f"−{shown}" if value < 0 else shown


@register.simple_tag
def split_label(labels: Labels, dimension: str, value: str) -> str:
    """The name of a split's value, e.g. ``{% split_label labels "province" "MA-NAD" %}``."""
    return labels(dimension, value)
