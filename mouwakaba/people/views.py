from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mouwakaba.accounts.models import User
from mouwakaba.core import audit
from mouwakaba.core.errors import NotAllowed
from mouwakaba.core.models import AuditAction
from mouwakaba.core.scope import visible_to
from mouwakaba.core.versioning import StaleVersion

from . import actions
from .forms import DocumentForm, HouseholdForm, PersonForm, RegistrationForm, SearchForm
from .models import Consent, ConsentKind, Document, HouseholdLink, Person
from .queries import can_see_vulnerabilities, search_persons


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
    context = {"form": form, "query": query, "results": results}
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
    document_form = DocumentForm(request.POST or None, prefix="doc")
    if request.method == "POST" and form.is_valid():
        documents = []
        if request.POST.get("doc-doc_type") and document_form.is_valid():
            documents.append(actions.DocumentData(**document_form.cleaned_data))
        registration = actions.Registration(
            values={k: v for k, v in form.cleaned_data.items() if k in actions.PERSON_FIELDS},
            estimated_age=form.cleaned_data.get("estimated_age"),
            consent_processing=form.cleaned_data["consent_processing"],
            consent_sharing=form.cleaned_data.get("consent_sharing", False),
            documents=documents,
        )
        if not request.POST.get("doc-doc_type") or document_form.is_valid():
            try:
                person = actions.register_person(by=user, registration=registration)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The person is registered."))
                return redirect("people:detail", pk=person.pk)
    return render(request, "people/register.html", {"form": form, "document_form": document_form})


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
