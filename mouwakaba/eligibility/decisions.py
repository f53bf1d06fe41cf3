"""Eligibility of a person for services: the contract other apps rely on.

``decide(person, service, on)`` and ``decide_all(person, on, services)`` evaluate the rule
version in force on ``on`` (today by default) with :mod:`.engine` and return a
:class:`Decision`: the status, one reason per criterion, what to obtain, the rule version
used and the facts read, so that a referral can store it (``as_record()``) and a past
decision can be replayed. A service with no rule version in force has no conditions: it
is eligible, without reasons.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone, translation

from mouwakaba.directory.models import Service, ServiceStatus
from mouwakaba.people.models import Person

from . import engine, vocabulary
from .engine import Reason
from .models import ParameterValue, RuleVersion, parameters_on

__all__ = ["Decision", "Reason", "decide", "decide_all", "facts_of"]

RECORD_LANGUAGES = ("ar", "fr", "en")


@dataclass(frozen=True)
class Decision:
    status: str
    reasons: list[Reason] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    rule_version_id: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    on: date | None = None
    failing: list[str] = field(default_factory=list)
    # the lazy "to obtain" hints, to render in each language of a record
    hints: list[Any] = field(default_factory=list, compare=False, repr=False)

    @property
    def status_label(self) -> str:
        return str(engine.STATUS_LABELS[self.status])

    def as_record(self) -> dict[str, Any]:
        """JSON for storing with a referral: messages in Arabic, French and English."""
        reasons = []
        for reason in self.reasons:
            messages = {}
            hints = {}
            for language in RECORD_LANGUAGES:
                with translation.override(language):
                    messages[language] = str(reason.text or reason.message)
                    hints[language] = str(reason.hint) if reason.hint else ""
            reasons.append(
                {
                    "criterion": reason.criterion,
                    "result": reason.result,
                    "expected": reason.expected,
                    "found": reason.found,
                    "blocking": reason.blocking,
                    "message": messages,
                    "to_obtain": hints,
                }
            )
        missing = {}
        for language in RECORD_LANGUAGES:
            with translation.override(language):
                missing[language] = [str(hint) for hint in self.hints] or list(self.missing)
        return {
            "status": self.status,
            "rule_version_id": self.rule_version_id,
            "on": self.on.isoformat() if self.on else None,
            "facts": self.facts,
            "reasons": reasons,
            "missing": missing,
            "failing": self.failing,
        }


def facts_of(person: Person) -> engine.Facts:
    """The engine's facts for a person (reads documents and commune; prefetch them)."""
    commune = person.commune
    return engine.Facts(
        population=person.population or None,
        legal_status=person.legal_status or None,
        legal_status_until=person.legal_status_until,
        sex=person.sex or None,
        birth_date=person.birth_date,
        birth_year=person.birth_year,
        birth_date_approximate=person.birth_date_approximate,
        nationality=str(person.nationality) or None,
        commune_path=commune.path if commune is not None else None,
        documents=tuple((doc.doc_type, doc.expires_on) for doc in person.documents.all()),
        in_morocco_since=person.in_morocco_since,
        vulnerabilities={flag: bool(getattr(person, flag)) for flag in engine.VULNERABILITY_FLAGS},
    )


def remember_territories(codes: Iterable[str]) -> None:
    """Load the names of territories that rules name (once per process, for messages)."""
    from mouwakaba.territories.models import Territory

    wanted = {code for code in codes if code not in vocabulary.TERRITORY_NAMES}
    if not wanted:
        return
    for code, ar, fr, en in Territory.objects.filter(code__in=wanted).values_list(
        "code", "name_ar", "name_fr", "name_en"
    ):
        vocabulary.TERRITORY_NAMES[code] = {"ar": ar, "fr": fr, "en": en or fr}


def _territory_codes(rule: Any) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "lives_in":
                found.update(str(code) for code in node.get("territories") or [])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(rule)
    return found


class _State:
    """What was read for one state of the rules, parameters and services."""

    MAX_DATES = 64

    def __init__(self, key: tuple[Any, ...]) -> None:
        self.key = key
        self.rules: dict[date, dict[Any, tuple[int, Any]]] = {}
        self.params: dict[date, dict[str, int]] = {}
        self.services: list[uuid.UUID] | None = None

    def rules_on(self, on: date) -> dict[Any, tuple[int, Any]]:
        if on not in self.rules:
            if len(self.rules) >= self.MAX_DATES:
                self.rules.clear()
            self.rules[on] = _read_rules(on)
        return self.rules[on]

    def params_on(self, on: date) -> dict[str, int]:
        if on not in self.params:
            if len(self.params) >= self.MAX_DATES:
                self.params.clear()
            self.params[on] = parameters_on(on)
        return self.params[on]

    def active_services(self) -> list[uuid.UUID]:
        if self.services is None:
            self.services = list(
                Service.objects.filter(status=ServiceStatus.ACTIVE)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        return self.services


class _Cache:
    """Rules, parameters and active services, read once per process and per date, and
    read again as soon as any of them changed: one small query checks that (the latest
    change and the number of rows of each table), so that every app server sees a
    publication at once without a shared cache. A new state is a new object, so that a
    thread still reading the old one never mixes the two."""

    def __init__(self) -> None:
        self.state: _State | None = None

    def current(self) -> _State:
        tables = [
            (RuleVersion._meta.db_table, "updated_at"),
            (ParameterValue._meta.db_table, "updated_at"),
            (Service._meta.db_table, "updated_at"),
        ]
        parts = ", ".join(
            f"(SELECT MAX({column}) FROM {table}), (SELECT COUNT(*) FROM {table})"  # noqa: S608
            for table, column in tables
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {parts}")  # table names from the models, no input
            key = (connection.alias, *(cursor.fetchone() or ()))
        state = self.state
        if state is None or state.key != key:
            state = self.state = _State(key)
        return state


_cache = _Cache()


def _read_rules(on: date) -> dict[Any, tuple[int, Any]]:
    found: dict[Any, tuple[int, Any]] = {}
    codes: set[str] = set()
    # Overlaps are refused at publication; should two meet anyway, the latest start wins.
    for pk, service_id, rule in (
        RuleVersion.objects.in_force(on)
        .order_by("valid_from", "pk")
        .values_list("pk", "service_id", "rule")
    ):
        found[service_id] = (pk, rule)
        codes |= _territory_codes(rule)
    remember_territories(codes)
    return found


def rules_in_force(
    on: date, service_ids: Iterable[uuid.UUID] | None = None, state: _State | None = None
) -> dict[Any, Any]:
    """service id → (rule version id, rule) in force on ``on``."""
    found = (state or _cache.current()).rules_on(on)
    if service_ids is None:
        return dict(found)
    return {pk: found[pk] for pk in service_ids if pk in found}


def _decision(
    rule_entry: tuple[int, Any] | None,
    facts: engine.Facts,
    facts_json: dict[str, Any],
    on: date,
    params: dict[str, Any],
) -> Decision:
    if rule_entry is None:
        return Decision(status=engine.ELIGIBLE, facts={}, on=on)
    pk, rule = rule_entry
    result = engine.evaluate(rule, facts, on, params)
    return Decision(
        status=result.status,
        reasons=result.reasons,
        missing=result.missing,
        rule_version_id=pk,
        facts=engine.facts_used(rule, facts_json),
        on=on,
        failing=result.failing,
        hints=[reason.hint for reason in result.reasons if reason.hint],
    )


def decide(person: Person, service: Service, on: date | None = None) -> Decision:
    """The person's eligibility for the service as of ``on`` (today by default)."""
    day = on or timezone.localdate()
    state = _cache.current()
    facts = facts_of(person)
    entry = rules_in_force(day, [service.pk], state).get(service.pk)
    params = state.params_on(day) if entry and engine.parameters_used(entry[1]) else {}
    return _decision(entry, facts, facts.as_json(), day, params)


def decide_all(
    person: Person, on: date | None = None, services: Iterable[Service] | None = None
) -> dict[uuid.UUID, Decision]:
    """Service id → decision, for ``services`` (every active service by default).
    A constant number of queries, whatever the number of services."""
    day = on or timezone.localdate()
    state = _cache.current()
    if services is None:
        service_ids = state.active_services()
    else:
        service_ids = [service.pk for service in services]
    return decide_facts(facts_of(person), service_ids, day, state)


def decide_facts(
    facts: engine.Facts, service_ids: list[uuid.UUID], on: date, state: _State | None = None
) -> dict[uuid.UUID, Decision]:
    """Decisions for facts that are not a registered person (the public questionnaire)."""
    state = state or _cache.current()
    rules = rules_in_force(on, service_ids, state)
    used = any(engine.parameters_used(r) for _pk, r in rules.values())
    params = state.params_on(on) if used else {}
    facts_json = facts.as_json()
    return {pk: _decision(rules.get(pk), facts, facts_json, on, params) for pk in service_ids}
