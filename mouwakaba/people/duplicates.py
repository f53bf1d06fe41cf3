"""The duplicate check, where the matching engine meets the registry.

The engine (``matching/``) is pure; this module stores each person's match keys, finds
the candidates of a record across the WHOLE registry and settles pairs.

Law and scope: the check reads beyond the user's scope on purpose — a person registered
in Nador must be recognised in Oujda. It therefore never hands out a Person: it returns
:class:`Candidate` rows with the minimal fields the programme allows (names, year of
birth, sex, the cell that holds the person), and every lookup is audited.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction
from mouwakaba.core.scope import scope_of

from .matching import (
    BLOCKING_VERSION,
    DEFAULT_MAX_BLOCK_SIZE,
    Matcher,
    MatchResult,
    RegistryStats,
    default_matcher,
    keys_within_budget,
)
from .matching import (
    PersonRecord as PersonRecord,
)
from .models import (
    CommonMatchKey,
    Document,
    DuplicatePair,
    DuplicateRun,
    Person,
    PersonAccess,
    PersonMatchKey,
)

if TYPE_CHECKING:
    from .matching.batch import Progress

_local = threading.local()


def matcher() -> Matcher:
    """One matcher per thread: its caches are not shared across threads."""
    found = getattr(_local, "matcher", None)
    if found is None:
        found = _local.matcher = default_matcher()
    return found


def thresholds() -> dict[str, float]:
    return {
        "match_threshold": settings.MATCH_THRESHOLD,
        "possible_threshold": settings.POSSIBLE_THRESHOLD,
    }


# The fields of a person the engine reads: a PersonRecord's, but the document numbers.
RECORD_FIELDS = tuple(item.name for item in fields(PersonRecord) if item.name != "document_numbers")


def record_of(person: Person, document_numbers: Iterable[str] = ()) -> PersonRecord:
    return _record({name: getattr(person, name) for name in RECORD_FIELDS}, document_numbers)


def _record(values: dict[str, Any], document_numbers: Iterable[str]) -> PersonRecord:
    """A record from a person's ``RECORD_FIELDS`` (a model's attributes or a ``values()``
    row: the nationality is a Country or a code)."""
    known = {name: values[name] for name in RECORD_FIELDS}
    known["nationality"] = str(known["nationality"] or "")
    return PersonRecord(**known, document_numbers=tuple(n for n in document_numbers if n))


KEY_LENGTH = PersonMatchKey._meta.get_field("key").max_length or 64


def stored(key: str) -> str:
    """A key as the key table holds it: cut to the column's length. Filing and looking
    up both go through here, so that a long name's keys still meet."""
    return key[:KEY_LENGTH]


def keys_of(record: PersonRecord) -> list[str]:
    """What a person is stored under: blocking keys and frequency keys, each once."""
    engine = matcher()
    prepared = engine.prepare(record)
    keys = (*engine.blocking_keys(prepared), *engine.frequency_keys(prepared))
    return list(dict.fromkeys(stored(key) for key in keys))


def refresh_match_keys(person: Person, document_numbers: Iterable[str]) -> None:
    """Called by the operations that change a person's file, inside their transaction."""
    PersonMatchKey.objects.filter(person=person).delete()
    PersonMatchKey.objects.bulk_create(
        PersonMatchKey(person=person, key=key)
        for key in keys_of(record_of(person, document_numbers))
    )


@dataclass
class Candidate:
    """A registered person who may be the one at the desk, as little as is needed to
    decide: never the case, never the person's documents or phone."""

    person_id: UUID
    given_name_ar: str
    family_name_ar: str
    given_name_lat: str
    family_name_lat: str
    birth_year: int | None
    sex: str
    cell: str
    score: float
    level: str
    evidence: list[str] = field(default_factory=list)
    in_scope: bool = False

    @property
    def display_name(self) -> str:
        arabic = " ".join(p for p in (self.given_name_ar, self.family_name_ar) if p)
        latin = " ".join(p for p in (self.given_name_lat, self.family_name_lat) if p)
        return " · ".join(p for p in (arabic, latin) if p)

    def as_dict(self) -> dict[str, Any]:
        return {
            "person": {
                "id": str(self.person_id),
                "given_name_ar": self.given_name_ar,
                "family_name_ar": self.family_name_ar,
                "given_name_lat": self.given_name_lat,
                "family_name_lat": self.family_name_lat,
                "birth_year": self.birth_year,
                "sex": self.sex,
                "cell": self.cell,
            },
            "score": round(self.score, 3),
            "level": self.level,
        }


# Below this size, counts say little about how common a name is (in a registry of one,
# every name is "everyone's"): the statistics read the registry as at least this large.
MIN_STATS_SIZE = 10_000


# The commonest names are filed tens of thousands of times at 1,000,000 persons, and a
# GROUP BY count reads every one of those rows: a lookup counts no key further than it
# needs. A lookup key is counted up to one row past the largest
# block the engine takes (a key above it is skipped, whatever its size); a frequency key
# is counted up to COMMON_KEY_PERSONS, and a key that common takes its number from
# CommonMatchKey, which every batch run counts again.
COMMON_KEY_PERSONS = 100


def _lookup_counts(keys: Sequence[str]) -> dict[str, int]:
    """How many persons are filed under each key, for ``keys_within_budget``: exact up
    to the largest block, ``DEFAULT_MAX_BLOCK_SIZE + 1`` for any key above it."""
    return _bounded_counts(keys, limit=DEFAULT_MAX_BLOCK_SIZE + 1, common=False)


def _stats(keys: Sequence[str]) -> RegistryStats:
    """How common each frequency key is: counted live below ``COMMON_KEY_PERSONS``, read
    from the last count of common keys above it (a common name's share of the registry
    moves little between two batch runs). A key common since that count is counted as
    ``COMMON_KEY_PERSONS`` until the next one."""
    counts = _bounded_counts(keys, limit=COMMON_KEY_PERSONS, common=True)
    return RegistryStats(size=max(MIN_STATS_SIZE, _registry_size()), counts=counts)


def _bounded_counts(keys: Sequence[str], *, limit: int, common: bool) -> dict[str, int]:
    """The rows of each key in the key table, counted no further than ``limit``; with
    ``common``, the number CommonMatchKey holds for a key it lists. Keys without rows
    are left out. One query, whatever the number of keys; each key is an index probe
    that stops after ``limit`` entries (the ORM's GROUP BY counts every row)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    as_stored = {key: stored(key) for key in keys}
    cut_keys = list(dict.fromkeys(as_stored.values()))
    quote = connection.ops.quote_name
    table, common_keys = (quote(m._meta.db_table) for m in (PersonMatchKey, CommonMatchKey))
    column = quote("key")
    # Only names are formatted in; the keys and the limit are parameters. VALUES names
    # its column "column1" on PostgreSQL and SQLite alike.
    count = (
        f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} m WHERE m.{column} = k.column1 LIMIT %s) b)"  # noqa: S608
    )
    if common:
        listed = f"(SELECT c.persons FROM {common_keys} c WHERE c.{column} = k.column1)"  # noqa: S608
        count = f"COALESCE({listed}, {count})"
    values = ", ".join(["(%s)"] * len(cut_keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT k.column1, {count} FROM (VALUES {values}) k",  # noqa: S608
            [limit, *cut_keys],
        )
        counted = {key: int(n) for key, n in cursor.fetchall() if n}
    return {key: counted[cut] for key, cut in as_stored.items() if cut in counted}


def recount_common_keys() -> int:
    """Count again the keys that ``COMMON_KEY_PERSONS`` persons or more share, for
    ``_stats``. Every batch run does it, after any re-keying. Returns how many there are."""
    rows = (
        PersonMatchKey.objects.values("key")
        # person, not id: the (key, person) index answers without reading the table.
        .annotate(n=Count("person"))
        .filter(n__gte=COMMON_KEY_PERSONS)
        .values_list("key", "n")
    )
    with transaction.atomic():
        CommonMatchKey.objects.all().delete()
        created = CommonMatchKey.objects.bulk_create(
            (CommonMatchKey(key=key, persons=n) for key, n in rows.iterator()), batch_size=5000
        )
    return len(created)


def _registry_size() -> int:
    # The size only scales the prior; an estimate refreshed now and then is enough.
    cached = getattr(_local, "size", None)
    now = timezone.now()
    if cached is None or (now - cached[1]).total_seconds() > 600:
        _local.size = cached = (_count_persons(), now)
    return int(cached[0])


def _count_persons() -> int:
    """PostgreSQL's own estimate where it has one (instant; counting a million rows is
    not), else a count."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [Person._meta.db_table],
            )
            row = cursor.fetchone()
        if row is not None and row[0] > 0:
            return int(row[0])
    return Person.objects.count()


def candidates_for(
    record: PersonRecord, *, exclude: Iterable[UUID] = (), limit: int = 10
) -> list[tuple[Person, Any]]:
    """The persons of the whole registry that may be ``record``, best first, with the
    engine's result. For this module's callers only: see the module's note."""
    engine = matcher()
    prepared = engine.prepare(record)
    counts = _lookup_counts(engine.lookup_keys(prepared))
    chosen = keys_within_budget(counts, max_block_size=DEFAULT_MAX_BLOCK_SIZE)
    if not chosen:
        return []
    ids = set(
        PersonMatchKey.objects.filter(key__in=[stored(key) for key in chosen]).values_list(
            "person_id", flat=True
        )
    )
    ids.difference_update(exclude)
    if not ids:
        return []
    persons = list(Person.objects.filter(pk__in=ids))
    numbers: dict[UUID, list[str]] = {}
    documents = Document.objects.filter(person_id__in=ids).values_list("person_id", "number")
    for person_id, number in documents:
        numbers.setdefault(person_id, []).append(number)
    # Each candidate prepared once, for its frequency keys and for the comparison.
    others = {p.pk: engine.prepare(record_of(p, numbers.get(p.pk, ()))) for p in persons}
    frequency = set(engine.frequency_keys(prepared))
    for other in others.values():
        frequency.update(engine.frequency_keys(other))
    stats = _stats(sorted(frequency))
    results = []
    for person in persons:
        result = engine.compare(prepared, others[person.pk], stats=stats, **thresholds())
        if result.level is not None:
            results.append((person, result))
    results.sort(key=lambda pair: -pair[1].score)
    return results[:limit]


def find_candidates(
    user: Any,
    record: PersonRecord,
    *,
    exclude: Iterable[UUID] = (),
    limit: int = 10,
    request: Any = None,
) -> list[Candidate]:
    """Candidates for ``record`` across the registry, as minimal rows, audited."""
    found = candidates_for(record, exclude=exclude, limit=limit)
    holders = _holding_cells([person.pk for person, _result in found])
    cells = scope_of(user).cell_ids
    visible = (
        set(
            PersonAccess.objects.filter(
                person_id__in=[p.pk for p, _r in found], cell_id__in=cells
            ).values_list("person_id", flat=True)
        )
        if cells
        else set()
    )
    candidates = [
        Candidate(
            person_id=person.pk,
            given_name_ar=person.given_name_ar,
            family_name_ar=person.family_name_ar,
            given_name_lat=person.given_name_lat,
            family_name_lat=person.family_name_lat,
            birth_year=person.birth_year,
            sex=person.sex,
            cell=holders.get(person.pk, ""),
            score=result.score,
            level=str(result.level),
            evidence=result.known_evidence,
            in_scope=person.pk in visible,
        )
        for person, result in found
    ]
    audit.record(
        action=AuditAction.MATCH,
        actor=user,
        object_type="people.person",
        request=request,
        details={
            "candidates": len(candidates),
            "outside_scope": sum(not c.in_scope for c in candidates),
        },
    )
    return candidates


def _holding_cells(person_ids: list[UUID]) -> dict[UUID, str]:
    """The name of the cell that holds each person (their case's cell, else the cell
    that registered them), in the active language."""
    rows = (
        PersonAccess.objects.filter(person_id__in=person_ids)
        .select_related("cell")
        .order_by("-holds_case", "since")
    )
    names: dict[UUID, str] = {}
    for row in rows:
        names.setdefault(row.person_id, row.cell.name)
    return names


def ordered(a: UUID, b: UUID) -> tuple[UUID, UUID]:
    return (a, b) if a < b else (b, a)


@transaction.atomic
def settle(
    *, a: UUID, b: UUID, same: bool, by: Any, score: float = 0.0, level: str = ""
) -> DuplicatePair:
    """Record that ``a`` and ``b`` are, or are not, one person; never asked again."""
    first, second = ordered(a, b)
    pair, _created = DuplicatePair.objects.get_or_create(
        first_id=first, second_id=second, defaults={"score": score, "level": level or "possible"}
    )
    pair.status = DuplicatePair.Status.SAME if same else DuplicatePair.Status.DIFFERENT
    pair.decided_by = by
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        target=pair,
        details={"fields": ["status"], "status": pair.status},
    )
    return pair


def rekey(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every stored match key with the current engine: needed when its
    ``BLOCKING_VERSION`` changed, since keys filed by an older version no longer meet
    the keys a lookup asks for. Returns the number of files re-keyed;
    ``progress(done, total)`` is called as they are.

    One transaction: if it fails, the keys are as they were (and the next run starts
    again). The keys are computed in ``MATCHING_JOBS`` processes and written with COPY on
    PostgreSQL — a million files in minutes, where saving them file by file took an hour.
    """
    # Here, not at the top: the web processes never run it and need not load NumPy.
    from .matching.batch import each_in_processes

    ids, records = _registry_records()
    runs = [(first, min(len(ids), first + REKEY_RUN)) for first in range(0, len(ids), REKEY_RUN)]
    with transaction.atomic():
        # Merged files included: a file merged away is never a candidate.
        PersonMatchKey.objects.all().delete()
        done = 0
        keyed = each_in_processes(_keys_of_run, runs, settings.MATCHING_JOBS, records=records)
        for (first, last), keys in zip(runs, keyed, strict=True):
            file_keys(
                (ids[position], key)
                for position, record_keys in enumerate(keys, start=first)
                for key in record_keys
            )
            done += last - first
            if progress is not None:
                progress(done, len(ids))
    _tidy_key_table()
    recount_common_keys()
    return len(ids)


def _tidy_key_table() -> None:
    """After every key was filed again: on PostgreSQL, reclaim the old keys' rows and
    count the table again for the planner, so that registration lookups do not wade
    through as many dead rows as live ones until autovacuum passes (if it is on).
    Measured at 1M files: 44 s, and lookups at p95 24 ms instead of 34–68 ms. VACUUM
    cannot run inside a transaction; called from one, this leaves it to autovacuum."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f'VACUUM ANALYZE "{PersonMatchKey._meta.db_table}"')


# Files whose keys are computed and written at once, by ``rekey``.
REKEY_RUN = 20_000


def _keys_of_run(bounds: tuple[int, int]) -> list[list[str]]:
    """The keys of the records at positions first..last (in a worker process)."""
    from .matching.batch import shared

    records: list[PersonRecord] = shared("records")
    return [keys_of(record) for record in records[bounds[0] : bounds[1]]]


def file_keys(rows: Iterable[tuple[UUID, str]]) -> None:
    """Insert (person, key) rows into the key table, the fastest way the database has
    (COPY on PostgreSQL): re-filing the registry, loading demo persons."""
    if connection.vendor != "postgresql":
        PersonMatchKey.objects.bulk_create(
            (PersonMatchKey(person_id=person, key=key) for person, key in rows), batch_size=5000
        )
        return
    table = PersonMatchKey._meta.db_table
    person = PersonMatchKey._meta.get_field("person").column
    key = PersonMatchKey._meta.get_field("key").column
    statement = f'COPY "{table}" ("{person}", "{key}") FROM STDIN'
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


# The candidates queued for one file at most, best first: beyond, a reviewer learns nothing.
CANDIDATES_PER_FILE = 20


def run_batch(*, full: bool = False, progress: Progress | None = None) -> DuplicateRun:
    """Look again at every file changed since the last run (all of them with ``full``),
    and queue the likely duplicates that nobody has settled yet. After an engine change
    (a new ``BLOCKING_VERSION``) every key is recomputed first and every file checked.
    The common keys are counted again first either way (see ``_stats``).

    A full check compares the whole registry with itself in memory
    (``matching.batch``), which finds the pairs a lookup of each file would, in minutes
    for a million files; changed files are each looked up in the key table."""
    last = DuplicateRun.objects.filter(finished_at__isnull=False).first()
    if last is None or last.blocking_version != BLOCKING_VERSION:
        rekey(progress=None if progress is None else partial(progress, "keys"))
        full = True
    else:
        recount_common_keys()
    run = DuplicateRun.objects.create(blocking_version=BLOCKING_VERSION)
    if full:
        run.checked, run.found = _check_everything(progress)
    else:
        run.checked, run.found = _check_changed(last, progress)
    run.finished_at = timezone.now()
    run.save()
    return run


def _check_changed(last: DuplicateRun | None, progress: Progress | None) -> tuple[int, int]:
    changed = Person.objects.filter(merged_into__isnull=True)
    if last is not None:
        changed = changed.filter(
            Q(updated_at__gte=last.started_at) | Q(created_at__gte=last.started_at)
        )
    ids = list(changed.order_by("created_at").values_list("pk", flat=True))
    found = 0
    for start in range(0, len(ids), 500):
        batch = list(
            Person.objects.filter(pk__in=ids[start : start + 500]).prefetch_related("documents")
        )
        with transaction.atomic():
            for person in batch:
                record = record_of(person, [d.number for d in person.documents.all()])
                found_now = candidates_for(record, exclude=[person.pk], limit=CANDIDATES_PER_FILE)
                for other, result in found_now:
                    first, second = ordered(person.pk, other.pk)
                    _pair, created = DuplicatePair.objects.get_or_create(
                        first_id=first, second_id=second, defaults=_queued(result)
                    )
                    found += int(created)
        if progress is not None:
            progress("files", start + len(batch), len(ids))
    return len(ids), found


def _check_everything(progress: Progress | None) -> tuple[int, int]:
    """Every file against every other, as if registered one after the other: each file's
    best candidates (up to ``CANDIDATES_PER_FILE``) among those registered before it."""
    # Here, not at the top: the web processes never run it and need not load NumPy.
    import numpy as np

    from .matching.batch import score_registry

    ids, records = _registry_records()
    engine = matcher()
    found = score_registry(
        records,
        matcher=engine,
        # As a registration-time lookup weighs (``_stats``).
        registry_size=max(MIN_STATS_SIZE, len(records)),
        min_score=settings.POSSIBLE_THRESHOLD,
        jobs=settings.MATCHING_JOBS,
        progress=progress,
    )
    # Each later file's best candidates first.
    order = np.lexsort((-found.score, found.j))
    later = found.j[order]
    rank = np.arange(len(order)) - np.searchsorted(later, later, side="left")
    kept = order[rank < CANDIDATES_PER_FILE]
    known = set(DuplicatePair.objects.values_list("first_id", "second_id"))
    new = []
    pairs = list(zip(found.i[kept].tolist(), found.j[kept].tolist(), strict=True))
    for done, (i, j) in enumerate(pairs, start=1):
        if progress is not None and (done % 10_000 == 0 or done == len(pairs)):
            progress("save", done, len(pairs))
        first, second = ordered(ids[i], ids[j])
        if (first, second) in known:
            continue
        result = engine.compare(records[i], records[j], stats=found.stats, **thresholds())
        if result.level is None:
            continue
        known.add((first, second))
        new.append(DuplicatePair(first_id=first, second_id=second, **_queued(result)))
    with transaction.atomic():
        # A pair an agent settled while the check ran stays as the agent left it.
        DuplicatePair.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(ids), len(new)


def _queued(result: MatchResult) -> dict[str, Any]:
    """What a pending pair keeps of the engine's result."""
    return {"score": result.score, "level": str(result.level), "evidence": result.known_evidence}


def _registry_records() -> tuple[list[UUID], list[PersonRecord]]:
    """Every file that was not merged away, in the order of registration, as records."""
    numbers: dict[UUID, list[str]] = {}
    documents = Document.objects.filter(person__merged_into__isnull=True).values_list(
        "person_id", "number"
    )
    for person_id, number in documents.iterator(chunk_size=10_000):
        numbers.setdefault(person_id, []).append(number)
    ids: list[UUID] = []
    records: list[PersonRecord] = []
    persons = (
        Person.objects.filter(merged_into__isnull=True)
        .order_by("created_at", "pk")
        .values("pk", *RECORD_FIELDS)
    )
    for values in persons.iterator(chunk_size=10_000):
        ids.append(values["pk"])
        records.append(_record(values, numbers.get(values["pk"], ())))
    return ids, records


def clusters(pairs: Iterable[DuplicatePair]) -> list[list[DuplicatePair]]:
    """Group pairs into clusters of persons linked by possible duplication."""
    parent: dict[UUID, UUID] = {}

    def root(node: UUID) -> UUID:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    pairs = list(pairs)
    for pair in pairs:
        parent[root(pair.first_id)] = root(pair.second_id)
    groups: dict[UUID, list[DuplicatePair]] = {}
    for pair in pairs:
        groups.setdefault(root(pair.first_id), []).append(pair)
    return sorted(groups.values(), key=lambda group: -max(p.score for p in group))
