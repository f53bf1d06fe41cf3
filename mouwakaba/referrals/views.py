"""Referral pages: the cell's list and referral file, the referral form, the slip, and the
providers' portal (the focal point's list, look-up by code, answer and outcome).

Every referral is read through ``Referral.objects.visible_to(user)``: a focal point of
another provider, or an agent of another cell, gets 404 as if it did not exist. What a
focal point sees of the person is the minimum to serve them (:func:`person_for_provider`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mouwakaba.accounts.models import Role, User
from mouwakaba.cases.models import Case
from mouwakaba.core import audit
from mouwakaba.core.errors import NotAllowed
from mouwakaba.core.models import AuditAction
from mouwakaba.core.pagination import CappedPaginator
from mouwakaba.core.versioning import StaleVersion
from mouwakaba.directory.models import Schedule, Service, ServiceAtLocation
from mouwakaba.eligibility.decisions import decide

from . import actions
from .forms import (
    CancelForm,
    CodeForm,
    CompleteForm,
    ListFilterForm,
    ReasonForm,
    ReferralForm,
    VersionForm,
)
from .models import Referral, ReferralQuerySet, ReferralStatus, normalize_code

SLIP_LANGUAGES = ("ar", "fr")


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def is_focal_point(user: User) -> bool:
    return user.role == Role.FOCAL_POINT


def visible_referral(request: HttpRequest, pk: UUID) -> Referral:
    """The referral if the user may see it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(Referral.objects.visible_to(request.user).for_lists(), pk=pk)


def filter_referrals(referrals: ReferralQuerySet, data: dict[str, Any]) -> ReferralQuerySet:
    if data.get("status"):
        referrals = referrals.filter(status=data["status"])
    if data.get("past_delay"):
        referrals = referrals.past_delay()
    if data.get("q"):
        referrals = referrals.filter(code=normalize_code(data["q"]))
    return referrals


# --- Lists ---------------------------------------------------------------------------------


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    """The referrals of the cell (or of the territory, for coordinators), with filters;
    focal points have their own list, the portal."""
    user = _user(request)
    if is_focal_point(user):
        return redirect("referrals:portal")
    form = ListFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    referrals = filter_referrals(Referral.objects.visible_to(user).for_lists(), data)
    page = CappedPaginator(referrals.order_by("-created_at"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/list.html",
        {"form": form, "page": page, "today": timezone.localdate()},
    )


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    """The providers' portal: the referrals addressed to the focal point's organisation."""
    user = _user(request)
    if not is_focal_point(user):
        raise Http404
    form = ListFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    referrals = filter_referrals(Referral.objects.visible_to(user).for_lists(), data)
    page = CappedPaginator(referrals.order_by("-sent_at"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/portal.html",
        {
            "form": form,
            "code_form": CodeForm(),
            "page": page,
            "today": timezone.localdate(),
        },
    )


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    """A focal point types the code of a slip: their own referral, or 404."""
    form = CodeForm(request.GET or None)
    if not form.is_valid():
        messages.error(request, _("Type the code printed on the slip."))
        return redirect("referrals:portal")
    code = normalize_code(form.cleaned_data["code"])
    if not code:
        raise Http404
    referral = get_object_or_404(Referral.objects.visible_to(request.user), code=code)
    return redirect("referrals:detail", pk=referral.pk)


# --- Making a referral ----------------------------------------------------------------------


def places_of(service: Service, case: Case) -> list[ServiceAtLocation]:
    """The places of ``service``, the nearest to where the person lives first."""
    nearest = actions.nearest_location(service, case.person.commune)
    places = list(
        ServiceAtLocation.objects.filter(service=service)
        .select_related("location__commune")
        .order_by("location__commune__path", "location__name_fr", "pk")
    )
    if nearest is not None:
        places.sort(key=lambda place: place.pk != nearest.pk)
    return places


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """The referral form: the eligibility decision of the rules, the place, the
    justification if the rules say no; saved as a draft or sent at once."""
    user = _user(request)
    params = request.POST if request.method == "POST" else request.GET
    try:
        case_pk = UUID(str(params.get("case", "")))
        service_pk = UUID(str(params.get("service", "")))
        need_pk = int(str(params.get("need", "")))
    except ValueError as error:
        raise Http404 from error
    case = get_object_or_404(
        Case.objects.visible_to(user).select_related("person__commune", "cell"), pk=case_pk
    )
    need = get_object_or_404(case.needs.all(), pk=need_pk)
    try:
        actions.check_cell_member(user, case.cell_id)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    service = get_object_or_404(
        Service.objects.listed().select_related("organization"), pk=service_pk
    )
    if not Service.objects.for_domain(need.domain).filter(pk=service.pk).exists():
        messages.error(request, _("This service does not answer this kind of need."))
        return redirect("cases:detail", pk=case.pk)
    places = places_of(service, case)
    decision = decide(case.person, service)
    form = ReferralForm(
        request.POST or None,
        places=places,
        initial={"need": need.pk, "service": service.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                referral = actions.create_referral(
                    case=case,
                    need=need,
                    by=user,
                    service=service,
                    service_at_location=data["service_at_location"],
                    justification=data["justification"],
                    share_vulnerabilities=data["share_vulnerabilities"],
                )
                if "send" in request.POST:
                    actions.send(referral=referral, by=user)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if referral.status == ReferralStatus.SENT:
                messages.success(request, _("The referral is sent. Print the slip for the person."))
            else:
                messages.success(request, _("The referral is saved as a draft."))
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/new.html",
        {
            "form": form,
            "case": case,
            "need": need,
            "service": service,
            "decision": decision,
            "decision_reasons": [
                {"result": reason.result, "text": str(reason.text or reason.message)}
                for reason in decision.reasons
            ],
            "has_consent": actions.has_sharing_consent(case.person),
        },
    )


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields and field not in ("need", "service") else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# --- One referral ------------------------------------------------------------------------------


def person_for_provider(referral: Referral) -> dict[str, Any]:
    """What the provider's focal point sees of the person: name, sex, age, phone, the
    need, the documents held — the vulnerabilities only if the cell chose to share them
    for this referral. Not the case's notes, not the rest of the file (law 09-08:
    only what the purpose needs)."""
    person = referral.case.person
    return {
        "name": person.display_name,
        "sex": person.get_sex_display(),
        "age": person.age,
        "phone": person.phone,
        "need": referral.need,
        "documents": [
            {"type": document.get_doc_type_display(), "expires_on": document.expires_on}
            for document in person.documents.all()
        ],
        "vulnerabilities": person.vulnerabilities if referral.share_vulnerabilities else None,
    }


def eligibility_reasons(referral: Referral) -> list[dict[str, str]]:
    language = (get_language() or "fr")[:2]
    found = []
    for reason in referral.reasons:
        message = reason.get("message") or {}
        text = message.get(language) or message.get("fr") if isinstance(message, dict) else ""
        found.append({"result": str(reason.get("result", "")), "text": str(text or "")})
    return found


@login_required
def detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    referral = visible_referral(request, pk)
    user = _user(request)
    focal = is_focal_point(user)
    audit.record(
        action=AuditAction.VIEW,
        actor=user,
        target=referral,
        request=request,
        details={"portal": True} if focal else {},
    )
    events = referral.events.select_related("actor")
    context: dict[str, Any] = {
        "referral": referral,
        "events": events,
        "today": timezone.localdate(),
        "version_form": VersionForm(initial={"version": referral.version}),
    }
    if focal:
        context.update(
            {
                "person": person_for_provider(referral),
                "decline_form": ReasonForm(initial={"version": referral.version}),
                "not_delivered_form": ReasonForm(initial={"version": referral.version}),
                "complete_form": CompleteForm(initial={"version": referral.version}),
            }
        )
        return render(request, "referrals/portal_detail.html", context)
    membership = user.membership
    context.update(
        {
            "holds": membership is not None
            and membership.role in (Role.CELL_AGENT, Role.CELL_HEAD)
            and membership.cell_id == referral.cell_id,
            "reasons": eligibility_reasons(referral),
            "cancel_form": CancelForm(initial={"version": referral.version}),
            "has_consent": actions.has_sharing_consent(referral.case.person),
        }
    )
    return render(request, "referrals/detail.html", context)


def _act(
    request: HttpRequest,
    pk: UUID,
    form_class: type[forms.Form],
    operation: Callable[[Referral, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Check the form, run a referral operation, and come back to the referral with what
    happened: refusals and conflicts as messages, nothing half done."""
    referral = visible_referral(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("referrals:detail", pk=referral.pk)
    data = form.cleaned_data
    try:
        operation(referral, data)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except StaleVersion as stale:
        messages.error(request, stale.message())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, str(message))
    else:
        messages.success(request, done)
    return redirect("referrals:detail", pk=referral.pk)


@login_required
@require_POST
def send(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _act(
        request,
        pk,
        VersionForm,
        lambda r, d: actions.send(referral=r, by=_user(request), expected_version=d["version"]),
        _("The referral is sent. Print the slip for the person."),
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _act(
        request,
        pk,
        CancelForm,
        lambda r, d: actions.cancel(
            referral=r, by=_user(request), reason=d["reason"], expected_version=d["version"]
        ),
        _("The referral is cancelled."),
    )


@login_required
@require_POST
def accept(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _act(
        request,
        pk,
        VersionForm,
        lambda r, d: actions.accept(referral=r, by=_user(request), expected_version=d["version"]),
        _("You accepted the referral. The cell is told."),
    )


@login_required
@require_POST
def decline(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _act(
        request,
        pk,
        ReasonForm,
        lambda r, d: actions.decline(
            referral=r, by=_user(request), reason=d["reason"], expected_version=d["version"]
        ),
        _("You declined the referral. The cell is told."),
    )


@login_required
@require_POST
def complete(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _act(
        request,
        pk,
        CompleteForm,
        lambda r, d: actions.complete(
            referral=r,
            by=_user(request),
            delivered_on=d["delivered_on"],
            outcome=d["outcome"],
            expected_version=d["version"],
        ),
        _("The service is recorded as delivered. The cell is told."),
    )


@login_required
@require_POST
def not_delivered(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _act(
        request,
        pk,
        ReasonForm,
        lambda r, d: actions.not_delivered(
            referral=r, by=_user(request), reason=d["reason"], expected_version=d["version"]
        ),
        _("The service is recorded as not delivered. The cell is told."),
    )


# --- The slip ------------------------------------------------------------------------------------


def schedules_of(place: ServiceAtLocation) -> list[Schedule]:
    """The opening hours of the service at this place: its own, else the location's,
    else the service's."""
    today = timezone.localdate()
    in_force = Q(valid_from__isnull=True) | Q(valid_from__lte=today)
    in_force &= Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    for owner in (
        Q(service_at_location=place),
        Q(location_id=place.location_id),
        Q(service_id=place.service_id),
    ):
        found = list(Schedule.objects.filter(owner & in_force))
        if found:
            return found
    return []


def slip_texts(referral: Referral, language: str) -> dict[str, Any]:
    """The slip's texts in one language (each column of the slip is one language)."""
    place = referral.service_at_location
    location = place.location
    service = referral.service
    cell = referral.cell
    with translation.override(language):
        return {
            "language": language,
            "dir": "rtl" if language == "ar" else "ltr",
            "service": service.name,
            "organization": service.organization.name,
            "place": location.name,
            "address": location.address or location.name,
            "commune": location.commune.name if location.commune else "",
            "hours": [schedule.summary() for schedule in schedules_of(place)],
            "documents": [document.document for document in service.required_documents.all()],
            "cell": cell.name,
        }


@login_required
def slip(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The printable slip the person carries: Arabic and French side by side, the
    person's name, where to go, when, what to bring, the code and its QR, the cell's
    contact. No other personal data."""
    referral = visible_referral(request, pk)
    audit.record(
        action=AuditAction.VIEW,
        actor=request.user,
        target=referral,
        request=request,
        details={"slip": True},
    )
    qr = segno.make(referral.code, error="m")
    phones = [phone.number for phone in referral.service_at_location.phones.all()] or [
        phone.number for phone in referral.service_at_location.location.phones.all()
    ]
    return render(
        request,
        "referrals/slip.html",
        {
            "referral": referral,
            "person_name": referral.case.person.display_name,
            "columns": [slip_texts(referral, language) for language in SLIP_LANGUAGES],
            "qr": mark_safe(qr.svg_inline(scale=4, title=referral.code)),  # noqa: S308 - our SVG
            "phones": phones,
            "cell": referral.cell,
            "issued_on": timezone.localdate(),
        },
    )
