"""A small world whose figures are counted by hand in the tests.

Cell A is the Oujda commune cell (prefecture MA-OUJ), cell B the Nador MRE cell
(province MA-NAD). The period under test is 2026-Q3 (1 July – 30 September 2026).

    person  sex born  population  legal status   nat. registered      case  cell opened       needs               closed
    P1      F   1990  foreign     refugee        SN   A 2026-07-05    c1    A    2026-07-10   health, papers      2026-09-15
                                                                      c7    A    2026-09-20   health
    P2      F   2015  foreign     asylum_seeker  CI   A 2026-08-01    c2    A    2026-08-01   education
    P3      M   1960  returnee    -              MA   A 2026-06-20    c3    A    2026-09-30   health
    P4      M   2004  mre         -              MA   B 2026-07-20    c4    B    2026-07-20   employment, health
    P5      F   1985  returnee    -              MA   B 2026-10-05    c5    B    2026-10-05   housing
    P6      M   1990  returnee    -              MA   A 2026-05-01    c6    A    2026-06-30   papers              2026-08-10

Ages at the end of 2026: P1 36 (25-59), P2 11 (0-17), P3 66 (60+), P4 22 (18-24).

Tasks: c1 due 08-01 never done (but c1 closed 09-15); c2 due 09-01 never done; c3 due
10-10; c4 due 09-10 done 09-05; c7 due 09-25 done 10-02.

Transfers: c4 B→A accepted 2026-08-15; c2 A→B requested 08-20, still waiting;
c3 A→B accepted 2026-10-03.

Referrals (health services answer health only, the education one education only):

    ref  case need       cell status     sent        delivered   closed
    r1   c1   health     A    completed  2026-07-12  2026-07-22  2026-07-22
    r2   c2   education  A    completed  2026-08-02  2026-08-06  2026-08-06
    r3   c4   health     B    expired    2026-07-25  -           2026-08-10
    r4   c7   health     A    accepted   2026-09-21  -           -
    r5   c3   health     A    completed  2026-06-25  2026-07-05  2026-07-05
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from mouwakaba.accounts.models import User
from mouwakaba.accounts.tests.factories import Personas
from mouwakaba.cases.models import Case, CaseStatus, Need, Task, Transfer
from mouwakaba.cases.tests.factories import make_case
from mouwakaba.indicators import compute
from mouwakaba.people.models import Person

_codes = itertools.count(1)


def at(day: str, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02d}:00"))


def referrals_ready() -> bool:
    """The referrals app has its table (its helper may not have generated it yet)."""
    model = compute.referral_model()
    return model is not None and model._meta.db_table in connection.introspection.table_names()


@dataclass
class World:
    cases: dict[str, Case] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    referrals: dict[str, Any] = field(default_factory=dict)


def _person(agent: User, registered: str, **values: Any) -> Person:
    from mouwakaba.people.tests.factories import make_person

    person = make_person(agent, **values)
    Person.objects.filter(pk=person.pk).update(created_at=at(registered))
    return person


def _case(
    agent: User,
    person: Person,
    opened: datetime,
    domains: list[str],
    closed: str | None = None,
) -> Case:
    case = make_case(agent, person=person, needs=[(domain, "") for domain in domains])
    changes: dict[str, Any] = {"opened_at": opened}
    if closed:
        changes.update(status=CaseStatus.CLOSED, closed_at=at(closed), outcome="resolved")
    Case.objects.filter(pk=case.pk).update(**changes)
    Need.objects.filter(case=case).update(created_at=opened)
    case.refresh_from_db()
    return case


def _task(case: Case, by: User, due: str, done: str | None = None) -> None:
    Task.objects.create(
        case=case,
        title="follow-up",
        due_on=date.fromisoformat(due),
        done_at=at(done) if done else None,
        created_at=case.opened_at,
        created_by=by,
    )


def build(personas: Personas) -> World:
    a, b = personas.agent_a, personas.agent_b
    world = World()
    p = world.persons
    p["P1"] = _person(
        a,
        "2026-07-05",
        sex="F",
        birth_date=date(1990, 3, 1),
        population="foreign",
        legal_status="refugee",
        nationality="SN",
    )
    p["P2"] = _person(
        a,
        "2026-08-01",
        sex="F",
        birth_date=date(2015, 6, 1),
        population="foreign",
        legal_status="asylum_seeker",
        nationality="CI",
    )
    p["P3"] = _person(a, "2026-06-20", sex="M", birth_date=date(1960, 1, 1), population="returnee")
    p["P4"] = _person(b, "2026-07-20", sex="M", birth_date=date(2004, 2, 2), population="mre")
    p["P5"] = _person(b, "2026-10-05", sex="F", birth_date=date(1985, 4, 4), population="returnee")
    p["P6"] = _person(a, "2026-05-01", sex="M", birth_date=date(1990, 5, 5), population="returnee")
    c = world.cases
    c["c1"] = _case(a, p["P1"], at("2026-07-10"), ["health", "papers"], closed="2026-09-15")
    c["c7"] = _case(a, p["P1"], at("2026-09-20"), ["health"])
    c["c2"] = _case(a, p["P2"], at("2026-08-01"), ["education"])
    c["c3"] = _case(a, p["P3"], at("2026-09-30", 22), ["health"])
    c["c4"] = _case(b, p["P4"], at("2026-07-20"), ["employment", "health"])
    c["c5"] = _case(b, p["P5"], at("2026-10-05"), ["housing"])
    c["c6"] = _case(a, p["P6"], at("2026-06-30"), ["papers"], closed="2026-08-10")
    _task(c["c1"], a, "2026-08-01")
    _task(c["c2"], a, "2026-09-01")
    _task(c["c3"], a, "2026-10-10")
    _task(c["c4"], b, "2026-09-10", done="2026-09-05")
    _task(c["c7"], a, "2026-09-25", done="2026-10-02")
    cell_a, cell_b = personas.cell_a, personas.cell_b
    Transfer.objects.create(
        case=c["c4"],
        from_cell=cell_b,
        to_cell=cell_a,
        reason="moved",
        status="accepted",
        requested_by=b,
        requested_at=at("2026-08-14"),
        decided_by=a,
        decided_at=at("2026-08-15"),
    )
    Transfer.objects.create(
        case=c["c2"],
        from_cell=cell_a,
        to_cell=cell_b,
        reason="moved",
        requested_by=a,
        requested_at=at("2026-08-20"),
    )
    Transfer.objects.create(
        case=c["c3"],
        from_cell=cell_a,
        to_cell=cell_b,
        reason="moved",
        status="accepted",
        requested_by=a,
        requested_at=at("2026-10-01"),
        decided_by=b,
        decided_at=at("2026-10-03"),
    )
    if referrals_ready():
        _referrals(world, personas)
    return world


def _referrals(world: World, personas: Personas) -> None:
    from mouwakaba.directory.models import Service, ServiceAtLocation, TaxonomyTerm, need_term_id
    from mouwakaba.referrals.models import Referral

    def service_for(domain: str) -> tuple[Service, ServiceAtLocation]:
        at_location = (
            ServiceAtLocation.objects.filter(service__in=Service.objects.for_domain(domain))
            .select_related("service")
            .order_by("pk")
            .first()
        )
        assert at_location is not None, f"the reference directory has a {domain} service"
        service = at_location.service
        service.taxonomy_terms.set([TaxonomyTerm.objects.get(pk=need_term_id(domain))])
        return service, at_location

    health, education = service_for("health"), service_for("education")
    c = world.cases
    cell_a, cell_b = personas.cell_a, personas.cell_b
    rows = [
        ("r1", "c1", "health", cell_a, "completed", "2026-07-12", "2026-07-22", "2026-07-22"),
        ("r2", "c2", "education", cell_a, "completed", "2026-08-02", "2026-08-06", "2026-08-06"),
        ("r3", "c4", "health", cell_b, "expired", "2026-07-25", None, "2026-08-10"),
        ("r4", "c7", "health", cell_a, "accepted", "2026-09-21", None, None),
        ("r5", "c3", "health", cell_a, "completed", "2026-06-25", "2026-07-05", "2026-07-05"),
    ]
    for name, case_name, domain, cell, status, sent, delivered, closed in rows:
        case = c[case_name]
        service, at_location = health if domain == "health" else education
        world.referrals[name] = Referral.objects.create(
            code=f"T{next(_codes):05d}",
            case=case,
            need=case.needs.get(domain=domain),
            service=service,
            service_at_location=at_location,
            cell=cell,
            created_by=personas.agent_a,
            status=status,
            sent_at=at(sent),
            delivered_on=date.fromisoformat(delivered) if delivered else None,
            closed_at=at(closed) if closed else None,
        )
