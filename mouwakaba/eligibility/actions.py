"""Write operations on rule versions, their examples and parameters. Each runs in a
transaction, writes its audit event (ids and field names, never a person's facts), and is
the only way to make the change. Only administrators write rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mouwakaba.accounts.models import Role, User
from mouwakaba.core import audit
from mouwakaba.core.errors import NotAllowed
from mouwakaba.core.models import AuditAction
from mouwakaba.core.versioning import check_version
from mouwakaba.directory.models import Service

from . import engine
from .models import Example, ExampleRun, Parameter, ParameterValue, RuleState, RuleVersion


def can_edit_rules(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.has_role(Role.ADMINISTRATOR))
    )


def _administrator(user: User) -> None:
    if not can_edit_rules(user):
        raise NotAllowed(_("Only an administrator can change eligibility rules."))


@dataclass(frozen=True)
class ExampleData:
    label: str
    facts: dict[str, Any]
    as_of: date
    expected_status: str
    expected_failing: list[str]


def _check_rule(rule: Any) -> None:
    try:
        engine.validate(rule, set(Parameter.objects.values_list("code", flat=True)))
    except engine.RuleError as error:
        raise ValidationError({"rule": str(error)}) from error


def _check_period(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": _("A rule cannot end before it starts.")})


def _write_examples(rule_version: RuleVersion, examples: list[ExampleData]) -> None:
    for row in examples:
        if row.expected_status not in engine.STATUS_LABELS:
            raise ValidationError({"examples": _("Choose the expected result of each example.")})
        try:
            engine.Facts.from_json(row.facts)
        except (TypeError, ValueError, IndexError) as error:
            raise ValidationError({"examples": _("An example's facts are not valid.")}) from error
    rule_version.examples.all().delete()
    Example.objects.bulk_create(
        Example(
            rule_version=rule_version,
            label=row.label,
            facts=row.facts,
            as_of=row.as_of,
            expected_status=row.expected_status,
            expected_failing=sorted(set(row.expected_failing)),
            position=position,
        )
        for position, row in enumerate(examples)
    )


@transaction.atomic
def create_draft(
    *,
    service: Service,
    valid_from: date,
    valid_to: date | None = None,
    reference: str = "",
    rule: dict[str, Any] | None = None,
    examples: list[ExampleData] | None = None,
    by: User,
) -> RuleVersion:
    _administrator(by)
    rule = rule or {}
    _check_period(valid_from, valid_to)
    _check_rule(rule)
    version = RuleVersion.objects.create(
        service=service,
        valid_from=valid_from,
        valid_to=valid_to,
        reference=reference,
        rule=rule,
        author=by,
    )
    _write_examples(version, examples or [])
    audit.record(
        action=AuditAction.CREATE,
        actor=by,
        target=version,
        details={"service": str(service.pk), "examples": len(examples or [])},
    )
    return version


@transaction.atomic
def update_draft(
    *,
    rule_version: RuleVersion,
    expected_version: int | None,
    by: User,
    valid_from: date,
    valid_to: date | None,
    reference: str,
    rule: dict[str, Any],
    examples: list[ExampleData],
) -> RuleVersion:
    """Change a draft; a published or retired version is never changed (copy it)."""
    _administrator(by)
    current = RuleVersion.objects.select_for_update().get(pk=rule_version.pk)
    check_version(current, expected_version)
    if current.state != RuleState.DRAFT:
        raise ValidationError(_("Only a draft can be changed: make a new version instead."))
    _check_period(valid_from, valid_to)
    _check_rule(rule)
    changed = [
        name
        for name, value in (
            ("valid_from", valid_from),
            ("valid_to", valid_to),
            ("reference", reference),
            ("rule", rule),
        )
        if getattr(current, name) != value
    ]
    old_examples = [
        (e.label, e.facts, e.as_of, e.expected_status, sorted(e.expected_failing))
        for e in current.examples.all()
    ]
    new_examples = [
        (e.label, e.facts, e.as_of, e.expected_status, sorted(set(e.expected_failing)))
        for e in examples
    ]
    if old_examples != new_examples:
        changed.append("examples")
    current.valid_from, current.valid_to = valid_from, valid_to
    current.reference, current.rule = reference, rule
    current.version += 1
    current.save()
    _write_examples(current, examples)
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        target=current,
        details={"fields": changed, "version": current.version},
    )
    return current


def run_examples(rule_version: RuleVersion) -> list[ExampleRun]:
    """Each example evaluated against the version's rule (no write)."""
    runs = []
    for example in rule_version.examples.all():
        example.rule_version = rule_version
        try:
            runs.append(example.run())
        except engine.RuleError:
            runs.append(
                ExampleRun(
                    example=example,
                    result=engine.Result(engine.TO_VERIFY, [], [], []),
                    passed=False,
                )
            )
    return runs


@transaction.atomic
def publish(*, rule_version: RuleVersion, expected_version: int | None, by: User) -> RuleVersion:
    """Publish a draft: refused while an example fails, while it has no example, or when
    its period meets another published version of the service."""
    _administrator(by)
    current = RuleVersion.objects.select_for_update().get(pk=rule_version.pk)
    check_version(current, expected_version)
    if current.state != RuleState.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    _check_rule(current.rule)
    # Lock the service's versions so that two publications cannot both pass the overlap
    # check and overlap each other.
    list(RuleVersion.objects.select_for_update().filter(service_id=current.service_id))
    runs = run_examples(current)
    if not runs:
        raise ValidationError(_("Add at least one example before publishing."))
    failing = [run.example.label for run in runs if not run.passed]
    if failing:
        raise ValidationError(
            _("These examples fail, so the rule cannot be published: %(examples)s.")
            % {"examples": ", ".join(failing)}
        )
    overlapping = current.overlapping().first()
    if overlapping is not None:
        raise ValidationError(
            _(
                "Another published version is in force from %(start)s to %(end)s: "
                "give it an end date (or retire it) first."
            )
            % {
                "start": overlapping.valid_from.isoformat(),
                "end": overlapping.valid_to.isoformat() if overlapping.valid_to else "…",
            }
        )
    current.state = RuleState.PUBLISHED
    current.published_at = timezone.now()
    current.published_by = by
    current.version += 1
    current.save()
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        target=current,
        details={"fields": ["state"], "state": "published", "version": current.version},
    )
    return current


@transaction.atomic
def end_version(
    *, rule_version: RuleVersion, expected_version: int | None, valid_to: date, by: User
) -> RuleVersion:
    """Give a published version an end date (to let a new version follow it)."""
    _administrator(by)
    current = RuleVersion.objects.select_for_update().get(pk=rule_version.pk)
    check_version(current, expected_version)
    if current.state != RuleState.PUBLISHED:
        raise ValidationError(_("Only a published version can be given an end date."))
    _check_period(current.valid_from, valid_to)
    current.valid_to = valid_to
    current.version += 1
    current.save()
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        target=current,
        details={"fields": ["valid_to"], "version": current.version},
    )
    return current


@transaction.atomic
def retire(*, rule_version: RuleVersion, expected_version: int | None, by: User) -> RuleVersion:
    """Retire a version: it no longer applies on any date (a draft or a published one)."""
    _administrator(by)
    current = RuleVersion.objects.select_for_update().get(pk=rule_version.pk)
    check_version(current, expected_version)
    if current.state == RuleState.RETIRED:
        raise ValidationError(_("This version is already retired."))
    current.state = RuleState.RETIRED
    current.version += 1
    current.save()
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        target=current,
        details={"fields": ["state"], "state": "retired", "version": current.version},
    )
    return current


@transaction.atomic
def copy_as_draft(*, rule_version: RuleVersion, valid_from: date, by: User) -> RuleVersion:
    """A new draft with the rule and examples of ``rule_version``."""
    _administrator(by)
    examples = [
        ExampleData(e.label, e.facts, e.as_of, e.expected_status, list(e.expected_failing))
        for e in rule_version.examples.all()
    ]
    return create_draft(
        service=rule_version.service,
        valid_from=valid_from,
        reference=rule_version.reference,
        rule=rule_version.rule,
        examples=examples,
        by=by,
    )


@transaction.atomic
def set_parameter_value(
    *, parameter: Parameter, valid_from: date, value: int, reference: str = "", by: User
) -> ParameterValue:
    _administrator(by)
    row, created = ParameterValue.objects.update_or_create(
        parameter=parameter,
        valid_from=valid_from,
        defaults={"value": value, "reference": reference},
    )
    audit.record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=by,
        target=parameter,
        details={"fields": ["value"], "valid_from": valid_from.isoformat()},
    )
    return row
