"""Demo cases for the demo persons: most persons have one case at the cell that registered
them, with one to three needs, a status mix, tasks (some overdue) and notes."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from mouwakaba.core import audit
from mouwakaba.core.domains import NeedDomain
from mouwakaba.core.models import AuditAction
from mouwakaba.people.models import Person, PersonAccess

from .actions import new_reference
from .models import Case, CaseEvent, CaseStatus, EventKind, Need, NeedStatus, Task

BATCH = 2000

# How often each domain is expressed, roughly as cells of the region report it.
DOMAIN_WEIGHTS = {
    NeedDomain.PAPERS: 22,
    NeedDomain.CIVIL_STATUS: 14,
    NeedDomain.HEALTH: 16,
    NeedDomain.EDUCATION: 8,
    NeedDomain.EMPLOYMENT: 10,
    NeedDomain.SOCIAL_PROTECTION: 7,
    NeedDomain.HOUSING: 6,
    NeedDomain.LEGAL_AID: 6,
    NeedDomain.ECONOMIC: 5,
    NeedDomain.PSYCHOSOCIAL: 4,
    NeedDomain.OTHER: 2,
}
TASKS = ["Call back", "Appointment at the service", "Collect the documents", "Follow-up visit"]


def build(*, persons: int, rng: random.Random, stdout: Any) -> str:
    seed = rng.random()  # drawn first, always, so that a second run decides the same way
    without = Person.objects.filter(cases__isnull=True).order_by("created_at", "id")
    total = without.count()
    if not total:
        return "every demo person already has a case"
    created = 0
    ids = list(without.values_list("id", flat=True))
    with tqdm(total=total, desc="cases", unit="c", disable=total < 500) as bar:
        for start in range(0, total, BATCH):
            created += _create_batch(seed, ids[start : start + BATCH])
            bar.update(min(BATCH, total - start))
    audit.record(
        action=AuditAction.CREATE,
        object_type="cases.case",
        actor_username="load_demo",
        details={"demo_cases": created},
    )
    return f"{created} demo cases created"


@transaction.atomic
def _create_batch(seed: float, ids: list[Any]) -> int:
    people = Person.objects.filter(id__in=ids).order_by("created_at", "id")
    cases, needs, tasks, events = [], [], [], []
    today = timezone.localdate()
    domains, weights = zip(*DOMAIN_WEIGHTS.items(), strict=True)
    for person in people:
        rng = random.Random(f"{seed}:{person.pk}")  # noqa: S311 - demo data
        if rng.random() < 0.1:
            continue  # registered, no case (yet)
        opened = person.created_at + timedelta(minutes=rng.randrange(30))
        draw = rng.random()
        status = (
            CaseStatus.OPEN
            if draw < 0.3
            else CaseStatus.IN_PROGRESS
            if draw < 0.7
            else CaseStatus.CLOSED
        )
        case = Case(
            reference=new_reference(),
            person=person,
            cell_id=person.registered_by_cell_id,
            **person.copies_for_cases(),
            opened_by_id=person.registered_by_id,
            assigned_to_id=person.registered_by_id,
            opened_at=opened,
            updated_at=opened,
            status=status,
        )
        if status == CaseStatus.CLOSED:
            case.closed_at = min(timezone.now(), opened + timedelta(days=rng.randrange(1, 90)))
            case.outcome = rng.choice(
                ["resolved", "resolved", "partly_resolved", "not_resolved", "no_contact"]
            )
            case.closure_reason = "Demo"
        cases.append(case)
        chosen = set(rng.choices(domains, weights=weights, k=rng.randint(1, 3)))
        for domain in chosen:
            need_status = (
                rng.choice([NeedStatus.MET, NeedStatus.MET, NeedStatus.NOT_MET])
                if status == CaseStatus.CLOSED
                else rng.choice([NeedStatus.OPEN, NeedStatus.IN_PROGRESS, NeedStatus.MET])
            )
            needs.append(
                Need(
                    case=case,
                    domain=domain,
                    status=need_status,
                    created_at=opened,
                    updated_at=opened,
                )
            )
        if status != CaseStatus.CLOSED and rng.random() < 0.6:
            due = today + timedelta(days=rng.randint(-20, 20))
            tasks.append(
                Task(
                    case=case,
                    title=rng.choice(TASKS),
                    due_on=due,
                    created_by_id=person.registered_by_id,
                    assigned_to_id=person.registered_by_id,
                    created_at=opened,
                )
            )
        events.append(
            CaseEvent(
                case=case,
                at=opened,
                actor_id=person.registered_by_id,
                cell_id=case.cell_id,
                kind=EventKind.OPENED,
            )
        )
    Case.objects.bulk_create(cases)
    Need.objects.bulk_create(needs)
    Task.objects.bulk_create(tasks)
    CaseEvent.objects.bulk_create(events)
    PersonAccess.objects.filter(person__in=[c.person_id for c in cases]).update(holds_case=True)
    return len(cases)
