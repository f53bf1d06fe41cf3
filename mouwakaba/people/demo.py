"""Demo persons at any volume, for trying the product and for benchmarks.

Deterministic for a seed: person number k is always the same person, so that a second
run creates only the persons still missing (none, if the number did not grow). Rows are
bulk-inserted with the same invariants as the registration operation (access, search
tokens, consents); one audit event records the batch.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from mouwakaba.accounts.models import Membership, Role, User
from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction
from mouwakaba.core.text import normalize_phone
from mouwakaba.territories.models import Cell, Territory

from .actions import tokens_of
from .duplicates import file_keys, keys_of, record_of
from .models import (
    Consent,
    ConsentKind,
    Document,
    Person,
    PersonAccess,
    PersonToken,
)

BUILDS_PERSONS = True
BATCH = 2000

# Share of each population among the persons a cell receives, by province. The Oriental
# is a transit region: migrants from other countries weigh most in Oujda and Nador; the
# Rif provinces receive more returnees; MRE come everywhere (summer transit above all).
POPULATION_MIX = {
    "MA-OUJ": (0.35, 0.20, 0.45),
    "MA-NAD": (0.35, 0.25, 0.40),
    "MA-DRI": (0.50, 0.35, 0.15),
    "MA-BER": (0.55, 0.25, 0.20),
}
DEFAULT_MIX = (0.55, 0.30, 0.15)  # mre, returnee, foreign
LEGAL_STATUSES = [
    ("regular", 20),
    ("in_regularisation", 15),
    ("asylum_seeker", 20),
    ("refugee", 10),
    ("irregular", 25),
    ("unknown", 10),
]


@dataclass
class Context:
    cells: list[Cell]
    agents: dict[int, User]
    communes: dict[str, list[Territory]]
    names: dict[str, Any]


def _pick_weighted(rng: random.Random, pairs: list[Any]) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def generate(rng: random.Random, index: int, ctx: Context) -> tuple[Person, list[Document]]:
    """Person number ``index``: same seed, same person."""
    cell = ctx.cells[index % len(ctx.cells)]
    province = cell.territory.province
    code = province.code if province else ""
    mre, returnee, _foreign = POPULATION_MIX.get(code, DEFAULT_MIX)
    draw = rng.random()
    population = "mre" if draw < mre else "returnee" if draw < mre + returnee else "foreign"
    # Women are about four in ten of the persons received.
    sex = "F" if rng.random() < 0.42 else "M"
    today = timezone.localdate()
    age = max(0, min(90, int(rng.gauss(33, 13))))
    values: dict[str, Any] = {"sex": sex, "population": population}
    names = ctx.names
    if population == "foreign":
        country = rng.choice(sorted(names["foreign"]))
        pool = names["foreign"][country]
        given = rng.choice(pool["male" if sex == "M" else "female"])
        family = rng.choice(pool["family"])
        values.update(given_name_lat=given, family_name_lat=family, nationality=country)
        arabic = pool.get("arabic")
        if arabic:
            values.update(
                given_name_ar=arabic.get(given, ""), family_name_ar=arabic.get(family, "")
            )
        values["legal_status"] = _pick_weighted(rng, LEGAL_STATUSES)
        values["languages"] = list(pool["languages"])
    else:
        given_ar, given_lat = rng.choice(
            names["maghrebi_male" if sex == "M" else "maghrebi_female"]
        )
        family_ar, family_lat = rng.choice(names["maghrebi_family"])
        script = rng.random()
        # Most files carry both scripts; some only one, as at a busy desk.
        if script < 0.8 or population == "mre":
            values.update(given_name_ar=given_ar, family_name_ar=family_ar)
        if script > 0.15:
            values.update(
                given_name_lat=rng.choice(given_lat), family_name_lat=rng.choice(family_lat)
            )
        if not (values.get("given_name_ar") or values.get("given_name_lat")):
            values.update(given_name_ar=given_ar, family_name_ar=family_ar)
        values["nationality"] = "MA"
        values["languages"] = ["ary", "ar"] + (
            ["rif"] if code in ("MA-NAD", "MA-DRI") and rng.random() < 0.5 else []
        )
        if population == "mre":
            values["country_of_residence"] = _pick_weighted(rng, names["mre_countries"])
            values["languages"].append(
                "fr" if values["country_of_residence"] in ("FR", "BE") else "es"
            )
    precision = rng.random()
    if precision < 0.6:
        born = today - timedelta(days=age * 365 + rng.randrange(365))
        values["birth_date"] = born
        values["birth_year"] = born.year
    elif precision < 0.9:
        values["birth_year"] = today.year - age
    else:
        values["birth_year"] = today.year - age
        values["birth_date_approximate"] = True
    if rng.random() < 0.7:
        values["phone"] = "06" + "".join(str(rng.randrange(10)) for _ in range(8))
    communes = ctx.communes.get(code) or []
    if communes and rng.random() < 0.8:
        values["commune"] = rng.choice(communes)
    values["pregnancy"] = sex == "F" and 18 <= age <= 40 and rng.random() < 0.05
    values["unaccompanied_minor"] = age < 18 and population == "foreign" and rng.random() < 0.3
    values["disability"] = rng.random() < 0.03
    values["elderly_alone"] = age >= 65 and rng.random() < 0.2
    values["survivor_of_violence"] = rng.random() < (0.04 if sex == "F" else 0.01)
    # Drawn from their own generator, so that the main draws (and so the ids) stay as
    # they were before these facts existed.
    facts = random.Random(index * 7919 + 17)  # noqa: S311 - demo data, not secrets
    if population in ("foreign", "returnee"):
        years = facts.choice([0, 0, 1, 1, 2, 3, 5, 8])
        values["in_morocco_since"] = today - timedelta(days=years * 365 + facts.randrange(365))
    if values.get("legal_status") in ("regular", "refugee", "in_regularisation", "asylum_seeker"):
        values["legal_status_until"] = today + timedelta(days=facts.randrange(-200, 900))
    agent = ctx.agents[cell.pk]
    created = timezone.now() - timedelta(days=rng.randrange(720), minutes=rng.randrange(600))
    person = Person(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),  # same seed, same ids
        registered_by_cell=cell,
        registered_by=agent,
        created_at=created,
        updated_at=created,
        **values,
    )
    person.phone_normalized = normalize_phone(person.phone) if person.phone else ""
    documents = []
    if rng.random() < 0.6:
        kind = (
            "national_id"
            if values["nationality"] == "MA"
            else rng.choice(["passport", "residence_card", "asylum_certificate"])
        )
        number = f"{chr(65 + rng.randrange(26))}{chr(65 + rng.randrange(26))}{rng.randrange(100000, 999999)}"
        issued = today - timedelta(days=rng.randrange(3000))
        documents.append(
            Document(
                person=person,
                doc_type=kind,
                number=number,
                number_normalized=number,
                issuing_country=values["nationality"],
                issued_on=issued,
                expires_on=issued + timedelta(days=3650),
            )
        )
    return person, documents


def demo_agents(cells: list[Cell]) -> dict[int, User]:
    """An agent per receiving cell: the demo account if the cell has one, else a demo
    colleague that cannot log in."""
    agents: dict[int, User] = {}
    memberships = (
        Membership.objects.current()
        .filter(cell__in=cells, role__in=[Role.CELL_AGENT, Role.CELL_HEAD])
        .select_related("user")
    )
    for membership in memberships.order_by("role", "user__username"):
        if membership.cell_id is not None:
            agents.setdefault(membership.cell_id, membership.user)
    for cell in cells:
        if cell.pk in agents:
            continue
        user, created = User.objects.get_or_create(
            username=f"demo.{cell.code}", defaults={"first_name": "Demo", "last_name": cell.code}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            Membership.objects.create(user=user, role=Role.CELL_AGENT, cell=cell)
        agents[cell.pk] = user
    return agents


def context() -> Context:
    cells = list(
        Cell.objects.active()
        .filter(cell_type__receives_persons=True)
        .select_related("territory__parent")
        .order_by("code")
    )
    communes: dict[str, list[Territory]] = {}
    for commune in Territory.objects.filter(level="commune").select_related("parent"):
        if commune.parent is not None:
            communes.setdefault(commune.parent.code, []).append(commune)
    with (settings.DATA_DIR / "demo" / "names.json").open(encoding="utf-8") as handle:
        names = json.load(handle)
    return Context(cells=cells, agents=demo_agents(cells), communes=communes, names=names)


def build(*, persons: int, rng: random.Random, stdout: Any) -> str:
    seed = rng.random()  # drawn first, always: the next builders' draws do not depend on this run
    existing = Person.objects.count()
    if persons <= existing:
        return f"{existing} persons already there, none created"
    ctx = context()
    if not ctx.cells:
        return "no receiving cell: load the reference data first"
    created = 0
    with tqdm(
        total=persons - existing, desc="persons", unit="p", disable=persons - existing < 500
    ) as bar:
        for start in range(existing, persons, BATCH):
            end = min(persons, start + BATCH)
            created += _create_batch(seed, start, end, ctx)
            bar.update(end - start)
    audit.record(
        action=AuditAction.CREATE,
        object_type="people.person",
        actor_username="load_demo",
        details={"demo_persons": created},
    )
    return f"{created} demo persons created ({persons} in all)"


@transaction.atomic
def _create_batch(seed: float, start: int, end: int, ctx: Context) -> int:
    people: list[Person] = []
    documents: list[Document] = []
    for index in range(start, end):
        person_rng = random.Random(f"{seed}:{index}")  # noqa: S311 - demo data
        person, docs = generate(person_rng, index, ctx)
        people.append(person)
        documents.extend(docs)
    Person.objects.bulk_create(people)
    Document.objects.bulk_create(documents)
    numbers: dict[Any, list[str]] = {}
    for document in documents:
        numbers.setdefault(document.person_id, []).append(document.number)
    PersonAccess.objects.bulk_create(
        PersonAccess(
            person=p,
            cell_id=p.registered_by_cell_id,
            reason=PersonAccess.Reason.REGISTERED,
            since=p.created_at,
        )
        for p in people
    )
    PersonToken.objects.bulk_create(
        PersonToken(person=p, token=token, kind=kind)
        for p in people
        for token, kind in tokens_of(p, numbers.get(p.pk, []))
    )
    file_keys((p.pk, key) for p in people for key in keys_of(record_of(p, numbers.get(p.pk, []))))
    consents = [
        Consent(
            person=p,
            kind=ConsentKind.PROCESSING,
            recorded_by_id=p.registered_by_id,
            recorded_at=p.created_at,
        )
        for p in people
    ]
    consents += [
        Consent(
            person=p,
            kind=ConsentKind.SHARING,
            recorded_by_id=p.registered_by_id,
            recorded_at=p.created_at,
        )
        for i, p in enumerate(people)
        if (start + i) % 5 != 0
    ]
    Consent.objects.bulk_create(consents)
    return len(people)
