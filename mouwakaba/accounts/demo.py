"""The demo accounts of DESIGN.md, from ``data/demo/accounts.csv``."""

from __future__ import annotations

import csv
import random
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction
from mouwakaba.territories.models import Cell, Territory

from .models import Membership, Role, User

DEMO_PASSWORD = "mouwakaba-demo"  # noqa: S105 - published on purpose, development only


@transaction.atomic
def build(*, persons: int, rng: random.Random, stdout: Any) -> str:
    path = settings.DATA_DIR / "demo" / "accounts.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    created = 0
    for row in rows:
        user, was_created = User.objects.get_or_create(
            username=row["username"],
            defaults={
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "language": row["language"],
                "email": f"{row['username']}@demo.mouwakaba.invalid",
                "is_staff": row["staff"] == "yes",
                "is_superuser": row["staff"] == "yes",
            },
        )
        if was_created:
            # Only on creation: a second run must change nothing (not even the hash).
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
            audit.record(action=AuditAction.CREATE, target=user, actor_username="load_demo")
        ensure_membership(
            user,
            role=Role(row["role"]),
            cell=Cell.objects.get(code=row["cell"]) if row["cell"] else None,
            territory=Territory.objects.get(code=row["territory"]) if row["territory"] else None,
            organization=UUID(row["organization"]) if row["organization"] else None,
        )
    return f"{created} demo accounts created, {len(rows) - created} already there"


def ensure_membership(
    user: User,
    *,
    role: Role,
    cell: Cell | None,
    territory: Territory | None,
    organization: UUID | None,
) -> Membership:
    wanted = {"role": role, "cell": cell, "territory": territory, "organization": organization}
    current = Membership.objects.filter(user=user, ends_on__isnull=True).first()
    if current is not None:
        if all(getattr(current, key) == value for key, value in wanted.items()):
            return current
        current.ends_on = current.starts_on
        current.save(update_fields=["ends_on"])
    membership = Membership.objects.create(user=user, **wanted)
    audit.record(action=AuditAction.CREATE, target=membership, actor_username="load_demo")
    return membership
