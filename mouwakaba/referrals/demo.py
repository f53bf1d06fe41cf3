"""Demo referrals for the demo cases: about one active case in three refers one of its
needs, in every state of the flow — drafts, waiting (some past their delay), accepted,
declined, delivered, not delivered, expired. Health needs of the Oujda-Angad cases go to
the regional hospital of Oujda, whose focal point is the demo account ``focal_health``.

Deterministic for a seed (each case decides from its person's id, which the people demo
keeps stable) and idempotent: a case that already has a referral is left alone.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from mouwakaba.cases.models import ACTIVE_STATUSES, Case, Need, NeedStatus
from mouwakaba.core import audit
from mouwakaba.core.domains import NeedDomain
from mouwakaba.core.models import AuditAction
from mouwakaba.directory.models import Organization, Service, ServiceAtLocation, need_term_id
from mouwakaba.eligibility.decisions import decide

from .actions import new_code
from .models import Referral, ReferralEvent, ReferralStatus
from .workdays import add_working_days

HOSPITAL = UUID("7d1f0c6e-2b4a-4f8e-9c1d-0a5b3e6f9a21")
MAX_REFERRALS = 200
STATES = [
    (ReferralStatus.DRAFT, 8),
    (ReferralStatus.SENT, 14),
    ("late", 8),  # sent, past its delay (the daily command has not run)
    (ReferralStatus.ACCEPTED, 18),
    (ReferralStatus.DECLINED, 8),
    (ReferralStatus.COMPLETED, 30),
    (ReferralStatus.NOT_DELIVERED, 6),
    (ReferralStatus.EXPIRED, 8),
]
OUTCOMES = ["Consultation done", "Appointment given and kept", "Certificate issued"]
REASONS = ["No more places this month", "The person did not come", "Outside our area"]


def build(*, persons: int, rng: random.Random, stdout: Any) -> str:
    seed = rng.random()  # drawn first, always, so that a second run decides the same way
    cases = list(
        Case.objects.filter(status__in=ACTIVE_STATUSES, referrals__isnull=True)
        .select_related("person__commune", "cell__territory")
        .prefetch_related("person__documents")
        .order_by("person_id")
    )
    if not cases:
        return "no case to refer"
    places = _places_by_domain()
    if not places:
        return "no service in the directory: load the reference data first"
    # A cap on the whole demo, not on one run, so that a second run adds nothing.
    room = MAX_REFERRALS - Referral.objects.count()
    created = 0
    with transaction.atomic():
        for case in cases:
            if created >= room:
                break
            case_rng = random.Random(f"{seed}:{case.person_id}")  # noqa: S311 - demo data
            in_oujda = "MA-OUJ" in case.cell.territory.path.split("/")
            if case_rng.random() > (0.7 if in_oujda else 0.3):
                continue
            if _refer(case, places, case_rng):
                created += 1
    audit.record(
        action=AuditAction.CREATE,
        object_type="referrals.referral",
        actor_username="load_demo",
        details={"demo_referrals": created},
    )
    return f"{created} demo referrals created"


def _places_by_domain() -> dict[str, list[ServiceAtLocation]]:
    """Need domain → places of active services answering it (hospital first)."""
    found: dict[str, list[ServiceAtLocation]] = {}
    links = Service.taxonomy_terms.through.objects.values_list("service_id", "taxonomyterm_id")
    domains_of: dict[Any, set[Any]] = {}
    for service_id, term_id in links:
        domains_of.setdefault(service_id, set()).add(term_id)
    places = (
        ServiceAtLocation.objects.filter(service__status="active")
        .select_related("service__organization", "location__commune")
        .order_by("service_id", "location_id")
    )
    for place in places:
        for domain in NeedDomain.values:
            if need_term_id(domain) in domains_of.get(place.service_id, set()):
                found.setdefault(domain, []).append(place)
    for domain_places in found.values():
        domain_places.sort(key=lambda p: (p.service.organization_id != HOSPITAL, str(p.pk)))
    return found


_ANSWERERS: dict[Any, int | None] = {}


def _answerer(organization: Organization) -> int | None:
    """The focal point who answers for the organisation in the demo (None: nobody has
    the role yet, the answer is recorded without an actor)."""
    if organization.pk not in _ANSWERERS:
        first = organization.focal_points().first()
        _ANSWERERS[organization.pk] = first.pk if first else None
    return _ANSWERERS[organization.pk]


def _refer(case: Case, places: dict[str, list[ServiceAtLocation]], rng: random.Random) -> bool:
    needs = [
        need
        for need in Need.objects.filter(
            case=case, status__in=[NeedStatus.OPEN, NeedStatus.IN_PROGRESS]
        )
        if places.get(need.domain)
    ]
    if not needs:
        return False
    in_oujda = "MA-OUJ" in case.cell.territory.path.split("/")
    health = [need for need in needs if need.domain == "health"]
    hospital = [p for p in places.get("health", []) if p.service.organization_id == HOSPITAL]
    if in_oujda and health and hospital:
        # The regional hospital of Oujda: its focal point is the demo account focal_health.
        need = health[0]
        place = rng.choice(hospital)
    else:
        need = rng.choice(needs)
        place = rng.choice(places[need.domain])
    service = place.service
    answerer = _answerer(service.organization)
    state = rng.choices([s for s, _w in STATES], weights=[w for _s, w in STATES])[0]
    now = timezone.now()
    decision = decide(case.person, service)
    # Made within the last 60 days, after the case opened, never in the future.
    created_at = min(now - timedelta(hours=1), max(case.opened_at, now - timedelta(days=60)))
    referral = Referral(
        code=new_code(),
        case=case,
        need=need,
        service=service,
        service_at_location=place,
        cell_id=case.cell_id,
        created_by_id=case.opened_by_id,
        created_at=created_at,
        eligibility_status=decision.status,
        eligibility=decision.as_record(),
        justification="Demo: referred despite the rules"
        if decision.status == "not_eligible"
        else "",
    )
    events: list[tuple[datetime, str, str, int | None, str]] = [
        (created_at, "", ReferralStatus.DRAFT, case.opened_by_id, "")
    ]
    if state != ReferralStatus.DRAFT:
        sent_at = min(now, created_at + timedelta(hours=rng.randint(1, 8)))
        referral.sent_at = sent_at
        referral.due_on = add_working_days(timezone.localdate(sent_at), service.answer_delay_days)
        if referral.due_on >= timezone.localdate() and state in ("late", ReferralStatus.EXPIRED):
            state = ReferralStatus.SENT  # too recent to be late
        referral.addressed_to_id = service.organization_id
        referral.status = ReferralStatus.SENT
        events.append((sent_at, ReferralStatus.DRAFT, ReferralStatus.SENT, case.opened_by_id, ""))
        answered = min(now, sent_at + timedelta(hours=rng.randint(2, 40)))
        if state == ReferralStatus.EXPIRED:
            referral.status = ReferralStatus.EXPIRED
            referral.closed_at = now - timedelta(days=1)
            events.append((referral.closed_at, ReferralStatus.SENT, state, None, ""))
        elif state in (ReferralStatus.DECLINED,):
            referral.status = state
            referral.answered_at = referral.closed_at = answered
            referral.reason = rng.choice(REASONS)
            events.append((answered, ReferralStatus.SENT, state, answerer, referral.reason))
        elif state in (
            ReferralStatus.ACCEPTED,
            ReferralStatus.COMPLETED,
            ReferralStatus.NOT_DELIVERED,
        ):
            referral.status = ReferralStatus.ACCEPTED
            referral.answered_at = answered
            events.append((answered, ReferralStatus.SENT, ReferralStatus.ACCEPTED, answerer, ""))
            if state != ReferralStatus.ACCEPTED:
                closed = min(now, answered + timedelta(days=rng.randint(1, 5)))
                referral.status = state
                referral.closed_at = closed
                if state == ReferralStatus.COMPLETED:
                    referral.delivered_on = timezone.localdate(closed)
                    referral.outcome = rng.choice(OUTCOMES)
                    note = referral.outcome
                else:
                    referral.reason = rng.choice(REASONS)
                    note = referral.reason
                events.append((closed, ReferralStatus.ACCEPTED, state, answerer, note))
    referral.version = len(events)
    referral.save()
    ReferralEvent.objects.bulk_create(
        ReferralEvent(
            referral=referral, at=at, from_status=before, to_status=after, actor_id=actor, note=note
        )
        for at, before, after, actor, note in events
    )
    if referral.status == ReferralStatus.COMPLETED:
        Need.objects.filter(pk=need.pk).update(status=NeedStatus.MET, updated_at=now)
    return True
