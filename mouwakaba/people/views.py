from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mouwakaba.accounts.models import User
from mouwakaba.core import audit
from mouwakaba.core.errors import NotAllowed
from mouwakaba.core.models import AuditAction
from mouwakaba.core.pagination import CappedPaginator
from mouwakaba.core.scope import visible_to
from mouwakaba.core.versioning import StaleVersion

from . import actions, duplicates, merge
from .forms import (
    DocumentForm,
    DuplicateFilterForm,
    HouseholdForm,
    PersonForm,
    RegistrationForm,
    SearchForm,
)
from .models import (
    Consent,
    ConsentKind,
    Document,
    DuplicatePair,
    HouseholdLink,
    Person,
    PersonAccess,
    PersonMerge,
)
from .queries import can_see_vulnerabilities, is_broad, search_persons

COORDINATORS = ("provincial_coordinator", "regional_coordinator")


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def visible_person(request: HttpRequest, pk: UUID) -> Person:
    """The person if the user may see them; 404 otherwise, as if they did not exist."""
    return get_object_or_404(Person.objects.visible_to(request.user), pk=pk)


def apply_errors(form: Any, error: ValidationError) -> None:
    """Show an action's validation errors on the form, field by field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Find a person as you type, in either script, by document number or phone."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = list(search_persons(request.user, query)) if query else []
    broad = len(results) >= 20 and is_broad(query)
    context = {"form": form, "query": query, "results": results, "broad": broad}
    if request.headers.get("HX-Request"):
        return render(request, "people/_results.html", context)
    return render(request, "people/search.html", context)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        actions.working_cell(user)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    form = RegistrationForm(request.POST or None)
    # The document is optional: its form is checked only when something was typed in it.
    fields = ("doc_type", "number", "issuing_country", "issued_on", "expires_on")
    has_document = any(request.POST.get(f"doc-{name}") for name in fields)
    document_form = DocumentForm(request.POST if has_document else None, prefix="doc")
    if request.method == "POST" and form.is_valid():
        documents = []
        if has_document and document_form.is_valid():
            documents.append(actions.DocumentData(**document_form.cleaned_data))
        registration = actions.Registration(
            values={k: v for k, v in form.cleaned_data.items() if k in actions.PERSON_FIELDS},
            estimated_age=form.cleaned_data.get("estimated_age"),
            consent_processing=form.cleaned_data["consent_processing"],
            consent_sharing=form.cleaned_data.get("consent_sharing", False),
            documents=documents,
        )
        if not has_document or document_form.is_valid():
            # Before a new file is made, the registry is searched for the same person,
            # across every cell; the agent decides, once per pair.
            if request.POST.get("confirmed") != "1":
                candidates = duplicates.find_candidates(
                    user, registration_record(registration), request=request
                )
                if candidates:
                    return render(
                        request,
                        "people/register.html",
                        {"form": form, "document_form": document_form, "candidates": candidates},
                    )
            try:
                person = actions.register_person(by=user, registration=registration)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                for shown in request.POST.getlist("shown"):
                    duplicates.settle(a=person.pk, b=UUID(shown), same=False, by=user)
                messages.success(request, _("The person is registered."))
                return redirect("people:detail", pk=person.pk)
    return render(request, "people/register.html", {"form": form, "document_form": document_form})


def registration_record(registration: actions.Registration) -> duplicates.PersonRecord:
    values = registration.values
    birth_year = values.get("birth_year")
    if registration.estimated_age is not None and not values.get("birth_date"):
        birth_year = actions.birth_year_from_age(registration.estimated_age)
    return duplicates.PersonRecord(
        given_name_ar=values.get("given_name_ar", ""),
        family_name_ar=values.get("family_name_ar", ""),
        given_name_lat=values.get("given_name_lat", ""),
        family_name_lat=values.get("family_name_lat", ""),
        sex=values.get("sex", ""),
        birth_date=values.get("birth_date"),
        birth_year=birth_year,
        birth_date_approximate=registration.estimated_age is not None,
        nationality=str(values.get("nationality") or ""),
        phone=values.get("phone", ""),
        document_numbers=tuple(d.number for d in registration.documents if d.number),
    )


@login_required
def known_elsewhere(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The agent says the person at the desk is a candidate registered by another cell:
    they learn which cell holds the file and how to reach it — nothing more."""
    user = _user(request)
    if Person.objects.visible_to(user).filter(pk=pk).exists():
        return redirect("people:detail", pk=pk)
    try:
        actions.working_cell(user)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    access = (
        PersonAccess.objects.filter(person_id=pk)
        .select_related("cell__territory")
        .order_by("-holds_case", "since")
        .first()
    )
    if access is None:
        raise Http404
    audit.record(
        action=AuditAction.MATCH,
        actor=user,
        object_type="people.person",
        object_id=str(pk),
        request=request,
        details={"decision": "same_person_elsewhere"},
    )
    return render(request, "people/known_elsewhere.html", {"cell": access.cell})


@login_required
def detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """A person's file. Every read is recorded in the audit trail."""
    person = get_object_or_404(
        Person.objects.visible_to(request.user)
        .select_related("commune", "registered_by_cell", "registered_by")
        .prefetch_related(
            Prefetch("documents", queryset=Document.objects.all()),
            Prefetch("consents", queryset=Consent.objects.select_related("recorded_by")),
        ),
        pk=pk,
    )
    if person.merged_into_id:
        messages.info(request, _("This file was merged into another one; here is the kept file."))
        return redirect("people:detail", person.merged_into_id)
    audit.record(action=AuditAction.VIEW, actor=request.user, target=person, request=request)
    user = _user(request)
    links = HouseholdLink.objects.filter(person=person).select_related("relative")
    reverse_links = HouseholdLink.objects.filter(relative=person).select_related("person")
    context = {
        "person": person,
        "show_vulnerabilities": can_see_vulnerabilities(user, person),
        "can_edit": actions.can_edit_person(user, person),
        "consent_processing": person.consent(ConsentKind.PROCESSING),
        "consent_sharing": person.consent(ConsentKind.SHARING),
        "household": [(link.relative, link.get_relation_display()) for link in links]
        + [(link.person, link.inverse_label()) for link in reverse_links],
        "document_form": DocumentForm(prefix="doc"),
        "household_form": HouseholdForm(),
        "cases": person_cases(user, person),
        "merges": person.merges.filter(undone_at__isnull=True).select_related("merged_by")
        if user.role in COORDINATORS
        else [],
    }
    return render(request, "people/detail.html", context)


def person_cases(user: User, person: Person) -> list[Any]:
    """The person's cases the user may see. The cases app sits above this one, so they
    are reached through the reverse relation it declares, not by importing it."""
    related = getattr(person, "cases", None)
    if related is None:
        return []
    cases = visible_to(user, related.all())
    return list(cases.select_related("cell", "assigned_to").order_by("-opened_at"))


@login_required
def edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    person = visible_person(request, pk)
    user = _user(request)
    if not actions.can_edit_person(user, person):
        raise PermissionDenied
    show_vulnerabilities = can_see_vulnerabilities(user, person)
    form = PersonForm(
        request.POST or None, instance=person, show_vulnerabilities=show_vulnerabilities
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in actions.PERSON_FIELDS}
        try:
            actions.update_person(
                person=person,
                by=user,
                changes=changes,
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleVersion as stale:
            labels = {name: str(field.label) for name, field in form.fields.items()}
            conflict = stale.message(labels)
            person.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(stale.current_version)
            form.data = data
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/edit.html",
        {"form": form, "person": person, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def add_document(request: HttpRequest, pk: UUID) -> HttpResponse:
    person = visible_person(request, pk)
    form = DocumentForm(request.POST, prefix="doc")
    if form.is_valid():
        try:
            actions.add_document(
                person=person, by=_user(request), data=actions.DocumentData(**form.cleaned_data)
            )
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, str(message))
        else:
            messages.success(request, _("The document is added."))
    else:
        for text in form.errors.values():
            messages.error(request, " ".join(str(t) for t in text))
    return redirect("people:detail", pk=person.pk)


@login_required
@require_POST
def consent(request: HttpRequest, pk: UUID) -> HttpResponse:
    person = visible_person(request, pk)
    kind = request.POST.get("kind", "")
    if kind not in ConsentKind.values:
        messages.error(request, _("Unknown consent."))
        return redirect("people:detail", pk=person.pk)
    try:
        if request.POST.get("give") == "1":
            actions.record_consent(person=person, by=_user(request), kind=ConsentKind(kind))
            messages.success(request, _("The consent is recorded."))
        else:
            actions.withdraw_consent(person=person, by=_user(request), kind=ConsentKind(kind))
            messages.success(request, _("The consent is withdrawn."))
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    return redirect("people:detail", pk=person.pk)


@login_required
def household_candidates(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Persons to link, found as the agent types (htmx fragment)."""
    person = visible_person(request, pk)
    query = request.GET.get("q", "").strip()
    found = (
        [p for p in search_persons(request.user, query, limit=10) if p.pk != person.pk]
        if query
        else []
    )
    return render(request, "people/_household_candidates.html", {"found": found, "query": query})


@login_required
@require_POST
def household(request: HttpRequest, pk: UUID) -> HttpResponse:
    person = visible_person(request, pk)
    form = HouseholdForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the person to link and the relation."))
        return redirect("people:detail", pk=person.pk)
    relative = get_object_or_404(
        Person.objects.visible_to(request.user), pk=form.cleaned_data["relative"]
    )
    try:
        actions.link_household(
            person=person,
            relative=relative,
            relation=form.cleaned_data["relation"],
            by=_user(request),
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The household member is linked."))
    return redirect("people:detail", pk=person.pk)


# Pairs on one page of the review queue, best score first.
QUEUE_PAGE = 50


@login_required
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    """Coordinators review the possible duplicates the nightly check found, by cluster,
    a page of pairs at a time, best first, filtered by how likely they are."""
    user = _user(request)
    if user.role not in COORDINATORS:
        raise PermissionDenied
    form = DuplicateFilterForm(request.GET or None)
    level = form.cleaned_data.get("level") if form.is_valid() else ""
    pending = (
        DuplicatePair.objects.visible_to(user)
        .pending()
        .filter(first__merged_into__isnull=True, second__merged_into__isnull=True)
    )
    if level:
        pending = pending.filter(level=level)
    page = CappedPaginator(
        pending.select_related("first", "second").order_by("-score", "pk"), QUEUE_PAGE
    ).get_page(request.GET.get("page"))
    pairs = list(page.object_list)
    people = {p.first_id for p in pairs} | {p.second_id for p in pairs}
    visible = set(
        Person.objects.visible_to(user).filter(pk__in=people).values_list("pk", flat=True)
    )
    holders = duplicates._holding_cells(list(people))
    groups = [
        [(pair, holders.get(pair.first_id, ""), holders.get(pair.second_id, "")) for pair in group]
        for group in duplicates.clusters(pairs)
    ]
    return render(
        request,
        "people/duplicates.html",
        {
            "groups": groups,
            "visible": visible,
            "form": form,
            "page": page,
        },
    )


@login_required
@require_POST
def settle_pair(request: HttpRequest, pair_pk: int) -> HttpResponse:
    user = _user(request)
    if user.role not in COORDINATORS:
        raise PermissionDenied
    pair = get_object_or_404(DuplicatePair.objects.visible_to(user).pending(), pk=pair_pk)
    same = request.POST.get("decision") == "same"
    duplicates.settle(a=pair.first_id, b=pair.second_id, same=same, by=user)
    messages.success(
        request, _("Recorded: the same person.") if same else _("Recorded: two different persons.")
    )
    return redirect("people:duplicates")


@login_required
def merge_pair(request: HttpRequest, pair_pk: int) -> HttpResponse:
    """A coordinator compares two files side by side and merges one into the other."""
    user = _user(request)
    if user.role not in COORDINATORS:
        raise PermissionDenied
    pair = get_object_or_404(DuplicatePair.objects.visible_to(user).pending(), pk=pair_pk)
    files = list(
        Person.objects.visible_to(user)
        .filter(pk__in=[pair.first_id, pair.second_id], merged_into__isnull=True)
        .select_related("commune", "registered_by_cell")
        .annotate(document_count=Count("documents", distinct=True))
        .order_by("created_at")
    )
    if len(files) != 2:
        messages.error(
            request,
            _(
                "Only a coordinator who sees both files can merge them; ask the regional coordinator."
            ),
        )
        return redirect("people:duplicates")
    for person in files:
        audit.record(action=AuditAction.VIEW, actor=user, target=person, request=request)
    error = ""
    if request.method == "POST":
        keep = request.POST.get("keep")
        chosen = [p for p in files if str(p.pk) == keep]
        if not chosen:
            error = _("Choose the file to keep.")
        else:
            kept = chosen[0]
            other = files[1] if kept is files[0] else files[0]
            try:
                merge.merge(kept=kept, merged=other, by=user)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("The two files are now one. The merge can be undone from this page."),
                )
                return redirect("people:detail", kept.pk)
    cases = {person.pk: person_cases(user, person) for person in files}
    return render(
        request,
        "people/merge.html",
        {
            "pair": pair,
            "files": [(person, cases[person.pk]) for person in files],
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def undo_merge(request: HttpRequest, merge_pk: int) -> HttpResponse:
    user = _user(request)
    if user.role not in COORDINATORS:
        raise PermissionDenied
    visible = Person.objects.visible_to(user).values("pk")
    record = get_object_or_404(
        PersonMerge.objects.filter(kept__in=visible, undone_at__isnull=True), pk=merge_pk
    )
    try:
        merge.undo(merge_record=record, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The merge was undone: the two files are separate again."))
    return redirect("people:detail", record.kept_id)
