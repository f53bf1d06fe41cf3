"""Reads that put decisions next to directory services: the services answering a case's
needs, with the person's eligibility and the nearest locations first."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch

from mouwakaba.directory.models import (
    Location,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
    need_term_id,
)
from mouwakaba.people.models import Person
from mouwakaba.territories.models import Territory

from .decisions import Decision, decide_facts, facts_of
from .engine import ELIGIBLE, NOT_ELIGIBLE, TO_VERIFY

STATUS_ORDER = {ELIGIBLE: 0, TO_VERIFY: 1, NOT_ELIGIBLE: 2}


@dataclass
class Place:
    link: ServiceAtLocation
    rank: int  # 0 same commune, 1 same province, 2 same region, 3 elsewhere
    distance_km: float | None = None

    @property
    def location(self) -> Location:
        return self.link.location


@dataclass
class ServiceLine:
    service: Service
    decision: Decision
    places: list[Place] = field(default_factory=list)

    @property
    def nearest_rank(self) -> int:
        return self.places[0].rank if self.places else 4


@dataclass
class NeedServices:
    domain: str
    label: Any
    lines: list[ServiceLine]


def _rank(commune: Territory | None, location: Location) -> int:
    if commune is None or location.commune is None:
        return 3
    if location.commune_id == commune.pk:
        return 0
    person_codes = commune.path.strip("/").split("/")
    place_codes = location.commune.path.strip("/").split("/")
    if len(person_codes) >= 2 and place_codes[:2] == person_codes[:2]:
        return 1
    if person_codes[:1] == place_codes[:1]:
        return 2
    return 3


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(h))


def _commune_point(commune: Territory | None) -> tuple[float, float] | None:
    """Territories carry no coordinates: the point of a commune is the mean of its located
    directory locations, when it has some."""
    if commune is None:
        return None
    rows = [
        (float(lat), float(lon))
        for lat, lon in Location.objects.filter(commune=commune).values_list(
            "latitude", "longitude"
        )
        if lat is not None and lon is not None
    ]
    if not rows:
        return None
    return (
        sum(lat for lat, _lon in rows) / len(rows),
        sum(lon for _lat, lon in rows) / len(rows),
    )


def services_for_needs(person: Person, domains: list[str], on: date) -> list[NeedServices]:
    """For each domain (in the given order, once each): the active services answering it,
    eligible first, then to verify, then not eligible; nearer services first within each.
    A constant number of queries."""
    domains = list(dict.fromkeys(domains))
    if not domains:
        return []
    term_ids = {need_term_id(domain): domain for domain in domains}
    services = list(
        Service.objects.filter(status=ServiceStatus.ACTIVE, taxonomy_terms__in=list(term_ids))
        .distinct()
        .select_related("organization")
        .prefetch_related(
            Prefetch("taxonomy_terms", TaxonomyTerm.objects.filter(pk__in=list(term_ids))),
            Prefetch(
                "service_at_locations",
                ServiceAtLocation.objects.select_related("location__commune"),
            ),
        )
    )
    commune = person.commune
    point = _commune_point(commune)
    decisions = decide_facts(facts_of(person), [s.pk for s in services], on)
    by_domain: dict[str, list[ServiceLine]] = {domain: [] for domain in domains}
    for service in services:
        places = []
        for link in service.service_at_locations.all():
            location = link.location
            distance = None
            if point is not None and location.has_coordinates:
                distance = _distance(point, (float(location.latitude), float(location.longitude)))  # type: ignore[arg-type]
            places.append(Place(link=link, rank=_rank(commune, location), distance_km=distance))
        places.sort(
            key=lambda p: (
                p.rank,
                p.distance_km if p.distance_km is not None else math.inf,
                p.location.name,
            )
        )
        line = ServiceLine(service=service, decision=decisions[service.pk], places=places)
        for term in service.taxonomy_terms.all():
            domain = term_ids.get(uuid.UUID(str(term.pk)))
            if domain is not None:
                by_domain[domain].append(line)
    from mouwakaba.core.domains import NeedDomain

    result = []
    for domain in domains:
        lines = sorted(
            by_domain[domain],
            key=lambda line: (
                STATUS_ORDER[line.decision.status],
                line.nearest_rank,
                line.places[0].distance_km
                if line.places and line.places[0].distance_km is not None
                else math.inf,
                line.service.name,
            ),
        )
        label = NeedDomain(domain).label if domain in NeedDomain.values else domain
        result.append(NeedServices(domain=domain, label=label, lines=lines))
    return result
