"""Eligibility rules as dated data: a service's rule versions, the named parameters their
thresholds may refer to, and each version's table of examples.

A version is written as a draft, published once every example passes (see
``actions.publish``), and retired when replaced. For a service and a date, at most one
published version is in force: evaluating "as of" a past date uses the version then in
force, so that a past decision can be replayed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mouwakaba.core.models import NamedInThreeLanguages, TimeStamped
from mouwakaba.directory.models import Service

from . import engine


class RuleState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    RETIRED = "retired", _("retired")


class RuleVersionQuerySet(models.QuerySet["RuleVersion"]):
    def published(self) -> RuleVersionQuerySet:
        return self.filter(state=RuleState.PUBLISHED)

    def in_force(self, on: date) -> RuleVersionQuerySet:
        """Published versions whose period covers ``on``."""
        return self.published().filter(
            Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        )


class RuleVersion(TimeStamped):
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="rule_versions",
    )
    valid_from = models.DateField(
        _("in force from"), help_text=_("The first day on which this rule applies.")
    )
    valid_to = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("The last day on which it applies; leave empty while it has no end."),
    )
    reference = models.TextField(
        _("reference"),
        blank=True,
        help_text=_(
            "The legal text or programme decision this rule comes from, e.g. "
            "“Law 65-00, art. 5” or “Circular of the ministry, 2014”."
        ),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=RuleState.choices, default=RuleState.DRAFT
    )
    rule = models.JSONField(
        _("rule"),
        default=dict,
        blank=True,
        help_text=_("The conditions, as a tree of groups (all, any, not) and conditions."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A stable key for versions loaded from data/eligibility/ (empty for those written in
    # the application), so that loading the file again updates rather than duplicates.
    reference_key = models.CharField(max_length=100, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = RuleVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["service__name_fr", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="eligibility_period_in_order",
                violation_error_message=_("A rule cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["reference_key"],
                condition=~Q(reference_key=""),
                name="eligibility_reference_key_unique",
            ),
        ]
        indexes = [models.Index(fields=["service", "state", "valid_from"], name="rule_in_force")]

    def __str__(self) -> str:
        return f"{self.service} — {self.valid_from:%Y-%m-%d}"

    @property
    def is_draft(self) -> bool:
        return self.state == RuleState.DRAFT

    def clean(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("A rule cannot end before it starts.")})
        try:
            engine.validate(self.rule, set(Parameter.objects.values_list("code", flat=True)))
        except engine.RuleError as error:
            raise ValidationError({"rule": str(error)}) from error

    def overlapping(self) -> RuleVersionQuerySet:
        """Other published versions of the service whose period meets this one's."""
        others = RuleVersion.objects.published().filter(service_id=self.service_id)
        others = others.exclude(pk=self.pk)
        if self.valid_to is not None:
            others = others.filter(valid_from__lte=self.valid_to)
        return others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class Parameter(NamedInThreeLanguages, TimeStamped):
    """A named threshold (an age, a number of months) whose value changes by date."""

    code = models.SlugField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("How rules refer to it, e.g. school_age_max."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("parameter")
        verbose_name_plural = _("parameters")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ParameterValue(models.Model):
    parameter = models.ForeignKey(
        Parameter, verbose_name=_("parameter"), on_delete=models.CASCADE, related_name="values"
    )
    valid_from = models.DateField(_("in force from"))
    value = models.IntegerField(_("value"))
    reference = models.CharField(_("reference"), max_length=255, blank=True)
    # Read by decisions' cache key: a changed value must be seen at once.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("parameter value")
        verbose_name_plural = _("parameter values")
        ordering = ["parameter__code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["parameter", "valid_from"], name="eligibility_one_value_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.parameter_id} {self.valid_from:%Y-%m-%d} = {self.value}"


def parameters_on(on: date) -> dict[str, int]:
    """Each parameter's value in force on ``on`` (one query)."""
    values: dict[str, int] = {}
    rows = (
        ParameterValue.objects.filter(valid_from__lte=on)
        .order_by("parameter__code", "valid_from")
        .values_list("parameter__code", "value")
    )
    for code, value in rows:
        values[code] = value  # the latest start wins, rows come in date order
    return values


class Example(models.Model):
    """One row of a rule version's table: a person's facts, a date, and the expected
    status and failing criteria. Every row must pass before the version is published."""

    rule_version = models.ForeignKey(
        RuleVersion,
        verbose_name=_("rule version"),
        on_delete=models.CASCADE,
        related_name="examples",
    )
    label = models.CharField(
        _("example"), max_length=200, help_text=_("Who this is, e.g. “refugee, 30, valid card”.")
    )
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    as_of = models.DateField(_("as of"), default=timezone.localdate)
    expected_status = models.CharField(
        _("expected result"),
        max_length=16,
        choices=[(key, label) for key, label in engine.STATUS_LABELS.items()],
    )
    expected_failing = models.JSONField(
        _("expected failing conditions"),
        default=list,
        blank=True,
        help_text=_("The codes of the conditions that are not met or unknown."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("example")
        verbose_name_plural = _("examples")
        ordering = ["rule_version", "position", "pk"]

    def __str__(self) -> str:
        return self.label

    def run(self, parameters: dict[str, Any] | None = None) -> ExampleRun:
        params = parameters if parameters is not None else parameters_on(self.as_of)
        result = engine.evaluate(
            self.rule_version.rule, engine.Facts.from_json(self.facts), self.as_of, params
        )
        expected = sorted(set(self.expected_failing or []))
        passed = result.status == self.expected_status and result.failing == expected
        return ExampleRun(example=self, result=result, passed=passed)


class ExampleRun:
    def __init__(self, *, example: Example, result: engine.Result, passed: bool) -> None:
        self.example = example
        self.result = result
        self.passed = passed
