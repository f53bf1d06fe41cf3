"""Merging two files of the same person, and undoing it.

A coordinator who sees both files decides which one to keep. Every row that points to the
other file — cases (and through them referrals and history), documents, consents,
household links, and whatever later apps attach to a person — is re-pointed to the kept
file. Nothing is deleted: the merged file stays, hidden from searches and the duplicate
check, its page leading to the kept file; the cells that knew it now know the kept file;
blank fields of the kept file are filled from the merged one. The merge records exactly
what moved, so that undoing it puts every row back.

Relations are found from the model graph, not listed by hand, so that an app added later
(referrals, for instance) is merged too without touching this module.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mouwakaba.accounts.models import User
from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction

from .models import (
    DuplicatePair,
    Person,
    PersonAccess,
    PersonMatchKey,
    PersonMerge,
    PersonToken,
)

# Derived from the file and rebuilt from it, or about the two files themselves: not moved.
NOT_MOVED = (PersonAccess, PersonToken, PersonMatchKey, DuplicatePair, PersonMerge, Person)

# Fields the kept file takes from the merged one when it has none.
FILLABLE = (
    "given_name_ar",
    "family_name_ar",
    "given_name_lat",
    "family_name_lat",
    "birth_date",
    "birth_year",
    "nationality",
    "legal_status",
    "legal_status_until",
    "in_morocco_since",
    "country_of_residence",
    "phone",
    "commune_id",
)


def person_references() -> list[tuple[type[models.Model], str]]:
    """Every (model, foreign key name) pointing to a person, except the derived ones."""
    found: list[tuple[type[models.Model], str]] = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel):
            continue
        model = relation.related_model
        if not isinstance(model, type) or issubclass(model, NOT_MOVED):
            continue
        if relation.one_to_many or relation.one_to_one:
            found.append((model, relation.field.name))
    return sorted(found, key=lambda item: (item[0]._meta.label, item[1]))


def can_merge(user: User, first: Person, second: Person) -> bool:
    """Coordinators who see both files may merge them."""
    if user.role not in ("provincial_coordinator", "regional_coordinator"):
        return False
    visible = Person.objects.visible_to(user).filter(pk__in=[first.pk, second.pk])
    return visible.count() == 2


def _move(model: type[models.Model], field: str, ids: list[Any], to: Person) -> list[Any]:
    """Re-points the rows ``ids`` to ``to``; a row that would break a uniqueness rule
    (the kept file already has the same link) stays where it is. Returns what moved."""
    try:
        with transaction.atomic():
            model._default_manager.filter(pk__in=ids).update(**{field: to})
        return ids
    except IntegrityError:
        moved = []
        for pk in ids:
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=pk).update(**{field: to})
                moved.append(pk)
            except IntegrityError:
                continue
        return moved


def _refresh(*persons: Person) -> None:
    """Search tokens, match keys and the cases' copies follow each file."""
    from .actions import index_person, refresh_case_copies

    for person in persons:
        index_person(person)
        refresh_case_copies(person)


@transaction.atomic
def merge(*, kept: Person, merged: Person, by: User) -> PersonMerge:
    if kept.pk == merged.pk:
        raise ValidationError(_("A file cannot be merged into itself."), code="same")
    if not can_merge(by, kept, merged):
        raise ValidationError(
            _("Only a coordinator who sees both files can merge them."), code="not_allowed"
        )
    # Lock both files in a fixed order so that two merges of the same pair cannot cross.
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .filter(pk__in=[kept.pk, merged.pk])
        .order_by("pk")
    }
    kept, merged = locked[kept.pk], locked[merged.pk]
    if kept.merged_into_id or merged.merged_into_id:
        raise ValidationError(
            _("One of these files was already merged into another; reload the page."),
            code="already_merged",
        )

    moved: dict[str, list[Any]] = {}
    for model, field in person_references():
        other_side = {"relative": "person", "person": "relative"}.get(field)
        rows = model._default_manager.filter(**{field: merged})
        if other_side and hasattr(model, other_side):
            # A household link between the two files themselves would point to itself.
            rows = rows.exclude(**{other_side: kept})
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            done = _move(model, field, ids, kept)
            if done:
                moved[f"{model._meta.label}.{field}"] = [str(pk) for pk in done]

    # The cells that knew the merged file now know the kept one.
    known = set(PersonAccess.objects.filter(person=kept).values_list("cell_id", flat=True))
    granted = []
    for access in PersonAccess.objects.filter(person=merged):
        if access.cell_id not in known:
            created = PersonAccess.objects.create(
                person=kept,
                cell_id=access.cell_id,
                reason=access.reason,
                holds_case=access.holds_case,
            )
            granted.append(created.pk)
        elif access.holds_case:
            PersonAccess.objects.filter(
                person=kept, cell_id=access.cell_id, holds_case=False
            ).update(holds_case=True)

    filled: dict[str, Any] = {}
    for name in FILLABLE:
        if not getattr(kept, name) and getattr(merged, name):
            filled[name] = getattr(kept, name)
            setattr(kept, name, getattr(merged, name))
    if filled:
        if "birth_date" in filled or "birth_year" in filled:
            filled["birth_date_approximate"] = kept.birth_date_approximate
            kept.birth_date_approximate = merged.birth_date_approximate
        kept.version += 1
        kept.updated_by = by
        kept.updated_at = timezone.now()
        kept.save()
    filled = {
        name: (str(value) if value is not None and not isinstance(value, (bool, int)) else value)
        for name, value in filled.items()
    }

    merged.merged_into = kept
    merged.version += 1
    merged.save(update_fields=["merged_into", "version"])
    PersonToken.objects.filter(person=merged).delete()
    PersonMatchKey.objects.filter(person=merged).delete()
    _refresh(kept)
    first, second = sorted([kept.pk, merged.pk])
    DuplicatePair.objects.update_or_create(
        first_id=first,
        second_id=second,
        defaults={
            "status": DuplicatePair.Status.SAME,
            "decided_by": by,
            "decided_at": timezone.now(),
        },
        create_defaults={
            "score": 1.0,
            "level": "match",
            "status": DuplicatePair.Status.SAME,
            "decided_by": by,
            "decided_at": timezone.now(),
        },
    )
    record = PersonMerge.objects.create(
        kept=kept, merged=merged, merged_by=by, moved=moved, granted=granted, filled=filled
    )
    audit.record(
        action=AuditAction.MERGE,
        actor=by,
        target=kept,
        details={
            "merged": str(merged.pk),
            "merge": record.pk,
            "moved": {key: len(ids) for key, ids in moved.items()},
            "fields": sorted(filled),
        },
    )
    return record


@transaction.atomic
def undo(*, merge_record: PersonMerge, by: User) -> PersonMerge:
    record = PersonMerge.objects.select_for_update().get(pk=merge_record.pk)
    if record.undone_at is not None:
        raise ValidationError(_("This merge was already undone."), code="undone")
    kept = Person.objects.select_for_update().get(pk=record.kept_id)
    merged = Person.objects.select_for_update().get(pk=record.merged_id)
    if not can_merge(by, kept, merged):
        raise ValidationError(
            _("Only a coordinator who sees both files can merge them."), code="not_allowed"
        )
    later = PersonMerge.objects.filter(
        kept=kept, merged_at__gt=record.merged_at, undone_at__isnull=True
    ).exists()
    if later:
        raise ValidationError(
            _("Another file was merged into this one since; undo that merge first."),
            code="later_merge",
        )
    references = {
        f"{model._meta.label}.{field}": (model, field) for model, field in person_references()
    }
    for key, ids in record.moved.items():
        if key in references:
            model, field = references[key]
            model._default_manager.filter(pk__in=ids).update(**{field: merged})
    PersonAccess.objects.filter(pk__in=record.granted).delete()
    for name, value in record.filled.items():
        # Only blank fields were filled: their former values are blanks.
        setattr(kept, name, value)
    kept.version += 1
    kept.updated_by = by
    kept.updated_at = timezone.now()
    kept.save()
    merged.merged_into = None
    merged.version += 1
    merged.save(update_fields=["merged_into", "version"])
    _refresh(kept, merged)
    first, second = sorted([kept.pk, merged.pk])
    DuplicatePair.objects.filter(first_id=first, second_id=second).update(
        status=DuplicatePair.Status.PENDING, decided_by=None, decided_at=None
    )
    record.undone_at = timezone.now()
    record.undone_by = by
    record.save(update_fields=["undone_at", "undone_by"])
    audit.record(
        action=AuditAction.UNMERGE,
        actor=by,
        target=kept,
        details={"merged": str(merged.pk), "merge": record.pk},
    )
    return record
