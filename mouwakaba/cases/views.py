from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mouwakaba.accounts.models import Role, User
from mouwakaba.core import audit
from mouwakaba.core.errors import NotAllowed
from mouwakaba.core.models import AuditAction
from mouwakaba.core.pagination import CappedPaginator
from mouwakaba.core.versioning import StaleVersion
from mouwakaba.people.models import Person

from . import actions
from .forms import (
    AssignForm,
    AttachmentForm,
    CaseFilterForm,
    CloseForm,
    DecisionForm,
    NeedForm,
    NeedStatusForm,
    NoteForm,
    OpenCaseForm,
    ReopenForm,
    TaskForm,
    TransferForm,
    VersionForm,
)
from .models import Attachment, Case, CaseEvent, Need, NeedStatus, Task, Transfer


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def visible_case(request: HttpRequest, pk: UUID) -> Case:
    """The case if the user may see it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related("person", "cell"), pk=pk
    )


def _flash_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _act(
    request: HttpRequest,
    case: Case,
    form: forms.Form | None,
    operation: Callable[[dict[str, Any]], Any],
    done: str,
    *,
    invalid: str = "",
) -> HttpResponse:
    """Check the form, run a case operation with its data, and come back to the case page
    with what happened: refusals and errors as messages, nothing half done."""
    if form is not None and not form.is_valid():
        problems = [str(message) for errors in form.errors.values() for message in errors]
        messages.error(request, invalid or " ".join(problems))
        return redirect("cases:detail", pk=case.pk)
    try:
        operation(form.cleaned_data if form is not None else {})
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except StaleVersion as stale:
        messages.error(request, stale.message())
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, done)
    return redirect("cases:detail", pk=case.pk)


# --- Lists ---------------------------------------------------------------------------------


def filter_cases(cases: QuerySet[Case], data: dict[str, Any], user: User) -> QuerySet[Case]:
    if data.get("mine"):
        cases = cases.filter(assigned_to=user)
    if data.get("status"):
        cases = cases.filter(status=data["status"])
    if data.get("population"):
        cases = cases.filter(person_population=data["population"])
    if data.get("sex"):
        cases = cases.filter(person_sex=data["sex"])
    if data.get("age"):
        year = timezone.localdate().year
        low, _sep, high = data["age"].partition("-")
        youngest = int(low.rstrip("+"))
        cases = cases.filter(person_birth_year__lte=year - youngest)
        if high:
            cases = cases.filter(person_birth_year__gte=year - int(high))
    if data.get("domain"):
        cases = cases.filter(
            Exists(Need.objects.filter(case_id=OuterRef("pk"), domain=data["domain"]))
        )
    if data.get("overdue"):
        cases = cases.filter(Exists(Task.objects.overdue().filter(case_id=OuterRef("pk"))))
    order = {
        "person": ["person_name_key", "-opened_at"],
        "opened_at": ["opened_at"],
        "-updated_at": ["-updated_at"],
    }.get(data.get("sort") or "", ["-opened_at"])
    return cases.order_by(*order)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """My cases, and the caseload of the cell (or of the territory, for coordinators)."""
    user = _user(request)
    form = CaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    cases = (
        Case.objects.visible_to(user)
        .select_related("person", "assigned_to", "cell")
        .prefetch_related(Prefetch("needs", queryset=Need.objects.only("id", "case_id", "domain")))
    )
    paginator = CappedPaginator(filter_cases(cases, data, user), 25)
    page = paginator.get_page(request.GET.get("page"))
    # Which cases of this page have an overdue task: one query for the page's rows,
    # rather than a test against every task of the caseload.
    shown = [case.pk for case in page.object_list]
    late = set(Task.objects.overdue().filter(case_id__in=shown).values_list("case_id", flat=True))
    for case in page.object_list:
        case.has_overdue = case.pk in late
    context = {"form": form, "page": page}
    if request.headers.get("HX-Request"):
        return render(request, "cases/_case_table.html", context)
    return render(request, "cases/list.html", context)


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Tasks and appointments past their date, in the cases the user sees."""
    user = _user(request)
    cases = Case.objects.visible_to(user).active()
    tasks = (
        Task.objects.overdue()
        .filter(case__in=cases)
        .select_related("case__person", "assigned_to")
        .order_by("due_on")
    )
    mine = request.GET.get("mine") == "1"
    if mine:
        tasks = tasks.filter(assigned_to=user)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(request, "cases/overdue.html", {"page": page, "mine": mine})


@login_required
def transfers(request: HttpRequest) -> HttpResponse:
    """Transfers waiting for the cell's answer, and those it asked for."""
    user = _user(request)
    membership = user.membership
    cell_id = membership.cell_id if membership else None
    visible = Transfer.objects.visible_to(user).select_related(
        "case__person", "from_cell", "to_cell", "requested_by"
    )
    incoming = visible.pending().filter(to_cell_id=cell_id) if cell_id else visible.none()
    outgoing = visible.filter(from_cell_id=cell_id)[:50] if cell_id else visible.none()
    return render(
        request,
        "cases/transfers.html",
        {
            "incoming": incoming,
            "outgoing": outgoing,
            "is_head": membership is not None and membership.role == Role.CELL_HEAD,
            "decision_form": DecisionForm(),
        },
    )


# --- One case ----------------------------------------------------------------------------


@login_required
def open_case(request: HttpRequest, person_pk: UUID) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=person_pk)
    user = _user(request)
    form = OpenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        description = form.cleaned_data["description"]
        needs = [(domain, description) for domain in form.cleaned_data["domains"]]
        try:
            case = actions.open_case(
                person=person, by=user, needs=needs, summary=form.cleaned_data["summary"]
            )
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The case is open."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/open.html", {"form": form, "person": person})


@login_required
def detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """A case: needs, tasks, notes, history. Every read is recorded in the audit trail."""
    case = visible_case(request, pk)
    user = _user(request)
    audit.record(action=AuditAction.VIEW, actor=user, target=case, request=request)
    membership = user.membership
    holds = (
        membership is not None
        and membership.role in (Role.CELL_AGENT, Role.CELL_HEAD)
        and membership.cell_id == case.cell_id
    )
    is_head = holds and membership is not None and membership.role == Role.CELL_HEAD
    notes = case.notes.select_related("author").order_by("-created_at")
    if not (membership and membership.cell_id):
        notes = notes.filter(confidential=False)
    else:
        notes = notes.filter(Q(confidential=False) | Q(cell_id=membership.cell_id))
    context = {
        "case": case,
        "person": case.person,
        "holds": holds,
        "is_head": is_head,
        "needs": case.needs.all(),
        "tasks": case.tasks.select_related("assigned_to"),
        "notes": notes,
        "events": CaseEvent.objects.filter(case=case).select_related("actor", "cell")[:100],
        "attachments": case.attachments.select_related("uploaded_by") if holds else [],
        "pending_transfer": case.transfers.filter(status="pending")
        .select_related("to_cell")
        .first(),
        "today": timezone.localdate(),
        "need_statuses": NeedStatus.choices,
        "need_form": NeedForm(),
        "note_form": NoteForm(),
        "task_form": TaskForm(),
        "close_form": CloseForm(initial={"version": case.version}),
        "reopen_form": ReopenForm(initial={"version": case.version}),
        "transfer_form": TransferForm(exclude=case.cell),
        "assign_form": AssignForm(cell=case.cell, initial={"version": case.version})
        if is_head
        else None,
        "attachment_form": AttachmentForm(),
    }
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def add_need(request: HttpRequest, pk: UUID) -> HttpResponse:
    case = visible_case(request, pk)
    return _act(
        request,
        case,
        NeedForm(request.POST),
        lambda data: actions.add_need(case=case, by=_user(request), **data),
        _("The need is added."),
        invalid=_("Choose the domain of the need."),
    )


@login_required
@require_POST
def change_need(request: HttpRequest, pk: UUID, need_pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    need = get_object_or_404(Need, pk=need_pk, case=case)
    return _act(
        request,
        case,
        NeedStatusForm(request.POST),
        lambda data: actions.change_need(
            need=need,
            by=_user(request),
            status=data["status"],
            expected_version=data.get("version"),
        ),
        _("The need is updated."),
        invalid=_("Choose a status."),
    )


@login_required
@require_POST
def add_note(request: HttpRequest, pk: UUID) -> HttpResponse:
    case = visible_case(request, pk)
    return _act(
        request,
        case,
        NoteForm(request.POST),
        lambda data: actions.add_note(case=case, by=_user(request), **data),
        _("The note is added."),
        invalid=_("Write the note."),
    )


@login_required
@require_POST
def add_task(request: HttpRequest, pk: UUID) -> HttpResponse:
    case = visible_case(request, pk)
    return _act(
        request,
        case,
        TaskForm(request.POST),
        lambda data: actions.add_task(case=case, by=_user(request), **data),
        _("The task is added."),
    )


@login_required
@require_POST
def complete_task(request: HttpRequest, pk: UUID, task_pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    task = get_object_or_404(Task, pk=task_pk, case=case)
    return _act(
        request,
        case,
        None,
        lambda data: actions.complete_task(task=task, by=_user(request)),
        _("The task is done."),
    )


@login_required
@require_POST
def start(request: HttpRequest, pk: UUID) -> HttpResponse:
    case = visible_case(request, pk)
    return _act(
        request,
        case,
        VersionForm(request.POST),
        lambda data: actions.change_status(
            case=case, by=_user(request), status="in_progress", expected_version=data.get("version")
        ),
        _("The case is in progress."),
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: UUID) -> HttpResponse:
    case = visible_case(request, pk)
    return _act(
        request,
        case,
        CloseForm(request.POST),
        lambda data: actions.close_case(
            case=case,
            by=_user(request),
            outcome=data["outcome"],
            reason=data["reason"],
            expected_version=data.get("version"),
        ),
        _("The case is closed."),
        invalid=_("Choose an outcome and say why the case closes."),
    )


@login_required
@require_POST
def reopen(request: HttpRequest, pk: UUID) -> HttpResponse:
    case = visible_case(request, pk)
    return _act(
        request,
        case,
        ReopenForm(request.POST),
        lambda data: actions.reopen_case(
            case=case,
            by=_user(request),
            reason=data["reason"],
            expected_version=data.get("version"),
        ),
        _("The case is reopened."),
        invalid=_("Say why the case reopens."),
    )


@login_required
@require_POST
def assign(request: HttpRequest, pk: UUID) -> HttpResponse:
    case = visible_case(request, pk)
    return _act(
        request,
        case,
        AssignForm(request.POST, cell=case.cell),
        lambda data: actions.assign(
            case=case, by=_user(request), to=data["agent"], expected_version=data.get("version")
        ),
        _("The case is assigned."),
        invalid=_("Choose a member of the cell."),
    )


@login_required
@require_POST
def request_transfer(request: HttpRequest, pk: UUID) -> HttpResponse:
    case = visible_case(request, pk)
    return _act(
        request,
        case,
        TransferForm(request.POST, exclude=case.cell),
        lambda data: actions.request_transfer(
            case=case, by=_user(request), to_cell=data["to_cell"], reason=data["reason"]
        ),
        _("The transfer is requested; the other cell's head will answer."),
        invalid=_("Choose the cell and say why."),
    )


@login_required
@require_POST
def decide_transfer(request: HttpRequest, transfer_pk: int) -> HttpResponse:
    transfer = get_object_or_404(Transfer.objects.visible_to(request.user), pk=transfer_pk)
    form = DecisionForm(request.POST)
    accept = request.POST.get("decision") == "accept"
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        actions.decide_transfer(transfer=transfer, by=_user(request), accept=accept, note=note)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except ValidationError as error:
        _flash_errors(request, error)
        return redirect("cases:transfers")
    if accept:
        messages.success(request, _("The transfer is accepted: your cell now holds the case."))
        return redirect("cases:detail", pk=transfer.case_id)
    messages.success(request, _("The transfer is declined."))
    return redirect("cases:transfers")


@login_required
@require_POST
def add_attachment(request: HttpRequest, pk: UUID) -> HttpResponse:
    case = visible_case(request, pk)
    return _act(
        request,
        case,
        AttachmentForm(request.POST, request.FILES),
        lambda data: actions.add_attachment(
            case=case,
            by=_user(request),
            upload=data["file"],
            kind=data["kind"],
            description=data["description"],
        ),
        _("The file is attached."),
    )


@login_required
def download_attachment(request: HttpRequest, pk: UUID, attachment_pk: UUID) -> FileResponse:
    """Serve a scan to the cell that holds the case; every download is audited."""
    case = visible_case(request, pk)
    user = _user(request)
    membership = user.membership
    if membership is None or membership.cell_id != case.cell_id:
        raise PermissionDenied
    attachment = get_object_or_404(Attachment, pk=attachment_pk, case=case)
    audit.record(
        action=AuditAction.EXPORT,
        actor=user,
        target=attachment,
        request=request,
        details={"case": str(case.pk)},
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.download_name(),
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
