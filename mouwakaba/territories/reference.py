"""Loading the territories, cell types and cells of a deployment from its data files.

The files are the source of truth; loading is idempotent: a second run with the same
files changes nothing, and a changed row is updated in place (codes are stable ids).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import models, transaction

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction

from .models import PARENT_LEVEL, Cell, CellType, Level, Territory


class ReferenceDataError(ValueError):
    """A data file says something impossible; nothing of it was loaded."""


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> str:
    """Create or update one row; returns "created", "updated" or "unchanged"."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        model._default_manager.create(**lookup, **values)
        return "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=[*changed, "updated_at"])
    return "updated"


def _tally(outcomes: Iterable[str]) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for outcome in outcomes:
        counts[outcome] += 1
    return counts


@transaction.atomic
def load_territories(rows: list[dict[str, str]]) -> dict[str, int]:
    """Rows are ordered parents first (region, then provinces, then communes)."""
    by_code: dict[str, Territory] = {t.code: t for t in Territory.objects.all()}
    outcomes = []
    for number, row in enumerate(rows, start=2):
        level = row["level"]
        if level not in Level.values:
            raise ReferenceDataError(f"line {number}: unknown level {level!r}")
        parent = None
        if level != Level.REGION:
            parent = by_code.get(row["parent_code"])
            if parent is None or parent.level != PARENT_LEVEL[Level(level)]:
                raise ReferenceDataError(f"line {number}: bad parent {row['parent_code']!r}")
        territory = Territory(code=row["code"], parent=parent)
        values = {
            "level": level,
            "kind": row["kind"],
            "parent": parent,
            "name_ar": row["name_ar"],
            "name_fr": row["name_fr"],
            "name_en": row.get("name_en", ""),
            "is_main": row.get("main", "") == "yes",
            "path": territory.compute_path(),
        }
        outcomes.append(_upsert(Territory, {"code": row["code"]}, values))
        by_code[row["code"]] = Territory.objects.get(code=row["code"])
    return _tally(outcomes)


@transaction.atomic
def load_cell_types(rows: list[dict[str, str]]) -> dict[str, int]:
    outcomes = []
    for row in rows:
        values = {
            "level": row["level"],
            "name_ar": row["name_ar"],
            "name_fr": row["name_fr"],
            "name_en": row["name_en"],
            "mission_ar": row["mission_ar"],
            "mission_fr": row["mission_fr"],
            "mission_en": row["mission_en"],
            "receives_persons": row["receives_persons"] == "yes",
        }
        outcomes.append(_upsert(CellType, {"code": row["code"]}, values))
    return _tally(outcomes)


@transaction.atomic
def load_cells(rows: list[dict[str, str]]) -> dict[str, int]:
    types = {t.code: t for t in CellType.objects.all()}
    territories = {t.code: t for t in Territory.objects.all()}
    outcomes = []
    for number, row in enumerate(rows, start=2):
        cell_type = types.get(row["cell_type"])
        territory = territories.get(row["territory"])
        if cell_type is None or territory is None:
            raise ReferenceDataError(f"line {number}: unknown cell type or territory")
        if territory.level != cell_type.level:
            raise ReferenceDataError(
                f"line {number}: a {cell_type.code} cell sits at the {cell_type.level} level"
            )
        values = {
            "cell_type": cell_type,
            "territory": territory,
            "name_ar": row["name_ar"],
            "name_fr": row["name_fr"],
            "name_en": row["name_en"],
            "address": row.get("address", ""),
            "phone": row.get("phone", ""),
            "email": row.get("email", ""),
        }
        outcomes.append(_upsert(Cell, {"code": row["code"]}, values))
    return _tally(outcomes)


def load(data_dir: Path) -> dict[str, dict[str, int]]:
    """Load this app's reference data from ``data_dir``; one audit event per changed file."""
    report: dict[str, dict[str, int]] = {}
    steps = [
        ("territories.csv", load_territories),
        ("cell_types.csv", load_cell_types),
        ("cells.csv", load_cells),
    ]
    for filename, loader in steps:
        with transaction.atomic():
            counts = loader(read_csv(data_dir / filename))
            if counts["created"] or counts["updated"]:
                audit.record(
                    action=AuditAction.UPDATE,
                    object_type="reference",
                    object_id=filename,
                    actor_username="load_reference",
                    details=counts,
                )
        report[filename] = counts
    return report
