"""Reads of the registry that need more than a QuerySet method: search as agents type,
and who may see the sensitive flags."""

from __future__ import annotations

from django.db.models import QuerySet

from mouwakaba.core.scope import scope_of
from mouwakaba.core.text import normalize_document_number, normalize_phone, search_tokens

from .models import Person, PersonAccess, PersonToken

CANDIDATE_CAP = 1000

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
    # Driven from the token index: the persons with a token starting with the first word,
    # narrowed by each next word (range scans), then the user's scope. A word as common
    # as "mohamed" in a registry of a million is capped at CANDIDATE_CAP candidates:
    # the page says to type more (see is_broad).
    matches = PersonToken.objects.filter(token__gte=tokens[0], token__lt=tokens[0] + SENTINEL)
    for token in tokens[1:6]:
        narrower = PersonToken.objects.filter(token__gte=token, token__lt=token + SENTINEL)
        matches = matches.filter(person_id__in=narrower.values("person_id"))
    persons = persons.filter(pk__in=matches.values("person_id")[:CANDIDATE_CAP])
    return persons.select_related("registered_by_cell").order_by(
        "family_name_lat", "given_name_lat", "family_name_ar", "given_name_ar"
    )[:limit]


def is_broad(query: str) -> bool:
    """Whether a query matches so many files of the registry that its results are a
    sample: the user should type more of the name."""
    tokens = query_tokens(query)
    if not tokens:
        return False
    matches = PersonToken.objects.filter(token__gte=tokens[0], token__lt=tokens[0] + SENTINEL)
    for token in tokens[1:6]:
        narrower = PersonToken.objects.filter(token__gte=token, token__lt=token + SENTINEL)
        matches = matches.filter(person_id__in=narrower.values("person_id"))
    return matches.values("person_id")[: CANDIDATE_CAP + 1].count() > CANDIDATE_CAP


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
