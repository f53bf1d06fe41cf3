"""Write operations on the registry. Each runs in a transaction and writes its audit
event; views, the API and commands call these, never the ORM directly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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
from mouwakaba.core.text import index_tokens, normalize_document_number, normalize_phone
from mouwakaba.core.versioning import check_version
from mouwakaba.territories.models import Cell

from .duplicates import refresh_match_keys
from .models import (
    MAX_AGE,
    Consent,
    ConsentKind,
    Document,
    HouseholdLink,
    Person,
    PersonAccess,
    PersonToken,
)

PERSON_FIELDS = [
    "given_name_ar",
    "family_name_ar",
    "given_name_lat",
    "family_name_lat",
    "sex",
    "birth_date",
    "birth_year",
    "birth_date_approximate",
    "nationality",
    "population",
    "legal_status",
    "legal_status_until",
    "in_morocco_since",
    "country_of_residence",
    "languages",
    "phone",
    "commune",
    "unaccompanied_minor",
    "disability",
    "pregnancy",
    "survivor_of_violence",
    "victim_of_trafficking",
    "elderly_alone",
]


@dataclass
class DocumentData:
    doc_type: str
    number: str = ""
    issuing_country: str = ""
    issued_on: date | None = None
    expires_on: date | None = None


@dataclass
class Registration:
    """What a cell agent records at reception."""

    values: dict[str, Any]
    estimated_age: int | None = None
    consent_processing: bool = False
    consent_sharing: bool = False
    documents: list[DocumentData] = field(default_factory=list)


def working_cell(user: User) -> Cell:
    """The cell a user registers persons and opens cases for: agents and heads only."""
    membership = user.membership
    if membership is None or membership.role not in (Role.CELL_AGENT, Role.CELL_HEAD):
        raise NotAllowed(_("Only the agents and heads of a cell can do this."))
    if membership.cell is None or not membership.cell.cell_type.receives_persons:
        raise NotAllowed(_("Your cell does not receive persons."))
    return membership.cell


def birth_year_from_age(age: int, on: date | None = None) -> int:
    if not 0 <= age <= MAX_AGE:
        raise ValidationError(
            {"estimated_age": _("Give an age between 0 and %(max)s.") % {"max": MAX_AGE}}
        )
    return (on or timezone.localdate()).year - age


@transaction.atomic
def register_person(*, by: User, registration: Registration) -> Person:
    """Register a person at the agent's cell, with their consents and documents."""
    cell = working_cell(by)
    values = dict(registration.values)
    if registration.estimated_age is not None and not values.get("birth_date"):
        values["birth_year"] = birth_year_from_age(registration.estimated_age)
        values["birth_date_approximate"] = True
    person = Person(registered_by_cell=cell, registered_by=by, **values)
    person.full_clean()
    documents = [Document(person=person, **vars(data)) for data in registration.documents]
    errors: dict[str, Any] = {}
    for number, document in enumerate(documents):
        try:
            document.full_clean(exclude=["person"])
        except ValidationError as error:
            errors[f"documents.{number}"] = error.messages
    if errors:
        raise ValidationError(errors)
    person.save()
    for document in documents:
        document.person = person
        document.save()
    PersonAccess.objects.create(person=person, cell=cell, reason=PersonAccess.Reason.REGISTERED)
    if registration.consent_processing:
        Consent.objects.create(person=person, kind=ConsentKind.PROCESSING, recorded_by=by)
    if registration.consent_sharing:
        Consent.objects.create(person=person, kind=ConsentKind.SHARING, recorded_by=by)
    index_person(person)
    audit.record(action=AuditAction.CREATE, actor=by, target=person, details={"version": 1})
    return person


@transaction.atomic
def update_person(
    *, person: Person, by: User, changes: dict[str, Any], expected_version: int | None
) -> Person:
    """Apply ``changes`` if nobody saved the person since ``expected_version``."""
    can_edit_person(by, person, raise_error=True)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    check_version(locked, expected_version)
    changed = []
    for name, value in changes.items():
        if name not in PERSON_FIELDS:
            raise ValueError(f"{name} is not an editable field")
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if not changed:
        return locked
    if "birth_date" in changed and locked.birth_date is None and "birth_year" not in changed:
        locked.birth_year = None
    locked.full_clean()
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.updated_by = by
    locked.save()
    index_person(locked)
    refresh_case_copies(locked)
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        target=locked,
        details={"fields": changed, "version": locked.version},
    )
    return locked


def can_edit_person(user: User, person: Person, *, raise_error: bool = False) -> bool:
    """Agents and heads of a cell that sees the person may edit them."""
    membership = user.membership
    allowed = (
        membership is not None
        and membership.role in (Role.CELL_AGENT, Role.CELL_HEAD)
        and membership.cell_id is not None
        and PersonAccess.objects.filter(person=person, cell_id=membership.cell_id).exists()
    )
    if not allowed and raise_error:
        raise NotAllowed(_("Only the cells that see this person can change their file."))
    return allowed


@transaction.atomic
def add_document(*, person: Person, by: User, data: DocumentData) -> Document:
    can_edit_person(by, person, raise_error=True)
    document = Document(person=person, **vars(data))
    document.full_clean()
    document.save()
    index_person(person)
    audit.record(
        action=AuditAction.CREATE, actor=by, target=document, details={"person": str(person.pk)}
    )
    return document


@transaction.atomic
def record_consent(*, person: Person, by: User, kind: ConsentKind) -> Consent:
    can_edit_person(by, person, raise_error=True)
    current = person.consent(kind)
    if current is not None:
        return current
    consent = Consent.objects.create(person=person, kind=kind, recorded_by=by)
    audit.record(
        action=AuditAction.CREATE,
        actor=by,
        target=consent,
        details={"person": str(person.pk), "kind": str(kind)},
    )
    return consent


@transaction.atomic
def withdraw_consent(*, person: Person, by: User, kind: ConsentKind) -> Consent | None:
    can_edit_person(by, person, raise_error=True)
    current = person.consent(kind)
    if current is None:
        return None
    current.withdrawn_at = timezone.now()
    current.withdrawn_by = by
    current.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        target=current,
        details={"person": str(person.pk), "kind": str(kind), "fields": ["withdrawn_at"]},
    )
    return current


@transaction.atomic
def link_household(*, person: Person, relative: Person, relation: str, by: User) -> HouseholdLink:
    can_edit_person(by, person, raise_error=True)
    if HouseholdLink.objects.filter(person=relative, relative=person).exists():
        raise ValidationError(_("These two persons are already linked."))
    link = HouseholdLink(person=person, relative=relative, relation=relation)
    link.full_clean()
    link.save()
    audit.record(action=AuditAction.CREATE, actor=by, target=link)
    return link


def grant_access(*, person: Person, cell: Cell, holds_case: bool = True) -> None:
    """Let ``cell`` see ``person`` from now on (it opened or received one of their
    cases), or record that it no longer holds a case (transferred away: it keeps seeing
    the person, not their vulnerabilities). Called inside the caller's transaction."""
    access, created = PersonAccess.objects.get_or_create(
        person=person,
        cell=cell,
        defaults={"reason": PersonAccess.Reason.CASE, "holds_case": holds_case},
    )
    if not created and access.holds_case != holds_case:
        access.holds_case = holds_case
        access.save(update_fields=["holds_case"])


def refresh_case_copies(person: Person) -> None:
    """Cases carry copies of a few fields of their person, for counting and sorting
    (see ``Person.copies_for_cases``): after a change or a merge they follow the file.
    The cases app sits above this one, so they are reached through its reverse relation."""
    cases = getattr(person, "cases", None)
    if cases is not None:
        cases.all().update(**person.copies_for_cases())


def index_person(person: Person) -> None:
    """Refresh what finds ``person``: the search tokens (names in both scripts,
    documents, phone) and the duplicate check's match keys."""
    numbers = list(person.documents.values_list("number", flat=True))
    PersonToken.objects.filter(person=person).delete()
    PersonToken.objects.bulk_create(
        PersonToken(person=person, token=token, kind=kind)
        for token, kind in tokens_of(person, numbers)
    )
    refresh_match_keys(person, numbers)


def tokens_of(person: Person, document_numbers: Iterable[str]) -> Iterable[tuple[str, str]]:
    """The (token, kind) pairs under which ``person`` is found. Pure: no database."""
    seen: set[str] = set()
    names = (
        person.given_name_ar,
        person.family_name_ar,
        person.given_name_lat,
        person.family_name_lat,
    )
    for name in names:
        for token in index_tokens(name):
            if token not in seen:
                seen.add(token)
                yield token[:64], PersonToken.Kind.NAME
    for raw in document_numbers:
        number = normalize_document_number(raw).lower()
        if number and number not in seen:
            seen.add(number)
            yield number[:64], PersonToken.Kind.DOCUMENT
    phone = normalize_phone(person.phone) if person.phone else ""
    if phone and phone not in seen:
        yield phone, PersonToken.Kind.PHONE
