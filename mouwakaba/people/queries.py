"""Reads of the registry that need more than a QuerySet method: search as agents type,
and who may see the sensitive flags."""

from __future__ import annotations

from django.db.models import QuerySet

from mouwakaba.core.scope import scope_of
from mouwakaba.core.text import normalize_document_number, normalize_phone, search_tokens

from .models import Person, PersonAccess, PersonToken

# The highest code point: a prefix p matches every token t with p <= t < p + SENTINEL,
# a range scan on the token index in SQLite and PostgreSQL alike.
SENTINEL = "\U0010ffff"


def query_tokens(query: str) -> list[str]:
    """The words to look for: names normalised for their script; a query that looks like
    a phone number or a document number is also looked for in that form."""
    tokens = search_tokens(query)
    compact = query.replace(" ", "")
    if len(normalize_phone(compact)) >= 6 and not any(ch.isalpha() for ch in compact):
        return [normalize_phone(compact)]
    if any(ch.isdigit() for ch in compact) and any(ch.isalpha() for ch in compact):
        document = normalize_document_number(compact).lower()
        if document:
            return [document]
    return tokens


def search_persons(user: object, query: str, *, limit: int = 20) -> QuerySet[Person]:
    """Persons in the user's scope whose names (either script), document number or phone
    start with every word of ``query``."""
    persons = Person.objects.visible_to(user)
    tokens = query_tokens(query)
    if not tokens:
        return persons.none()
    # Driven from the token index: each word narrows to the persons having a token with
    # that prefix (a range scan), whatever the size of the user's scope.
    for token in tokens[:6]:
        matching = PersonToken.objects.filter(token__gte=token, token__lt=token + SENTINEL)
        persons = persons.filter(pk__in=matching.values("person_id"))
    return persons.select_related("registered_by_cell").order_by(
        "family_name_lat", "given_name_lat", "family_name_ar", "given_name_ar"
    )[:limit]


def can_see_vulnerabilities(user: object, person: Person) -> bool:
    """The sensitive flags are for the cell that holds the person's case and for its
    coordinators; before any case exists, for the cell that registered the person."""
    scope = scope_of(user)
    if not scope.cell_ids:
        return False
    rows = PersonAccess.objects.filter(person=person)
    holders = rows.filter(holds_case=True)
    if holders.exists():
        return holders.filter(cell_id__in=scope.cell_ids).exists()
    return rows.filter(reason=PersonAccess.Reason.REGISTERED, cell_id__in=scope.cell_ids).exists()
