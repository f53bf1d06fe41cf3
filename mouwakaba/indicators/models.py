"""Figures computed ahead: what a dashboard or the programme report shows for a period and
a territory, stored so that a page reads a few rows instead of counting a million cases.

Only aggregates are stored — counts by sex, age group, population and the like, the same
figures the pages show — never a person or a case.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Summary(models.Model):
    """One computed result (a breakdown of an indicator, a list of rows, a monthly
    series) for an area (territory or cell code) and a period (``2026-11``, ``2026-Q3``,
    ``2026``); ``key`` says which result it is."""

    area = models.CharField(_("territory or cell"), max_length=32)
    period = models.CharField(_("period"), max_length=16)
    key = models.CharField(_("figure"), max_length=200)
    data = models.JSONField(_("data"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("computed figure")
        verbose_name_plural = _("computed figures")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "period", "key"], name="indicators_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.period} {self.key}"
