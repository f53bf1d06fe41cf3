"""Write operations on cases. Each runs in a transaction, records the change in the case's
history (:class:`CaseEvent`) and in the audit trail, and is the only way to make it."""

from __future__ import annotations

import secrets
from datetime import date, time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mouwakaba.accounts.models import Membership, Role, User
from mouwakaba.core import audit
from mouwakaba.core.domains import NeedDomain
from mouwakaba.core.errors import NotAllowed
from mouwakaba.core.models import AuditAction
from mouwakaba.core.versioning import check_version
from mouwakaba.people.actions import grant_access, working_cell
from mouwakaba.people.models import Person
from mouwakaba.territories.models import Cell

from .models import (
    ACTIVE_STATUSES,
    Attachment,
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Need,
    NeedStatus,
    Note,
    Outcome,
    Task,
    TaskKind,
    Transfer,
    TransferStatus,
    summarise,
)

# Crockford's base32 without look-alikes: a reference read out over the phone.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# Status moves a user may make by hand; closing and reopening have their own operations.
_MOVES = {
    CaseStatus.OPEN: {CaseStatus.IN_PROGRESS},
    CaseStatus.REOPENED: {CaseStatus.IN_PROGRESS},
    CaseStatus.IN_PROGRESS: set(),
    CaseStatus.CLOSED: set(),
}


def new_reference() -> str:
    return "C-" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def _event(case: Case, by: User, kind: EventKind, changes: dict[str, Any] | None = None) -> None:
    CaseEvent.objects.create(case=case, actor=by, cell=case.cell, kind=kind, changes=changes or {})


def _holding_member(user: User, case: Case) -> Membership:
    """The user must be an agent or head of the cell that holds the case."""
    membership = user.membership
    if (
        membership is None
        or membership.role not in (Role.CELL_AGENT, Role.CELL_HEAD)
        or membership.cell_id != case.cell_id
    ):
        raise NotAllowed(_("Only the cell that holds this case can change it."))
    return membership


def _head_of(user: User, cell: Cell) -> None:
    membership = user.membership
    if membership is None or membership.role != Role.CELL_HEAD or membership.cell_id != cell.pk:
        raise NotAllowed(_("Only the head of the cell can do this."))


def _active(case: Case) -> None:
    if case.status not in ACTIVE_STATUSES:
        raise ValidationError(_("This case is closed: reopen it first."))


def _lock(case: Case, expected_version: int | None = None) -> Case:
    locked = Case.objects.select_for_update().select_related("cell", "person").get(pk=case.pk)
    check_version(locked, expected_version)
    return locked


def _bump(case: Case, by: User, fields: list[str]) -> None:
    case.version += 1
    case.updated_at = timezone.now()
    case.save()
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        target=case,
        details={"fields": fields, "version": case.version},
    )


def _check_assignee(case_cell_id: int, user: User | None) -> None:
    if user is None:
        return
    membership = user.membership
    if membership is None or membership.cell_id != case_cell_id or not user.is_active:
        raise ValidationError({"assigned_to": _("Assign the case to a member of its cell.")})


@transaction.atomic
def open_case(
    *,
    person: Person,
    by: User,
    needs: list[tuple[str, str]],
    summary: str = "",
    assigned_to: User | None = None,
) -> Case:
    """Open a case for ``person`` at the agent's cell, with its first needs."""
    cell = working_cell(by)
    if not needs:
        raise ValidationError({"needs": _("Record at least one need.")})
    for domain, _description in needs:
        if domain not in NeedDomain.values:
            raise ValidationError({"needs": _("Unknown need domain.")})
    if Case.objects.filter(person=person, cell=cell, status__in=ACTIVE_STATUSES).exists():
        raise ValidationError(_("This person already has an open case at your cell."))
    assigned_to = assigned_to or by
    _check_assignee(cell.pk, assigned_to)
    case = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    reference=new_reference(),
                    person=person,
                    cell=cell,
                    **person.copies_for_cases(),
                    opened_by=by,
                    assigned_to=assigned_to,
                    summary=summary,
                )
            break
        except IntegrityError:  # a reference drawn twice: draw again
            continue
    if case is None:
        raise RuntimeError("could not draw a unique case reference")
    Need.objects.bulk_create(
        Need(case=case, domain=domain, description=description) for domain, description in needs
    )
    grant_access(person=person, cell=cell)
    _event(case, by, EventKind.OPENED, {"needs": [domain for domain, _d in needs]})
    audit.record(action=AuditAction.CREATE, actor=by, target=case, details={"version": 1})
    return case


@transaction.atomic
def update_case(*, case: Case, by: User, expected_version: int | None, summary: str) -> Case:
    _holding_member(by, case)
    case = _lock(case, expected_version)
    if case.summary == summary:
        return case
    _event(
        case,
        by,
        EventKind.UPDATED,
        {"summary": summarise({"before": case.summary, "after": summary})},
    )
    case.summary = summary
    _bump(case, by, ["summary"])
    return case


@transaction.atomic
def change_status(
    *, case: Case, by: User, status: str, expected_version: int | None = None
) -> Case:
    _holding_member(by, case)
    case = _lock(case, expected_version)
    if status not in _MOVES.get(CaseStatus(case.status), set()):
        raise ValidationError(
            _("A case cannot go from “%(from)s” to “%(to)s”.")
            % {"from": case.get_status_display(), "to": CaseStatus(status).label}
        )
    _event(case, by, EventKind.STATUS, {"status": [case.status, status]})
    case.status = status
    _bump(case, by, ["status"])
    return case


@transaction.atomic
def assign(*, case: Case, by: User, to: User, expected_version: int | None = None) -> Case:
    """A cell head gives the case to a member of the cell."""
    _head_of(by, case.cell)
    case = _lock(case, expected_version)
    _check_assignee(case.cell_id, to)
    if case.assigned_to_id == to.pk:
        return case
    _event(
        case,
        by,
        EventKind.ASSIGNED,
        {"assigned_to": [case.assigned_to.username if case.assigned_to else None, to.username]},
    )
    case.assigned_to = to
    _bump(case, by, ["assigned_to"])
    return case


@transaction.atomic
def add_need(*, case: Case, by: User, domain: str, description: str = "") -> Need:
    _holding_member(by, case)
    case = _lock(case)
    _active(case)
    need = Need(case=case, domain=domain, description=description)
    need.full_clean()
    need.save()
    _event(case, by, EventKind.NEED_ADDED, {"domain": domain})
    _bump(case, by, ["needs"])
    return need


@transaction.atomic
def change_need(
    *,
    need: Need,
    by: User,
    status: str,
    description: str | None = None,
    expected_version: int | None = None,
) -> Need:
    _holding_member(by, need.case)
    locked = Need.objects.select_for_update().get(pk=need.pk)
    check_version(locked, expected_version)
    if status not in NeedStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    changes: dict[str, Any] = {}
    if locked.status != status:
        changes["status"] = [locked.status, status]
        locked.status = status
    if description is not None and description != locked.description:
        changes["description"] = [locked.description, description]
        locked.description = description
    if not changes:
        return locked
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    _event(need.case, by, EventKind.NEED_CHANGED, {"need": locked.pk, **changes})
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        target=locked,
        details={"fields": sorted(changes), "version": locked.version},
    )
    return locked


@transaction.atomic
def meet_need_by_referral(*, need: Need, by: User, referral_code: str) -> Need:
    """The service a need was referred to was delivered: the need is met. Called by the
    referrals app when the provider's focal point records the outcome; the focal point
    does not hold the case, so the holding-cell check of change_need does not apply."""
    locked = Need.objects.select_for_update().select_related("case").get(pk=need.pk)
    if locked.status == NeedStatus.MET:
        return locked
    previous = locked.status
    locked.status = NeedStatus.MET
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    _event(
        locked.case,
        by,
        EventKind.NEED_CHANGED,
        {"need": locked.pk, "status": [previous, NeedStatus.MET], "referral": referral_code},
    )
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        target=locked,
        details={"fields": ["status"], "version": locked.version, "referral": referral_code},
    )
    return locked


@transaction.atomic
def add_note(*, case: Case, by: User, text: str, confidential: bool = False) -> Note:
    _holding_member(by, case)
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    note = Note.objects.create(
        case=case,
        cell_id=case.cell_id,
        author=by,
        text=text.strip(),
        confidential=confidential,
    )
    _event(case, by, EventKind.NOTE_ADDED, {"confidential": confidential})
    audit.record(action=AuditAction.CREATE, actor=by, target=note, details={"case": str(case.pk)})
    return note


@transaction.atomic
def add_task(
    *,
    case: Case,
    by: User,
    title: str,
    due_on: date,
    kind: str = TaskKind.TASK,
    at_time: time | None = None,
    place: str = "",
    assigned_to: User | None = None,
) -> Task:
    _holding_member(by, case)
    case = _lock(case)
    _active(case)
    _check_assignee(case.cell_id, assigned_to)
    task = Task(
        case=case,
        kind=kind,
        title=title,
        due_on=due_on,
        at_time=at_time,
        place=place,
        assigned_to=assigned_to or by,
        created_by=by,
    )
    task.full_clean()
    task.save()
    _event(case, by, EventKind.TASK_ADDED, {"title": title, "due_on": due_on.isoformat()})
    audit.record(action=AuditAction.CREATE, actor=by, target=task, details={"case": str(case.pk)})
    return task


@transaction.atomic
def complete_task(*, task: Task, by: User) -> Task:
    _holding_member(by, task.case)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.done_at is not None:
        return locked
    locked.done_at = timezone.now()
    locked.done_by = by
    locked.save(update_fields=["done_at", "done_by"])
    _event(task.case, by, EventKind.TASK_DONE, {"title": locked.title})
    audit.record(
        action=AuditAction.UPDATE, actor=by, target=locked, details={"fields": ["done_at"]}
    )
    return locked


@transaction.atomic
def close_case(
    *, case: Case, by: User, outcome: str, reason: str, expected_version: int | None = None
) -> Case:
    _holding_member(by, case)
    case = _lock(case, expected_version)
    _active(case)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is closed.")})
    if case.transfers.filter(status=TransferStatus.PENDING).exists():
        raise ValidationError(_("A transfer of this case is waiting for an answer."))
    _event(case, by, EventKind.CLOSED, {"outcome": outcome, "status": [case.status, "closed"]})
    case.status = CaseStatus.CLOSED
    case.outcome = outcome
    case.closure_reason = reason.strip()
    case.closed_at = timezone.now()
    _bump(case, by, ["status", "outcome", "closure_reason"])
    return case


@transaction.atomic
def reopen_case(*, case: Case, by: User, reason: str, expected_version: int | None = None) -> Case:
    _holding_member(by, case)
    case = _lock(case, expected_version)
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    if Case.objects.filter(person=case.person, cell=case.cell, status__in=ACTIVE_STATUSES).exists():
        raise ValidationError(_("This person already has an open case at your cell."))
    _event(case, by, EventKind.REOPENED, {"reason": reason.strip()})
    case.status = CaseStatus.REOPENED
    case.closed_at = None
    _bump(case, by, ["status"])
    return case


@transaction.atomic
def request_transfer(*, case: Case, by: User, to_cell: Cell, reason: str) -> Transfer:
    _holding_member(by, case)
    case = _lock(case)
    _active(case)
    if to_cell.pk == case.cell_id:
        raise ValidationError({"to_cell": _("Choose another cell.")})
    if not to_cell.is_active or not to_cell.cell_type.receives_persons:
        raise ValidationError({"to_cell": _("This cell does not receive persons.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case should move.")})
    if case.transfers.filter(status=TransferStatus.PENDING).exists():
        raise ValidationError(_("This case already has a transfer waiting."))
    transfer = Transfer.objects.create(
        case=case, from_cell=case.cell, to_cell=to_cell, reason=reason.strip(), requested_by=by
    )
    _event(case, by, EventKind.TRANSFER_REQUESTED, {"to_cell": to_cell.code})
    audit.record(
        action=AuditAction.CREATE, actor=by, target=transfer, details={"case": str(case.pk)}
    )
    return transfer


@transaction.atomic
def decide_transfer(*, transfer: Transfer, by: User, accept: bool, note: str = "") -> Transfer:
    """The head of the receiving cell accepts (the cell now holds the case and sees the
    person) or declines (the case stays where it was)."""
    _head_of(by, transfer.to_cell)
    locked = Transfer.objects.select_for_update().select_related("case").get(pk=transfer.pk)
    if locked.status != TransferStatus.PENDING:
        raise ValidationError(_("This transfer was already answered."))
    case = _lock(locked.case)
    locked.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.save()
    if accept:
        _event(
            case,
            by,
            EventKind.TRANSFER_ACCEPTED,
            {"from_cell": locked.from_cell.code, "to_cell": locked.to_cell.code},
        )
        grant_access(person=case.person, cell=locked.from_cell, holds_case=False)
        case.cell = locked.to_cell
        case.assigned_to = by
        _bump(case, by, ["cell", "assigned_to"])
        grant_access(person=case.person, cell=locked.to_cell)
    else:
        _event(case, by, EventKind.TRANSFER_DECLINED, {"to_cell": locked.to_cell.code})
    audit.record(
        action=AuditAction.UPDATE,
        actor=by,
        target=locked,
        details={"fields": ["status"], "accepted": accept},
    )
    return locked


@transaction.atomic
def add_attachment(
    *, case: Case, by: User, upload: UploadedFile[Any], kind: str, description: str = ""
) -> Attachment:
    _holding_member(by, case)
    size = upload.size or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large: %(max)s MB at most.")
                % {"max": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            }
        )
    content_type = sniff_content_type(upload)
    if content_type not in settings.ATTACHMENT_TYPES:
        raise ValidationError({"file": _("Attach a PDF, JPEG or PNG scan.")})
    extension = settings.ATTACHMENT_TYPES[content_type]
    upload.name = f"scan.{extension}"
    attachment = Attachment(
        case=case,
        kind=kind,
        file=upload,
        content_type=content_type,
        size=size,
        description=description,
        uploaded_by=by,
    )
    attachment.full_clean(exclude=["file"])
    attachment.save()
    _event(case, by, EventKind.ATTACHMENT_ADDED, {"kind": kind})
    audit.record(
        action=AuditAction.CREATE, actor=by, target=attachment, details={"case": str(case.pk)}
    )
    return attachment


_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def sniff_content_type(upload: UploadedFile[Any]) -> str:
    """The type the file's first bytes say, not the one its name or the browser claims."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in _SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return "application/octet-stream"
