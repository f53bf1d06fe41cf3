"""Cases: one person's accompaniment at one cell — needs, notes, tasks and appointments,
transfers, closure — with a history of every change.

A case is seen by the cell that holds it and that cell's coordinators
(``Case.objects.visible_to(user)``). After a transfer the former cell keeps seeing the
person, not the case: the case's history travels whole with it.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mouwakaba.core.domains import NeedDomain
from mouwakaba.core.scope import ScopedQuerySet
from mouwakaba.core.storage import PrivateStorage
from mouwakaba.people.models import Person
from mouwakaba.territories.models import Cell


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    CLOSED = "closed", _("closed")
    REOPENED = "reopened", _("reopened")


ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.REOPENED)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("needs met")
    PARTLY_RESOLVED = "partly_resolved", _("needs partly met")
    NOT_RESOLVED = "not_resolved", _("needs not met")
    LEFT = "left", _("the person left the territory")
    NO_CONTACT = "no_contact", _("no more contact")
    OTHER = "other", _("other")


class CaseQuerySet(ScopedQuerySet["Case"]):
    scope_every_row_has_a_cell = True  # a case always has its cell
    scope_cell_lookups = ("cell_id",)

    def active(self) -> CaseQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def with_overdue(self, on: date | None = None) -> CaseQuerySet:
        on = on or timezone.localdate()
        overdue = Task.objects.filter(case_id=OuterRef("pk"), done_at__isnull=True, due_on__lt=on)
        return self.annotate(has_overdue=Exists(overdue))


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases"
    )
    cell = models.ForeignKey(
        Cell, verbose_name=_("cell"), on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    summary = models.TextField(_("summary"), blank=True)
    # Copied from the person's file (Person.copies_for_cases) so that caseloads and
    # indicators filter, count and sort cases without joining persons. Written by
    # open_case and kept in step by people.actions.update_person.
    person_sex = models.CharField(max_length=1, editable=False, db_index=True)
    person_population = models.CharField(max_length=16, editable=False)
    person_birth_year = models.PositiveSmallIntegerField(null=True, editable=False)
    person_name_key = models.CharField(max_length=100, editable=False, default="")
    person_legal_status = models.CharField(max_length=24, editable=False, default="")
    person_nationality = models.CharField(max_length=2, editable=False, default="")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closure_reason = models.TextField(_("reason for closing"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["cell", "status", "-opened_at"], name="case_cell_status"),
            models.Index(fields=["assigned_to", "status"], name="case_assignee"),
            # Filtered by population and sex, still newest first off the index.
            models.Index(
                fields=["person_population", "person_sex", "-opened_at"], name="case_population_sex"
            ),
            # The caseload's default order, newest first, read one page off the index:
            # for one cell (an agent) and across cells (a coordinator).
            models.Index(fields=["cell", "-opened_at"], name="case_cell_opened"),
            models.Index(fields=["-opened_at"], name="case_opened"),
            models.Index(fields=["cell", "person_name_key"], name="case_cell_name"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class NeedStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    MET = "met", _("met")
    NOT_MET = "not_met", _("not met")
    CANCELLED = "cancelled", _("cancelled")


class Need(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(_("domain"), max_length=24, choices=NeedDomain.choices)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["domain", "status"], name="need_domain_status"),
            models.Index(fields=["case", "domain"], name="need_case_domain"),
        ]

    def __str__(self) -> str:
        return str(self.get_domain_display())


class Note(models.Model):
    """A note on a case. A confidential note is read only by the members of the cell that
    wrote it — not by coordinators, nor by another cell after a transfer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    cell = models.ForeignKey(Cell, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the members of your cell will read it; coordinators will not."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.created_at:%Y-%m-%d}"


class TaskKind(models.TextChoices):
    TASK = "task", _("task")
    APPOINTMENT = "appointment", _("appointment")


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.filter(done_at__isnull=True)

    def overdue(self, on: date | None = None) -> TaskQuerySet:
        return self.open().filter(due_on__lt=on or timezone.localdate())


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(
        _("kind"), max_length=16, choices=TaskKind.choices, default=TaskKind.TASK
    )
    title = models.CharField(_("what"), max_length=200)
    due_on = models.DateField(_("due on"))
    at_time = models.TimeField(_("at"), null=True, blank=True, help_text=_("For appointments."))
    place = models.CharField(_("where"), max_length=200, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task or appointment")
        verbose_name_plural = _("tasks and appointments")
        ordering = ["done_at", "due_on", "at_time"]
        indexes = [models.Index(fields=["done_at", "due_on"], name="task_open_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


class TransferQuerySet(ScopedQuerySet["Transfer"]):
    # The receiving cell sees what it is asked to take on, before it holds the case.
    scope_cell_lookups = ("from_cell_id", "to_cell_id")

    def pending(self) -> TransferQuerySet:
        return self.filter(status=TransferStatus.PENDING)


class Transfer(models.Model):
    """A request by the holding cell to hand the case to another cell; the receiving
    cell's head accepts or declines it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_cell = models.ForeignKey(Cell, on_delete=models.PROTECT, related_name="transfers_out")
    to_cell = models.ForeignKey(
        Cell, verbose_name=_("to cell"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("answer"), blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_case",
                violation_error_message=_("This case already has a transfer waiting."),
            ),
            models.CheckConstraint(
                condition=~Q(from_cell=models.F("to_cell")),
                name="transfer_to_another_cell",
                violation_error_message=_("A case is transferred to another cell."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_cell_id} → {self.to_cell_id}"


class EventKind(models.TextChoices):
    OPENED = "opened", _("case opened")
    UPDATED = "updated", _("case updated")
    STATUS = "status", _("status changed")
    ASSIGNED = "assigned", _("assigned")
    NEED_ADDED = "need_added", _("need added")
    NEED_CHANGED = "need_changed", _("need changed")
    NOTE_ADDED = "note_added", _("note added")
    TASK_ADDED = "task_added", _("task added")
    TASK_DONE = "task_done", _("task done")
    TRANSFER_REQUESTED = "transfer_requested", _("transfer requested")
    TRANSFER_ACCEPTED = "transfer_accepted", _("transfer accepted")
    TRANSFER_DECLINED = "transfer_declined", _("transfer declined")
    CLOSED = "closed", _("case closed")
    REOPENED = "reopened", _("case reopened")
    ATTACHMENT_ADDED = "attachment_added", _("attachment added")


class CaseEvent(models.Model):
    """The history of a case: every change, by whom, when, and the values before and
    after (this is the case's own file, read through the case's scope)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cell = models.ForeignKey(Cell, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="case_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name says nothing of the person: a random id and the checked extension.
    extension = Path(filename).suffix.lower().lstrip(".")
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}.{extension}"


class AttachmentKind(models.TextChoices):
    IDENTITY = "identity", _("identity document")
    RESIDENCE = "residence", _("residence document")
    CIVIL_STATUS = "civil_status", _("civil status record")
    MEDICAL = "medical", _("medical document")
    SCHOOL = "school", _("school document")
    OTHER = "other", _("other")


class Attachment(models.Model):
    """A scan attached to a case, stored outside the static root and served only through
    a scoped, audited view."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(storage=PrivateStorage, upload_to=_attachment_path, max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.size} B)"

    def download_name(self) -> str:
        extension = Path(self.file.name or "").suffix
        return f"{self.case.reference}-{self.kind}{extension}"


def summarise(values: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe values for a history entry."""
    return {key: (str(value) if value is not None else None) for key, value in values.items()}
