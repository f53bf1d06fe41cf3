"""Loading the deployment's eligibility rules from ``data/eligibility/rules.json``.

Same contract as the other loaders: idempotent (a second run changes nothing), counts for
the file, one audit event when something changed. Each rule version of the file is keyed
by ``key`` and loaded published — after its examples pass, as for a version published in
the application: a file whose examples fail is refused whole. Services absent from the
directory are skipped (a deployment may not have loaded them).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction
from mouwakaba.directory.models import Service

from . import engine
from .models import Example, Parameter, ParameterValue, RuleState, RuleVersion, parameters_on

FILENAME = "eligibility/rules.json"


def _examples_fail(version: RuleVersion) -> list[str]:
    failing = []
    for example in version.examples.all():
        example.rule_version = version
        run = example.run(parameters_on(example.as_of))
        if not run.passed:
            failing.append(
                f"{example.label}: {run.result.status} {run.result.failing} "
                f"(expected {example.expected_status} {example.expected_failing})"
            )
    return failing


def _load_parameters(rows: list[dict[str, Any]]) -> int:
    changed = 0
    for row in rows:
        names = row.get("name", {})
        parameter, created = Parameter.objects.get_or_create(
            code=row["code"],
            defaults={
                "name_ar": names.get("ar", ""),
                "name_fr": names.get("fr", ""),
                "name_en": names.get("en", ""),
            },
        )
        changed += created
        for value in row.get("values", []):
            existing = ParameterValue.objects.filter(
                parameter=parameter, valid_from=date.fromisoformat(value["valid_from"])
            ).first()
            if existing is None:
                ParameterValue.objects.create(
                    parameter=parameter,
                    valid_from=date.fromisoformat(value["valid_from"]),
                    value=int(value["value"]),
                    reference=value.get("reference", ""),
                )
                changed += 1
    return changed


@transaction.atomic
def load(data_dir: Path) -> dict[str, dict[str, int]]:
    path = Path(data_dir) / FILENAME
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    parameters_changed = _load_parameters(raw.get("parameters", []))
    codes = set(Parameter.objects.values_list("code", flat=True))
    services = set(Service.objects.values_list("pk", flat=True))
    for row in raw.get("rule_versions", []):
        try:
            engine.validate(row["rule"], codes)
        except engine.RuleError as error:
            raise ValueError(f"{FILENAME}: {row['key']}: {error}") from error
        service_id = row["service"]
        if not any(str(pk) == service_id for pk in services):
            continue
        values = {
            "service_id": service_id,
            "valid_from": date.fromisoformat(row["valid_from"]),
            "valid_to": date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
            "reference": row.get("reference", ""),
            "rule": row["rule"],
        }
        examples = [
            (
                e["label"],
                e.get("facts", {}),
                date.fromisoformat(e["as_of"]),
                e["expected_status"],
                sorted(set(e.get("expected_failing", []))),
            )
            for e in row.get("examples", [])
        ]
        version = RuleVersion.objects.filter(reference_key=row["key"]).first()
        if version is not None:
            same = (
                all(
                    str(getattr(version, name)) == str(value)
                    if name == "service_id"
                    else getattr(version, name) == value
                    for name, value in values.items()
                )
                and [
                    (e.label, e.facts, e.as_of, e.expected_status, sorted(e.expected_failing))
                    for e in version.examples.all()
                ]
                == examples
            )
            if same:
                counts["unchanged"] += 1
                continue
            for name, value in values.items():
                setattr(version, name, value)
            version.version += 1
            version.save()
            counts["updated"] += 1
        else:
            version = RuleVersion.objects.create(
                reference_key=row["key"],
                state=RuleState.PUBLISHED,
                published_at=timezone.now(),
                **values,
            )
            counts["created"] += 1
        version.examples.all().delete()
        Example.objects.bulk_create(
            Example(
                rule_version=version,
                label=label,
                facts=facts,
                as_of=as_of,
                expected_status=status,
                expected_failing=failing,
                position=position,
            )
            for position, (label, facts, as_of, status, failing) in enumerate(examples)
        )
        failing_examples = _examples_fail(version)
        if failing_examples:
            raise ValueError(f"{FILENAME}: {row['key']}: " + "; ".join(failing_examples))
        if version.overlapping().exists():
            raise ValueError(f"{FILENAME}: {row['key']}: overlaps another published version")
    if counts["created"] or counts["updated"] or parameters_changed:
        audit.record(
            action=AuditAction.UPDATE,
            object_type="eligibility.reference",
            object_id=FILENAME,
            actor_username="load_reference",
            details={**counts, "parameters": parameters_changed},
        )
    return {FILENAME: counts}
